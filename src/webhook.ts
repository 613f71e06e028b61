import type { Context } from "hono";
import { loadConfig } from "./config";
import { ingestEvents } from "./ingest";
import { readBodyCapped } from "./lib/body";
import { logError, logInfo, logWarn } from "./lib/log";
import type { SourceVerdict, WebhookSource } from "./sources/types";
import { countWebhook } from "./stats";

type Outcome = "accepted" | "duplicate" | "ignored" | "ping" | "rejected" | "unavailable";

/**
 * The one pipeline every source goes through: cap and read the raw bytes, let the source
 * verify and normalize them, dedupe and hand off, answer with a JSON summary and write
 * one log line.
 */
export async function receiveWebhook(
  c: Context<{ Bindings: Env }>,
  source: WebhookSource,
): Promise<Response> {
  const started = Date.now();
  const log = (outcome: Outcome, status: number, fields: Record<string, unknown> = {}) => {
    const line = { source: source.name, outcome, status, ms: Date.now() - started, ...fields };
    countWebhook(c.env.DB, c.executionCtx, source.name, outcome);
    if (status >= 500) logError("webhook", line as never);
    else if (status >= 400) logWarn("webhook", line as never);
    else logInfo("webhook", line as never);
  };

  const loaded = loadConfig(c.env);
  if (!loaded.ok) {
    log("unavailable", 503, { reason: "invalid configuration", problems: loaded.problems });
    return c.json({ status: "error", reason: "relay misconfigured" }, 503);
  }
  const config = loaded.config;
  if (!source.configured(config)) {
    // Loud, and a 503 so the shop keeps retrying while the owner sets the secret.
    logError("webhook secret not configured", {
      source: source.name,
      fix: `set ${source.name.toUpperCase()}_WEBHOOK_SECRET`,
    });
    log("unavailable", 503, { reason: "secret not configured" });
    return c.json({ status: "error", reason: "relay not configured for this source" }, 503);
  }

  const body = await readBodyCapped(c.req.raw, config.MAX_BODY_BYTES);
  if (!body.ok) {
    const status = body.reason === "too_large" ? 413 : 400;
    log("rejected", status, { reason: body.reason });
    return c.json(
      { status: "rejected", reason: body.reason === "too_large" ? "body too large" : "unreadable body" },
      status,
    );
  }

  let verdict: SourceVerdict;
  try {
    verdict = await source.handle({ headers: c.req.raw.headers, bytes: body.bytes }, config);
  } catch (error) {
    // A payload we cannot use is never a 5xx: the sender would retry it for hours.
    logError("source failed on a payload", {
      source: source.name,
      error: (error as Error).message.slice(0, 200),
    });
    verdict = { outcome: "rejected", status: 400, reason: "unprocessable payload" };
  }
  const meta = { topic: verdict.topic, shop: verdict.shop, webhookId: verdict.deliveryId };

  if (verdict.outcome === "rejected") {
    log("rejected", verdict.status, { ...meta, reason: verdict.reason });
    const reason = verdict.status === 401 ? "unauthorized" : verdict.reason;
    return c.json({ status: "rejected", reason }, verdict.status);
  }
  if (verdict.outcome !== "events" || (verdict.events.length === 0 && !verdict.reversals?.length)) {
    const outcome = verdict.outcome === "ping" ? "ping" : "ignored";
    const reason = verdict.outcome === "events" ? "no conversion in this webhook" : verdict.reason;
    log(outcome, 200, { ...meta, reason });
    return c.json({ status: outcome, reason, events: [], ...verdict.reply }, 200);
  }

  const result = await ingestEvents(
    c.env,
    config,
    verdict.events,
    verdict,
    c.executionCtx,
    verdict.reversals,
  );
  if (!result.ok) {
    log("unavailable", 503, { ...meta, reason: result.reason });
    return c.json({ status: "error", reason: "could not store the event; retry later" }, 503);
  }
  const has = (s: string) => result.events.some((e) => e.status === s);
  const outcome = has("accepted") ? "accepted" : has("duplicate") ? "duplicate" : "ignored";
  log(outcome, 200, {
    ...meta,
    eventIds: result.events.map((e) => e.id),
    eventStatus: result.events.map((e) => e.status),
    queued: result.queued,
  });
  return c.json({ status: outcome, events: result.events, ...verdict.reply }, 200);
}
