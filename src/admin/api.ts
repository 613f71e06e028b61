import { Hono } from "hono";
import { issueText } from "../lib/issue";
import { logInfo } from "../lib/log";
import { rejectedReply } from "../lib/reply";
import { coverageReport, enabledDestinations, uncovered } from "../reconcile/coverage";
import { EventFilter, eventStory, listEvents } from "../store/admin-queries";
import { adminStats } from "../store/admin-stats";
import { recentRejections } from "../store/recent-rejections";
import { type AdminEnv, requireAdmin } from "./auth";
import { IdentifiersQuery, identifierCoverageSince } from "./identifiers";
import { CoverageQuery, ReconcileRequest, reconcileNow, settingsOf } from "./reconcile";
import { REPLAY_HOW, ReplayRequest, replayDeliveries } from "./replay";
import { jsonOf } from "./request-body";
import { requireValidSettings } from "./settings-check";

/** The JSON admin API: the same data as the page, for scripts and curl. */
export const adminApi = new Hono<AdminEnv>();

adminApi.use("*", requireAdmin("api"), requireValidSettings("api"));

adminApi.get("/stats", async (c) => c.json(await adminStats(c.env.DB, enabledDestinations(settingsOf(c)))));

/** The last refusals per source as the instance answering saw them (kept in its memory only). */
adminApi.get("/rejections", (c) =>
  c.json({ seenBy: "this Worker instance", rejections: recentRejections() }),
);

adminApi.get("/events", async (c) => {
  const filter = EventFilter.safeParse(c.req.query());
  if (!filter.success) return rejectedReply(c, issueText(filter.error.issues[0]), 400);
  return c.json({ events: await listEvents(c.env.DB, filter.data) });
});

adminApi.get("/events/:id", async (c) => {
  const story = await eventStory(c.env.DB, c.req.param("id"));
  if (!story) return rejectedReply(c, "no such event", 404);
  return c.json(story);
});

adminApi.post("/replay", async (c) => {
  const body = jsonOf(c);
  if (!body.ok) {
    const reason = body.reason === "empty" ? `empty body: ${REPLAY_HOW}` : "body: not JSON";
    return rejectedReply(c, reason, 400);
  }
  const request = ReplayRequest.safeParse(body.value);
  if (!request.success) {
    return rejectedReply(c, issueText(request.error.issues[0]), 400);
  }
  const result = await replayDeliveries(c.env, request.data);
  logInfo("admin replay", { via: "api", requeued: result.requeued, deliveries: result.deliveries });
  return c.json(result);
});

adminApi.post("/reconcile", async (c) => {
  const body = jsonOf(c);
  if (!body.ok && body.reason !== "empty") return rejectedReply(c, "body: not JSON", 400);
  const request = ReconcileRequest.safeParse(body.ok ? body.value : {});
  if (!request.success) return rejectedReply(c, issueText(request.error.issues[0]), 400);
  return c.json({ sources: await reconcileNow(c, "api", request.data.sources) });
});

adminApi.get("/identifiers", async (c) => {
  const query = IdentifiersQuery.safeParse(c.req.query());
  if (!query.success) return rejectedReply(c, issueText(query.error.issues[0]), 400);
  return c.json({ days: await identifierCoverageSince(c.env.DB, query.data.days, Date.now()) });
});

adminApi.get("/coverage", async (c) => {
  const query = CoverageQuery.safeParse(c.req.query());
  if (!query.success) return rejectedReply(c, issueText(query.error.issues[0]), 400);
  const { days, source, day } = query.data;
  const config = settingsOf(c);
  if (source && day) return c.json({ source, day, orders: await uncovered(c.env, config, source, day) });
  return c.json(await coverageReport(c.env, config, Date.now(), days));
});
