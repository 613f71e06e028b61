import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * The two refusal bodies every route answers with, built only here: `rejected` when the request
 * is at fault (4xx, or the 503 a source asks a retry with), `error` when the relay is.
 */
export const rejectedReply = (c: Context, reason: string, status: ContentfulStatusCode) =>
  c.json({ status: "rejected", reason }, status);

/** Where an owner finds what a 503 for the relay's own settings leaves out: fixed words, no setting named. */
export const SETTINGS_HINT =
  "the Worker's log (wrangler tail) names the setting to fix; GET /health lists every problem";

/**
 * `see` points a sender's owner at what to read; `problems` (the settings that are wrong) only
 * ever goes to a caller signed in to the admin.
 */
export const errorReply = (
  c: Context,
  reason: string,
  status: 500 | 503,
  more: { see?: string; problems?: string[] } = {},
) => c.json({ status: "error", reason, ...more }, status);
