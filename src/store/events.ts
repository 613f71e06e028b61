import type { CommerceEvent } from "../model/commerce-event";
import { forgetStaleClients } from "./ledger";

/**
 * The payload ?12, completed from the recorded purchase ?14 (when there is one): its hashed identity,
 * attribution and consent, under whatever the event carries itself. Only hashes are copied: the
 * purchase row holds no personal data in the clear.
 */
const COMPLETED_PAYLOAD = `COALESCE((SELECT json_set(?12,
    '$.identity', json_patch(p.payload -> '$.identity', ?12 -> '$.identity'),
    '$.attribution', json_patch(p.payload -> '$.attribution', ?12 -> '$.attribution'),
    '$.consent', json_patch(p.payload -> '$.consent', ?12 -> '$.consent'))
  FROM events p WHERE p.id = ?14 AND p.kind = 'purchase'), ?12)`;

/**
 * Stores each event unless its id is already there, in one D1 round trip. Returns, per event,
 * whether this call inserted it: ON CONFLICT DO NOTHING decides who wins a race. An event given a
 * purchase id in `completeFrom` is completed from that purchase's row in the same statement.
 * `recoveredAt` marks events reconciliation stored (no webhook had): the same INSERT writes it.
 */
export async function insertEvents(
  db: D1Database,
  events: CommerceEvent[],
  envelope: { topic?: string; deliveryId?: string; recoveredAt?: string },
  now: string,
  completeFrom: ReadonlyArray<string | undefined> = [],
): Promise<boolean[]> {
  const results = await db.batch(
    events.map((event, i) =>
      db
        .prepare(
          `INSERT INTO events (id, source, shop, kind, order_id, order_number, occurred_at, received_at, test, topic, webhook_id, payload, recovered_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ${completeFrom[i] ? COMPLETED_PAYLOAD : "?12"}, ?13)
       ON CONFLICT (id) DO NOTHING`,
        )
        .bind(
          event.id,
          event.source,
          event.shop,
          event.kind,
          event.order.id,
          event.order.number ?? null,
          event.occurredAt,
          now,
          event.test ? 1 : 0,
          envelope.topic ?? null,
          envelope.deliveryId ?? null,
          JSON.stringify(event),
          envelope.recoveredAt ?? null,
          ...(completeFrom[i] ? [completeFrom[i]] : []),
        ),
    ),
  );
  return results.map((r) => r.meta.changes > 0);
}

/** Which of these event ids the outbox holds. */
export async function recordedIds(db: D1Database, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const placeholders = ids.map((_, i) => `?${i + 1}`).join(",");
  const rows = await db
    .prepare(`SELECT id FROM events WHERE id IN (${placeholders})`)
    .bind(...ids)
    .all<{ id: string }>();
  return new Set(rows.results.map((r) => r.id));
}

/** The order number of each recorded event that has one, by event id; one round trip. */
export async function orderNumbersOf(db: D1Database, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .prepare(
      "SELECT id, order_number FROM events WHERE id IN (SELECT value FROM json_each(?1)) AND order_number IS NOT NULL",
    )
    .bind(JSON.stringify(ids))
    .all<{ id: string; order_number: string }>();
  return new Map(rows.results.map((r) => [r.id, r.order_number]));
}

/** Marks events the Queue refused, so the sweep finds them sooner; one round trip. */
export async function markEnqueueError(db: D1Database, ids: string[], reason: string): Promise<void> {
  await db.batch(
    ids.map((id) => db.prepare("UPDATE events SET enqueue_error = ?1 WHERE id = ?2").bind(reason, id)),
  );
}

/**
 * For each purchase id, every recorded event of the same order (same source, shop and order id),
 * the purchase itself included; none when the purchase was never recorded. One D1 round trip.
 */
export async function eventsOfPurchaseOrders(
  db: D1Database,
  purchaseIds: string[],
): Promise<Array<Array<{ id: string; kind: string; payload: string }>>> {
  const results = await db.batch<{ id: string; kind: string; payload: string }>(
    purchaseIds.map((purchaseId) =>
      db
        .prepare(
          `SELECT e.id, e.kind, e.payload FROM events e JOIN events p ON p.id = ?1
           WHERE e.source = p.source AND e.shop = p.shop AND e.order_id = p.order_id`,
        )
        .bind(purchaseId),
    ),
  );
  return results.map((r) => r.results);
}

/**
 * Up to `limit` events to put back on the Queue: those received before `strandedBefore` whose
 * enqueue failed or that no consumer ever claimed, and those with a retry due before `overdueBefore`.
 */
export async function strandedEventIds(
  db: D1Database,
  strandedBefore: string,
  overdueBefore: number,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .prepare(
      `SELECT id FROM events WHERE received_at < ?1 AND (enqueue_error IS NOT NULL OR ledger = '{}')
       UNION
       SELECT id FROM events WHERE due_at < ?2
       LIMIT ?3`,
    )
    .bind(strandedBefore, overdueBefore, limit)
    .all<{ id: string }>();
  return rows.results.map((r) => r.id);
}

/** Clears the enqueue-error marker of events the sweep re-enqueued; one round trip. */
export async function clearEnqueueError(db: D1Database, ids: string[]): Promise<void> {
  await db.batch(
    ids.map((id) => db.prepare("UPDATE events SET enqueue_error = NULL WHERE id = ?1").bind(id)),
  );
}

/**
 * In one round trip: deletes the events received before `cutoff` (their ledgers with them), then drops
 * stale client data (see forgetStaleClients). Purged first, so no row about to be deleted is written to.
 */
export async function purgeEvents(
  db: D1Database,
  cutoff: string,
  clientCutoff: string,
  clientLimit: number,
): Promise<{ purged: number; clientCleared: number }> {
  const [purged, cleared] = await db.batch([
    db.prepare("DELETE FROM events WHERE received_at < ?1").bind(cutoff),
    forgetStaleClients(db, clientCutoff, clientLimit),
  ]);
  return { purged: purged.meta.changes, clientCleared: cleared.meta.changes };
}
