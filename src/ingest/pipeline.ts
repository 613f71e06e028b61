import type { Context } from "hono";
import type { AppEnv } from "../config";
import { readBodyCapped } from "../lib/body";
import { errorText } from "../lib/errors";
import { logError, logInfo, logWarn } from "../lib/log";
import { errorReply, rejectedReply, SETTINGS_HINT } from "../lib/reply";
import { EVENT, type EventStatus, type WebhookOutcome } from "../model/statuses";
import { REFUSAL_STATUS, type RefusalReason, type SourceVerdict, type WebhookSource } from "../sources/types";
import { noteRejection, type RecentRejection } from "../store/recent-rejections";
import { countWebhook } from "./counters";
import { ingestEvents } from "./outbox";

/** The fields of a webhook's log line besides source, outcome, status and ms. */
type LineFields = Partial<
  Pick<RecentRejection, "reason" | "detail" | "hint" | "topic" | "shop" | "webhookId" | "claimed">
> & {
  fix?: string;
  problems?: string[];
  eventIds?: string[];
  eventStatus?: EventStatus[];
  queued?: boolean;
};

/**
 * The one pipeline every source goes through: cap and read the raw bytes, let the source
 * verify and normalize them, dedupe and hand off, answer with a JSON summary and write
 * one log line.
 */
export async function receiveWebhook(c: Context<AppEnv>, source: WebhookSource): Promise<Response> {
  const started = Date.now();
  const log = (outcome: WebhookOutcome, status: number, fields: LineFields = {}) => {
    const line = { source: source.name, outcome, status, ms: Date.now() - started, ...fields };
    countWebhook(c.env.DB, c.executionCtx, source.name, outcome);
    if (status >= 500) logError("webhook", line);
    else if (status >= 400) logWarn("webhook", line);
    else logInfo("webhook", line);
    // Kept for /admin's last rejections too: in this isolate's memory, never a D1 write per request.
    if (status >= 400) {
      const { reason = outcome, detail, hint, fix, problems, topic, shop, webhookId, claimed } = fields;
      const why = { reason, detail: detail ?? problems?.join("; "), hint: hint ?? fix };
      noteRejection(source.name, {
        at: new Date().toISOString(),
        status,
        ...why,
        topic,
        shop,
        webhookId,
        claimed,
      });
    }
  };
  /**
   * Every refusal answers with its reason's one status (fixed words, nothing the sender sent), and
   * logs what it refused, why, what the request claimed to be, and what the owner should check.
   */
  const refuse = (
    verdict: { reason: RefusalReason; detail?: string; hint?: string },
    fields: LineFields = {},
  ) => {
    const status = REFUSAL_STATUS[verdict.reason];
    log("rejected", status, {
      ...fields,
      reason: verdict.reason,
      detail: verdict.detail,
      hint: verdict.hint,
    });
    return rejectedReply(c, verdict.reason, status);
  };
  const claimedBy = (verdict: SourceVerdict): LineFields => ({
    topic: verdict.topic,
    shop: verdict.shop,
    webhookId: verdict.deliveryId,
    // What a refused request claimed is marked as such: it was not verified.
    ...(verdict.outcome === "rejected" && verdict.reason === "unauthorized" ? { claimed: true } : {}),
  });

  const loaded = c.var.settings;
  if (!loaded.ok) {
    log("unavailable", 503, { reason: "invalid configuration", problems: loaded.reason });
    return errorReply(c, "relay misconfigured", 503, { see: SETTINGS_HINT });
  }
  const config = loaded.value;
  const screened = source.screen?.(c.req.raw.headers, config);
  if (screened?.outcome === "rejected") return refuse(screened, claimedBy(screened));
  const fix = source.setupProblem(config);
  if (fix) {
    // Loud, and a 503 so the shop keeps retrying while the owner finishes the setup.
    logError("webhook source not configured", { source: source.name, fix });
    log("unavailable", 503, { reason: "source not configured", fix });
    return errorReply(c, "relay not configured for this source", 503, { see: SETTINGS_HINT });
  }

  const body = await readBodyCapped(c.req.raw, config.MAX_BODY_BYTES);
  if (!body.ok) {
    return refuse(
      body.reason === "too_large"
        ? { reason: "body too large", hint: `MAX_BODY_BYTES is ${config.MAX_BODY_BYTES}` }
        : { reason: "unreadable body" },
    );
  }

  let verdict: SourceVerdict;
  try {
    verdict = await source.handle({ headers: c.req.raw.headers, bytes: body.value }, config);
  } catch (error) {
    // A payload we cannot use is never a 5xx: the sender would retry it for hours.
    logError("source failed on a payload", {
      source: source.name,
      error: errorText(error),
    });
    verdict = { outcome: "rejected", reason: "invalid payload", detail: "source failed" };
  }
  const meta = claimedBy(verdict);

  if (verdict.outcome === "rejected") return refuse(verdict, meta);
  if (verdict.outcome !== "events" || (verdict.events.length === 0 && !verdict.reversals?.length)) {
    const outcome = verdict.outcome === "ping" ? "ping" : "ignored";
    const reason = verdict.outcome === "events" ? "no conversion in this webhook" : verdict.reason;
    const detail = verdict.outcome === "events" ? undefined : verdict.detail;
    log(outcome, 200, { ...meta, reason, detail });
    return c.json({ status: outcome, reason, events: [], ...verdict.reply }, 200);
  }

  const ingested = await ingestEvents(
    c.env,
    config,
    verdict.events,
    verdict,
    c.executionCtx,
    verdict.reversals,
  );
  if (!ingested.ok) {
    log("unavailable", 503, { ...meta, reason: ingested.reason });
    return errorReply(c, "could not store the event; retry later", 503);
  }
  const { events, queued, problems } = ingested.value;
  const eventIds = events.map((e) => e.id);
  const detail = problems.length ? [...new Set(problems)].join("; ") : undefined;
  // One bad event does not cost a webhook its good ones: it is reported invalid, and only a webhook with no valid event is refused.
  if (events.every((e) => e.status === EVENT.invalid)) {
    const reason = "invalid payload";
    // A sender that must get its success answer (an Adobe Commerce webhook inside checkout) gets it.
    if (verdict.reply) {
      log("ignored", 200, { ...meta, eventIds, reason, detail });
      return c.json({ status: "ignored", reason, events, ...verdict.reply }, 200);
    }
    return refuse({ reason, detail }, { ...meta, eventIds });
  }
  const has = (s: EventStatus) => events.some((e) => e.status === s);
  const outcome = has(EVENT.accepted) ? "accepted" : has(EVENT.duplicate) ? "duplicate" : "ignored";
  log(outcome, 200, {
    ...meta,
    eventIds,
    eventStatus: events.map((e) => e.status),
    queued,
    detail,
  });
  return c.json({ status: outcome, events, ...verdict.reply }, 200);
}
