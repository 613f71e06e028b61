import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * The two refusal bodies every route answers with, built only here: `rejected` when the request
 * is at fault (4xx, or the 503 a source asks a retry with), `error` when the relay is.
 */
export const rejectedReply = (c: Context, reason: string, status: ContentfulStatusCode) =>
  c.json({ status: "rejected", reason }, status);

export const errorReply = (c: Context, reason: string, status: 500 | 503) =>
  c.json({ status: "error", reason }, status);
