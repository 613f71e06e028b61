import { Hono } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { logInfo } from "../lib/log";
import { rejectedReply } from "../lib/reply";
import { coverageReport, enabledDestinations, uncovered } from "../reconcile/coverage";
import { EventFilter, eventStory, listEvents } from "../store/admin-queries";
import { adminStats } from "../store/admin-stats";
import { recentRejections } from "../store/recent-rejections";
import { adminApi } from "./api";
import { type AdminEnv, adminEnabled, checkToken, foreignOrigin, requireAdmin } from "./auth";
import { adminHeaders } from "./headers";
import { identifierCoverageSince } from "./identifiers";
import { withModeBanner } from "./modes";
import { coveragePage, uncoveredPage } from "./pages/coverage-page";
import { identifiersPage, pixelPage } from "./pages/identifiers-page";
import { statusPage } from "./pages/status-page";
import { storyPage } from "./pages/story-page";
import { CoverageQuery, reconcileNow, settingsOf } from "./reconcile";
import { ReplayRequest, replayDeliveries } from "./replay";
import { capAdminBody, formOf } from "./request-body";
import { endSession, issueSession, SESSION_COOKIE, SESSION_SECONDS } from "./session";
import { requireValidSettings } from "./settings-check";

const COOKIE = { httpOnly: true, secure: true, sameSite: "Strict", path: "/admin" } as const;

/** `/admin`: the status page, its login, and the JSON API under `/admin/api`. */
export const admin = new Hono<AdminEnv>();
const page = requireAdmin("page");
/** A page that needs valid settings: signed in, then the settings' problems if there are any. */
const settledPage = [page, requireValidSettings("page")] as const;

// In this order: headers on every answer, 404 without ADMIN_TOKEN, then the body cap (413); the
// mode banner goes on every page rendered below.
admin.use("*", adminHeaders, adminEnabled, capAdminBody, withModeBanner);

admin.post("/login", async (c) => {
  if (foreignOrigin(c)) return rejectedReply(c, "cross-origin request", 403);
  const token = (await formOf(c)).token;
  const refused = await checkToken(c, token?.trim(), "login", "page");
  if (refused) return refused;
  const session = await issueSession(c.env.DB, c.get("adminToken"), Date.now());
  setCookie(c, SESSION_COOKIE, session, { ...COOKIE, maxAge: SESSION_SECONDS });
  return c.redirect("/admin", 303);
});

admin.post("/logout", page, async (c) => {
  const session = c.get("sessionId");
  if (session) await endSession(c.env.DB, session);
  deleteCookie(c, SESSION_COOKIE, COOKIE);
  return c.redirect("/admin", 303);
});

admin.route("/api", adminApi);

const replayedNotice = (value: string | undefined) =>
  value && /^\d+$/.test(value) ? `Replay queued for ${value} order(s).` : undefined;

admin.get("/", ...settledPage, async (c) => {
  const parsed = EventFilter.safeParse(
    Object.fromEntries(
      Object.entries(c.req.query()).filter(([key, value]) => key !== "replayed" && value !== ""),
    ),
  );
  const filter = parsed.success ? parsed.data : EventFilter.parse({});
  const [stats, events] = await Promise.all([
    adminStats(c.env.DB, enabledDestinations(settingsOf(c))),
    listEvents(c.env.DB, filter),
  ]);
  const notice = parsed.success ? replayedNotice(c.req.query("replayed")) : "That search was not understood.";
  return c.html(
    statusPage({
      stats,
      events,
      filter,
      csrf: c.get("csrf") ?? "",
      notice,
      rejections: recentRejections(),
      sources: c.var.readySources ?? [],
    }),
  );
});

admin.get("/events/:id", ...settledPage, async (c) => {
  const story = await eventStory(c.env.DB, c.req.param("id"));
  if (!story) return rejectedReply(c, "no such event", 404);
  return c.html(storyPage(story, c.get("csrf") ?? "", replayedNotice(c.req.query("replayed"))));
});

admin.post("/replay", ...settledPage, async (c) => {
  const form = await formOf(c);
  const eventId = form.eventId || undefined;
  const request = ReplayRequest.safeParse(eventId ? { eventIds: [eventId] } : { status: form.status });
  if (!request.success) return rejectedReply(c, "nothing to replay", 400);
  const result = await replayDeliveries(c.env, request.data);
  logInfo("admin replay", { via: "page", requeued: result.requeued, deliveries: result.deliveries });
  const back = eventId && form.back !== "list" ? `/admin/events/${encodeURIComponent(eventId)}` : "/admin";
  return c.redirect(`${back}?replayed=${result.requeued}`, 303);
});

admin.get("/coverage", page, async (c) => {
  const report = await coverageReport(c.env, settingsOf(c), Date.now());
  const recovered = c.req.query("recovered");
  const notice =
    recovered && /^\d+$/.test(recovered)
      ? `Reconciliation ran: ${recovered} order event(s) recovered.`
      : undefined;
  return c.html(coveragePage(report, c.get("csrf") ?? "", notice));
});

admin.get("/coverage/:source/:day", page, async (c) => {
  const query = CoverageQuery.safeParse({ source: c.req.param("source"), day: c.req.param("day") });
  if (!query.success || !query.data.source || !query.data.day) return rejectedReply(c, "no such day", 404);
  const config = settingsOf(c);
  const orders = await uncovered(c.env, config, query.data.source, query.data.day);
  return c.html(uncoveredPage(query.data.source, query.data.day, enabledDestinations(config), orders));
});

admin.post("/reconcile", page, async (c) => {
  const summaries = await reconcileNow(c, "page");
  const recovered = summaries.reduce((n, s) => n + s.recovered, 0);
  return c.redirect(`/admin/coverage?recovered=${recovered}`, 303);
});

admin.get("/identifiers", page, async (c) => {
  const days = await identifierCoverageSince(c.env.DB, 14, Date.now());
  return c.html(identifiersPage(days));
});

admin.get("/pixel", page, (c) => c.html(pixelPage(c.var.collectScripts)));
