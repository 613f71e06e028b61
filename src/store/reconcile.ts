/*
 * Reconciliation's own rows: how far each source's order listing has come (reconcile_state) and
 * every order a listing saw (shop_orders). Neither holds a credential or personal data.
 */

/** One source's listing state, as stored. `cursor` is the listing under way, opaque here (JSON). */
export interface ReconcileState {
  source: string;
  shop: string;
  startedAt: string;
  watermark: string;
  cursor: string | null;
  lastRunAt: string | null;
  caughtUpAt: string | null;
  lastError: string | null;
  alertedDay: string | null;
}

type StateRow = {
  source: string;
  shop: string;
  started_at: string;
  watermark: string;
  cursor: string | null;
  last_run_at: string | null;
  caught_up_at: string | null;
  last_error: string | null;
  alerted_day: string | null;
};

const toState = (r: StateRow): ReconcileState => ({
  source: r.source,
  shop: r.shop,
  startedAt: r.started_at,
  watermark: r.watermark,
  cursor: r.cursor,
  lastRunAt: r.last_run_at,
  caughtUpAt: r.caught_up_at,
  lastError: r.last_error,
  alertedDay: r.alerted_day,
});

const COLUMNS =
  "source, shop, started_at, watermark, cursor, last_run_at, caught_up_at, last_error, alerted_day";

/**
 * Takes one source's listing for a run until `leaseUntil`, creating its state (starting at
 * `watermark`) the first time. Undefined while another run holds it: two runs never list one
 * source at once, so its cursor has one writer.
 */
export async function claimListing(
  db: D1Database,
  key: { source: string; shop: string },
  watermark: string,
  now: number,
  leaseUntil: number,
): Promise<ReconcileState | undefined> {
  const stamp = new Date(now).toISOString();
  const row = await db
    .prepare(
      `INSERT INTO reconcile_state (source, shop, started_at, watermark, lease_until, last_run_at)
       VALUES (?1, ?2, ?3, ?3, ?4, ?5)
       ON CONFLICT (source, shop) DO UPDATE SET lease_until = excluded.lease_until, last_run_at = excluded.last_run_at
         WHERE reconcile_state.lease_until IS NULL OR reconcile_state.lease_until < ?6
       RETURNING ${COLUMNS}`,
    )
    .bind(key.source, key.shop, watermark, leaseUntil, stamp, now)
    .first<StateRow>();
  return row ? toState(row) : undefined;
}

/** One order as a listing saw it; `eventId` is the purchase it converts to, null when none. */
export interface ShopOrderRow {
  orderId: string;
  eventId: string | null;
  placedAt: string;
  updatedAt: string | null;
  note: string | null;
}

/** What a run leaves behind after a page (or when it stops): its position, and the orders it saw. */
export interface ListingProgress {
  cursor: string | null;
  watermark?: string;
  caughtUpAt?: string;
  lastError: string | null;
  /** Give the listing back: the run is done with it. */
  release: boolean;
}

/**
 * Records the orders of a page and the listing's new position in one D1 round trip, only while
 * this run's lease holds (a run whose lease lapsed cannot move a cursor another run now owns).
 * Returns whether the position was written.
 */
export async function saveListing(
  db: D1Database,
  key: { source: string; shop: string },
  progress: ListingProgress,
  orders: ShopOrderRow[],
  listedAt: string,
  leaseUntil: number,
): Promise<boolean> {
  const upsert = db.prepare(
    `INSERT INTO shop_orders (source, shop, order_id, event_id, placed_at, updated_at, note, listed_at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
     ON CONFLICT (source, shop, order_id) DO UPDATE SET event_id = excluded.event_id,
       placed_at = excluded.placed_at, updated_at = excluded.updated_at, note = excluded.note,
       listed_at = excluded.listed_at`,
  );
  const results = await db.batch([
    db
      .prepare(
        `UPDATE reconcile_state SET cursor = ?3, watermark = COALESCE(?4, watermark),
           caught_up_at = COALESCE(?5, caught_up_at), last_error = ?6,
           lease_until = CASE WHEN ?7 THEN NULL ELSE lease_until END
         WHERE source = ?1 AND shop = ?2 AND lease_until = ?8`,
      )
      .bind(
        key.source,
        key.shop,
        progress.cursor,
        progress.watermark ?? null,
        progress.caughtUpAt ?? null,
        progress.lastError,
        progress.release ? 1 : 0,
        leaseUntil,
      ),
    ...orders.map((o) =>
      upsert.bind(key.source, key.shop, o.orderId, o.eventId, o.placedAt, o.updatedAt, o.note, listedAt),
    ),
  ]);
  return results[0].meta.changes > 0;
}

/** Every source's listing state (for /health, the coverage report and the alert). */
export async function listingStates(db: D1Database): Promise<ReconcileState[]> {
  const rows = await db
    .prepare(`SELECT ${COLUMNS} FROM reconcile_state ORDER BY source, shop`)
    .all<StateRow>();
  return rows.results.map(toState);
}

/** Marks the day a source's coverage alert was raised for; false when it already was (another run raised it). */
export async function markAlerted(
  db: D1Database,
  key: { source: string; shop: string },
  day: string,
): Promise<boolean> {
  const result = await db
    .prepare(
      `UPDATE reconcile_state SET alerted_day = ?3
       WHERE source = ?1 AND shop = ?2 AND (alerted_day IS NULL OR alerted_day < ?3)`,
    )
    .bind(key.source, key.shop, day)
    .run();
  return result.meta.changes > 0;
}

/** Deletes the listed orders placed before `cutoff` (RETENTION_DAYS, like the events they count). */
export async function purgeShopOrders(db: D1Database, cutoff: string): Promise<number> {
  const result = await db.prepare("DELETE FROM shop_orders WHERE placed_at < ?1").bind(cutoff).run();
  return result.meta.changes;
}
