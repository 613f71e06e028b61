import { errorText } from "../lib/errors";
import { logWarn } from "../lib/log";
import { addWebhookCount, type WebhookCount } from "../model/keys";
import type { WebhookOutcome } from "../model/statuses";

const HOUR_MS = 3_600_000;
const KEEP_HOURS = 8 * 24;

/** Webhooks counted in this isolate and not yet written. */
const pending: WebhookCount[] = [];

export function hourOf(ms: number): number {
  return Math.floor(ms / HOUR_MS);
}

/** Adds one webhook outcome to this isolate's pending counts; flushWebhookCounts writes them. */
export function pendWebhookCount(source: string, outcome: WebhookOutcome, now: number): void {
  addWebhookCount(pending, { hour: hourOf(now), source, outcome }, 1);
}

/** Writes this isolate's pending counts with one UPSERT each; on failure they wait for the next flush. */
export async function flushWebhookCounts(db: D1Database): Promise<void> {
  const rows = pending.splice(0);
  if (rows.length === 0) return;
  try {
    await db.batch([
      ...rows.map(({ hour, source, outcome, n }) =>
        db
          .prepare(
            `INSERT INTO webhook_counts (hour, source, outcome, n) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (hour, source, outcome) DO UPDATE SET n = n + excluded.n`,
          )
          .bind(hour, source, outcome, n),
      ),
      // The table stays bounded without a job of its own: the admin page reads 7 days back.
      db.prepare("DELETE FROM webhook_counts WHERE hour < ?1").bind(hourOf(Date.now()) - KEEP_HOURS),
    ]);
  } catch (error) {
    for (const row of rows) addWebhookCount(pending, row, row.n);
    logWarn("webhook counts not written", { error: errorText(error) });
  }
}
