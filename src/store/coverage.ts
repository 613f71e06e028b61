import type { DestinationName } from "../model/statuses";

/*
 * Coverage: the orders the shop's own API listed (shop_orders), each joined to the purchase event
 * it converts to and that event's ledger. An order is covered when its event is stored and every
 * enabled destination sent it (or, in dry-run mode, built it) or skipped it on purpose.
 */

/** A ledger entry's status, as SQL; the name is a fixed identifier, checked anyway. */
function statusOf(destination: DestinationName): string {
  if (!/^[a-z][a-z0-9_]*$/.test(destination)) throw new Error("destination name not usable in a JSON path");
  return `(e.ledger ->> '$.${destination}.status')`;
}

const COVERED_STATUSES = "'sent', 'dry-run', 'skipped'";

/**
 * Every enabled destination final and sent or skipped on purpose; with none enabled, stored is
 * covered. Never NULL (a missing entry is not covered), so `NOT` of it is what it says.
 */
function coveredSql(destinations: readonly DestinationName[]): string {
  const each = destinations.map((d) => `COALESCE(${statusOf(d)} IN (${COVERED_STATUSES}), 0)`);
  return `(e.id IS NOT NULL${each.map((c) => ` AND ${c}`).join("")})`;
}

export interface CoverageCounts {
  source: string;
  shop: string;
  day: string;
  listed: number;
  conversions: number;
  byWebhook: number;
  byReconciliation: number;
  covered: number;
  /** Per destination: status → orders (pending: stored, not final yet). */
  destinations: Record<string, Record<string, number>>;
}

const DESTINATION_STATUSES = {
  sent: "IN ('sent', 'dry-run')",
  skipped: "= 'skipped'",
  failed: "= 'failed'",
  dead: "= 'dead'",
  expired: "= 'expired'",
  pending: "IN ('sending', 'retrying')",
} as const;

/**
 * Per source, shop and day (UTC, of when each order was placed) since `since`: the orders listed,
 * the conversions among them, how they were stored, and each destination's outcome. Only orders
 * placed from where a source's listing started are counted: before it, the shop was not asked.
 */
export async function coverageCounts(
  db: D1Database,
  since: string,
  destinations: readonly DestinationName[],
): Promise<CoverageCounts[]> {
  const columns = destinations.flatMap((d) => [
    ...Object.entries(DESTINATION_STATUSES).map(
      ([name, test]) => `SUM(s.event_id IS NOT NULL AND ${statusOf(d)} ${test}) AS "${d}_${name}"`,
    ),
    // Stored, and the consumer has not written this destination's entry yet.
    `SUM(e.id IS NOT NULL AND ${statusOf(d)} IS NULL) AS "${d}_waiting"`,
  ]);
  const rows = await db
    .prepare(
      `SELECT s.source, s.shop, substr(s.placed_at, 1, 10) AS day, COUNT(*) AS listed,
         COUNT(s.event_id) AS conversions,
         SUM(e.id IS NOT NULL AND e.recovered_at IS NULL) AS by_webhook,
         SUM(e.recovered_at IS NOT NULL) AS by_reconciliation,
         SUM(s.event_id IS NOT NULL AND ${coveredSql(destinations)}) AS covered
         ${columns.map((c) => `, ${c}`).join("")}
       FROM shop_orders s
       JOIN reconcile_state r ON r.source = s.source AND r.shop = s.shop AND s.placed_at >= r.started_at
       LEFT JOIN events e ON e.id = s.event_id
       WHERE s.placed_at >= ?1
       GROUP BY s.source, s.shop, day ORDER BY day DESC, s.source, s.shop`,
    )
    .bind(since)
    .all<Record<string, string | number | null>>();
  return rows.results.map((r) => ({
    source: String(r.source),
    shop: String(r.shop),
    day: String(r.day),
    listed: Number(r.listed ?? 0),
    conversions: Number(r.conversions ?? 0),
    byWebhook: Number(r.by_webhook ?? 0),
    byReconciliation: Number(r.by_reconciliation ?? 0),
    covered: Number(r.covered ?? 0),
    destinations: Object.fromEntries(
      destinations.map((d) => [
        d,
        {
          ...Object.fromEntries(
            Object.keys(DESTINATION_STATUSES).map((s) => [s, Number(r[`${d}_${s}`] ?? 0)]),
          ),
          pending: Number(r[`${d}_pending`] ?? 0) + Number(r[`${d}_waiting`] ?? 0),
        },
      ]),
    ),
  }));
}

/** Why orders were skipped on purpose, per source, day and destination: reason → orders. */
export async function skipReasons(
  db: D1Database,
  since: string,
): Promise<
  Array<{ source: string; shop: string; day: string; destination: string; reason: string; n: number }>
> {
  const rows = await db
    .prepare(
      `SELECT s.source, s.shop, substr(s.placed_at, 1, 10) AS day, j.key AS destination,
         COALESCE(j.value ->> '$.reason', '') AS reason, COUNT(*) AS n
       FROM shop_orders s
       JOIN reconcile_state r ON r.source = s.source AND r.shop = s.shop AND s.placed_at >= r.started_at
       JOIN events e ON e.id = s.event_id, json_each(e.ledger) j
       WHERE s.placed_at >= ?1 AND j.value ->> '$.status' = 'skipped'
       GROUP BY s.source, s.shop, day, j.key, reason`,
    )
    .bind(since)
    .all<{ source: string; shop: string; day: string; destination: string; reason: string; n: number }>();
  return rows.results;
}

export interface UncoveredOrder {
  orderId: string;
  eventId: string;
  note: string | null;
  placedAt: string;
  stored: boolean;
  recoveredAt: string | null;
  /** destination → status and reason (absent: no entry yet). */
  ledger: Record<string, { status: string; reason: string | null }>;
}

/** The drill-down: one source's orders of one day that are not covered, oldest first. */
export async function uncoveredOrders(
  db: D1Database,
  source: string,
  day: string,
  destinations: readonly DestinationName[],
  limit = 200,
): Promise<UncoveredOrder[]> {
  const rows = await db
    .prepare(
      `SELECT s.order_id, s.event_id, s.note, s.placed_at, e.id IS NOT NULL AS stored, e.recovered_at, e.ledger
       FROM shop_orders s
       JOIN reconcile_state r ON r.source = s.source AND r.shop = s.shop AND s.placed_at >= r.started_at
       LEFT JOIN events e ON e.id = s.event_id
       WHERE s.source = ?1 AND s.placed_at >= ?2 AND s.placed_at < ?3 AND s.event_id IS NOT NULL
         AND NOT ${coveredSql(destinations)}
       ORDER BY s.placed_at, s.order_id LIMIT ?4`,
    )
    .bind(source, day, nextDay(day), limit)
    .all<{
      order_id: string;
      event_id: string;
      note: string | null;
      placed_at: string;
      stored: number;
      recovered_at: string | null;
      ledger: string | null;
    }>();
  return rows.results.map((r) => {
    let ledger: Record<string, { status?: string; reason?: string | null }> = {};
    try {
      ledger = JSON.parse(r.ledger ?? "{}");
    } catch {
      // An unreadable ledger shows as no entries.
    }
    return {
      orderId: r.order_id,
      eventId: r.event_id,
      note: r.note,
      placedAt: r.placed_at,
      stored: r.stored === 1,
      recoveredAt: r.recovered_at,
      ledger: Object.fromEntries(
        Object.entries(ledger).map(([d, entry]) => [
          d,
          { status: String(entry.status), reason: entry.reason ?? null },
        ]),
      ),
    };
  });
}

/** `2026-11-28` → `2026-11-29`. */
export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
