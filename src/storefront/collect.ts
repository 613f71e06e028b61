import type { Context } from "hono";
import type { AppEnv } from "../config";
import { readBodyCapped } from "../lib/body";
import { clientNetwork } from "../lib/client-network";
import { errorText } from "../lib/errors";
import { logError, logInfo, logWarn } from "../lib/log";
import { errorReply, rejectedReply } from "../lib/reply";
import { saveCollected } from "../store/collected";
import { markPixelSeen } from "../store/pixel-seen";
import { collectedRowOf, MAX_COLLECT_BYTES } from "./collect-body";

/**
 * CORS for any origin (the checkout pixel runs in Shopify's sandbox, the WooCommerce snippet on the
 * shop), without credentials: the endpoint reads no cookie and sets none.
 */
const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "POST, OPTIONS",
  "access-control-allow-headers": "content-type",
  "access-control-max-age": "86400",
};

function withCors(c: Context<AppEnv>): void {
  for (const [name, value] of Object.entries(CORS)) c.header(name, value);
}

/** The preflight a browser sends before a JSON post (the pixel posts text/plain and needs none). */
export function collectPreflight(c: Context<AppEnv>): Response {
  withCors(c);
  return c.body(null, 204);
}

function refused(c: Context<AppEnv>, reason: string, status: 400 | 403 | 413 | 415, detail?: string) {
  logWarn("collect", { outcome: "rejected", status, reason, detail });
  return rejectedReply(c, reason, status);
}

let lastLimitedLog = Number.NEGATIVE_INFINITY;

/** A JSON post: a JSON or text/plain content type (text/plain needs no preflight), or none. */
const POSTABLE = /^(application\/json|text\/plain)(;|$)/i;

/**
 * POST /collect: one browser's identifiers for one order, stored for the purchase's delivery to
 * merge (src/deliver/identifiers.ts). Rate-limited per client network before anything is read;
 * answered 204 with no body once stored; every refusal stores nothing.
 */
export async function receiveCollect(c: Context<AppEnv>): Promise<Response> {
  withCors(c);
  const loaded = c.var.settings;
  if (!loaded.ok) {
    logError("collect", { outcome: "unavailable", status: 503, reason: "relay misconfigured" });
    return errorReply(c, "relay misconfigured", 503);
  }
  const ip = c.req.header("cf-connecting-ip");
  try {
    const { success } = await c.env.COLLECT_LIMITER.limit({
      key: `collect:${clientNetwork(ip ?? "unknown")}`,
    });
    if (!success) {
      c.header("retry-after", "60");
      // A flood would write a line per post: one per minute and isolate says it is happening.
      if (Date.now() - lastLimitedLog > 60_000) {
        lastLimitedLog = Date.now();
        logWarn("collect", { outcome: "rejected", status: 429, reason: "too many requests" });
      }
      return rejectedReply(c, "too many requests", 429);
    }
  } catch (error) {
    // A limiter that cannot be reached lets the post through: the cap and the schema still hold.
    logError("collect rate limiter unavailable", { error: errorText(error) });
  }
  const type = c.req.header("content-type");
  if (type !== undefined && !POSTABLE.test(type)) return refused(c, "unsupported content type", 415);
  const body = await readBodyCapped(c.req.raw, MAX_COLLECT_BYTES);
  if (!body.ok) {
    return body.reason === "too_large"
      ? refused(c, "payload too large", 413)
      : refused(c, "invalid", 400, "body unreadable");
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(body.value));
  } catch {
    return refused(c, "invalid", 400, "body is not JSON");
  }
  const row = await collectedRowOf(json, loaded.value, ip, c.req.header("user-agent"));
  if (!row.ok)
    return refused(c, row.reason.reason, row.reason.reason === "invalid" ? 400 : 403, row.reason.detail);
  const now = Date.now();
  try {
    await saveCollected(c.env.DB, row.value, new Date(now).toISOString());
  } catch (error) {
    logError("collect", { outcome: "unavailable", status: 503, error: errorText(error) });
    return errorReply(c, "storage unavailable", 503);
  }
  c.executionCtx.waitUntil(
    markPixelSeen(c.env.DEDUPE_KV, row.value.shop, now).catch((error) =>
      logError("kv put failed", { error: errorText(error) }),
    ),
  );
  logInfo("collect", { outcome: "stored", status: 204, source: row.value.source, shop: row.value.shop });
  return c.body(null, 204);
}
