import type { WebhookOutcome } from "../model/statuses";
import { flushWebhookCounts, pendWebhookCount } from "../store/webhook-counts";

/** At most one D1 write per isolate in this interval, however busy the webhook stream is. */
export const FLUSH_EVERY_MS = 10_000;

let lastFlushAt = 0;

/**
 * Counts one webhook outcome in memory and, when the last flush is older than FLUSH_EVERY_MS,
 * writes everything counted so far through waitUntil: a duplicate keeps costing one KV read
 * on the response path. Counts an isolate holds when it is evicted are lost, so the totals
 * are approximate; the events table stays the exact record of what was accepted.
 */
export function countWebhook(
  db: D1Database,
  ctx: ExecutionContext,
  source: string,
  outcome: WebhookOutcome,
  now = Date.now(),
): void {
  pendWebhookCount(source, outcome, now);
  if (now - lastFlushAt < FLUSH_EVERY_MS) return;
  lastFlushAt = now;
  ctx.waitUntil(flushWebhookCounts(db));
}
