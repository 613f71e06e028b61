import { DELIVERY_STATUSES, SOURCE_NAMES, WEBHOOK_OUTCOMES } from "../model/statuses";
import { flushWebhookCounts, hourOf } from "./webhook-counts";

export type Counts = Record<string, number>;
export interface WebhookRow {
  source: string;
  /** Webhooks by outcome (approximate: counted in memory, see src/ingest/counters.ts). */
  webhooks: Counts;
  /** Conversions stored from this source: exact, from the events table. */
  events: number;
}
export interface AdminStats {
  generatedAt: string;
  webhooks: { last24h: WebhookRow[]; last7d: WebhookRow[] };
  /** Every ledger row still kept (RETENTION_DAYS), by destination and status. */
  deliveries: Array<{ destination: string; counts: Counts }>;
}

const zeros = (keys: readonly string[]): Counts => Object.fromEntries(keys.map((k) => [k, 0]));

function webhookRows(
  counts: Array<{ source: string; outcome: string; n: number }>,
  events: Array<{ source: string; n: number }>,
) {
  const names = [...new Set([...SOURCE_NAMES, ...counts.map((r) => r.source)])];
  return names.map((source) => {
    const webhooks = zeros(WEBHOOK_OUTCOMES);
    for (const r of counts) if (r.source === source) webhooks[r.outcome] = (webhooks[r.outcome] ?? 0) + r.n;
    return { source, webhooks, events: events.find((e) => e.source === source)?.n ?? 0 };
  });
}

/**
 * The status page's numbers, in one D1 round trip (after writing this isolate's pending counts):
 * a row per destination of `destinations` (the enabled ones) and per destination with ledger rows.
 */
export async function adminStats(
  db: D1Database,
  destinations: readonly string[],
  now = Date.now(),
): Promise<AdminStats> {
  await flushWebhookCounts(db);
  const day = new Date(now - 86_400_000).toISOString();
  const week = new Date(now - 7 * 86_400_000).toISOString();
  const countsSince = (hours: number) =>
    db
      .prepare(
        "SELECT source, outcome, SUM(n) AS n FROM webhook_counts WHERE hour > ?1 GROUP BY source, outcome",
      )
      .bind(hourOf(now) - hours);
  const eventsSince = (since: string) =>
    db
      .prepare("SELECT source, COUNT(*) AS n FROM events WHERE received_at >= ?1 GROUP BY source")
      .bind(since);
  const [counts24, counts7, events24, events7, deliveries] = await db.batch<Record<string, never>>([
    countsSince(24),
    countsSince(7 * 24),
    eventsSince(day),
    eventsSince(week),
    db.prepare("SELECT destination, status, COUNT(*) AS n FROM deliveries GROUP BY destination, status"),
  ]);
  type CountRow = { source: string; outcome: string; n: number };
  type EventRow = { source: string; n: number };
  const rows =
    (deliveries.results as unknown as Array<{ destination: string; status: string; n: number }>) ?? [];
  const names = [...new Set([...destinations, ...rows.map((r) => r.destination)])];
  return {
    generatedAt: new Date(now).toISOString(),
    webhooks: {
      last24h: webhookRows(
        counts24.results as unknown as CountRow[],
        events24.results as unknown as EventRow[],
      ),
      last7d: webhookRows(counts7.results as unknown as CountRow[], events7.results as unknown as EventRow[]),
    },
    deliveries: names.map((destination) => {
      const counts = zeros(DELIVERY_STATUSES);
      for (const r of rows) if (r.destination === destination) counts[r.status] = r.n;
      return { destination, counts };
    }),
  };
}
