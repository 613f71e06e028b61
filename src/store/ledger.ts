import { type CommerceEvent, readStoredEvent } from "../model/commerce-event";
import { type Pair, PairMap } from "../model/keys";
import type { DeliveryOutcome } from "../model/statuses";
import {
  type DeliveryStatus,
  type DestinationName,
  FINAL_STATUSES,
  OUTCOME,
  type OutcomeStatus,
  STATUS,
} from "../model/statuses";

/** How long a consumer holds a delivery while it sends; a crashed consumer's claim lapses after this. */
export const LEASE_MS = 60_000;

/**
 * SQL for "the event has deliveries and none of them is waiting": an event never consumed, or
 * one a replay or a retry will send again, still needs its client data.
 */
const SETTLED = `EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = events.id)
  AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = events.id
    AND d.status NOT IN (${FINAL_STATUSES.map((s) => `'${s}'`).join(", ")}))`;

/**
 * The client data of a row; NULL for a payload that is not JSON, where json_extract would fail the
 * whole statement (and with it the sweep's purge).
 */
const CLIENT_OF = `CASE WHEN json_valid(payload) THEN json_extract(payload, '$.client') END`;

/** Sets `client` to `{}`; rows already without client data (or not JSON) match nothing, so are not written. */
const FORGET_CLIENT = `UPDATE events SET payload = json_set(payload, '$.client', json('{}'))
  WHERE ${CLIENT_OF} <> '{}'`;

/**
 * Client IP and user agent are kept only to be sent (Meta's client_ip_address, client_user_agent):
 * these statements drop them from the given events once they are settled, checked in the
 * statement itself so a replay that reset a delivery in the meantime keeps them.
 */
export function forgetClient(db: D1Database, eventIds: string[]): D1PreparedStatement[] {
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < eventIds.length; i += 90) {
    const chunk = eventIds.slice(i, i + 90);
    const ids = chunk.map((_, j) => `?${j + 1}`).join(",");
    statements.push(db.prepare(`${FORGET_CLIENT} AND id IN (${ids}) AND ${SETTLED}`).bind(...chunk));
  }
  return statements;
}

/**
 * The sweep's backstop: drops the client data of up to `limit` events that are settled, or that
 * were received before `receivedBefore` whatever their state (past the last moment Meta takes them).
 */
export function forgetStaleClients(
  db: D1Database,
  receivedBefore: string,
  limit: number,
): D1PreparedStatement {
  return db
    .prepare(
      `${FORGET_CLIENT} AND id IN (SELECT id FROM events
         WHERE ${CLIENT_OF} <> '{}' AND (received_at < ?1 OR (${SETTLED}))
         LIMIT ?2)`,
    )
    .bind(receivedBefore, limit);
}

/**
 * The outbox rows of these ids: `events` as the schema reads them, `unreadable` with what is wrong
 * for rows it no longer reads (an older release's, a corrupted one), so one row cannot stop a batch.
 */
export async function loadEvents(
  db: D1Database,
  ids: string[],
): Promise<{ events: Map<string, CommerceEvent>; unreadable: Map<string, string> }> {
  const events = new Map<string, CommerceEvent>();
  const unreadable = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 90) {
    const chunk = ids.slice(i, i + 90);
    const rows = await db
      .prepare(`SELECT id, payload FROM events WHERE id IN (${chunk.map((_, j) => `?${j + 1}`).join(",")})`)
      .bind(...chunk)
      .all<{ id: string; payload: string }>();
    for (const row of rows.results) {
      const stored = readStoredEvent(row.payload);
      if (stored.ok) events.set(row.id, stored.event);
      else unreadable.set(row.id, stored.problem);
    }
  }
  return { events, unreadable };
}

/**
 * Claims each (event, destination) that is new, waiting for a retry, or held by a consumer
 * whose lease lapsed — in one D1 round trip. A pair that is final or held by another
 * consumer is not claimed, so no destination is sent one conversion twice.
 */
export async function claimDeliveries(
  db: D1Database,
  pairs: Pair[],
  now: number,
): Promise<{ claimed: Pair[]; others: PairMap<{ status: string; leaseUntil: number | null }> }> {
  const others = new PairMap<{ status: string; leaseUntil: number | null }>();
  if (pairs.length === 0) return { claimed: [], others };
  const stamp = new Date(now).toISOString();
  const claims = pairs.map((p) =>
    db
      .prepare(
        `INSERT INTO deliveries (event_id, destination, status, attempts, lease_until, created_at, updated_at)
         VALUES (?1, ?2, ?6, 1, ?3, ?4, ?4)
         ON CONFLICT (event_id, destination) DO UPDATE SET
           status = ?6, attempts = deliveries.attempts + 1, lease_until = excluded.lease_until,
           updated_at = excluded.updated_at
         WHERE deliveries.status = ?7 OR (deliveries.status = ?6 AND deliveries.lease_until < ?5)
         RETURNING event_id, destination`,
      )
      .bind(p.eventId, p.destination, now + LEASE_MS, stamp, now, STATUS.sending, STATUS.retrying),
  );
  const results = await db.batch<{ event_id: string; destination: DestinationName }>(claims);
  const claimed: Pair[] = [];
  const unclaimed: Pair[] = [];
  results.forEach((r, i) => {
    (r.results.length ? claimed : unclaimed).push(pairs[i]);
  });
  if (unclaimed.length) {
    const states = await db.batch<{ status: string; lease_until: number | null }>(
      unclaimed.map((p) =>
        db
          .prepare("SELECT status, lease_until FROM deliveries WHERE event_id = ?1 AND destination = ?2")
          .bind(p.eventId, p.destination),
      ),
    );
    states.forEach((r, i) => {
      const row = r.results[0];
      if (row) others.set(unclaimed[i], { status: row.status, leaseUntil: row.lease_until });
    });
  }
  return { claimed, others };
}

const STATUS_OF: Record<OutcomeStatus, DeliveryStatus> = {
  sent: STATUS.sent,
  retry: STATUS.retrying,
  failed: STATUS.failed,
  skipped: STATUS.skipped,
  expired: STATUS.expired,
};

export interface LedgerUpdate extends Pair {
  outcome: DeliveryOutcome;
  nextAttemptAt?: number;
  /** Dry run: what would have been sent. The row becomes `dry-run` instead of `sent`. */
  dryRunBody?: string;
}

/**
 * Records every outcome of one consumer run in one D1 round trip, and in the same batch drops
 * the client data of `settled` events (every enabled destination final after this run).
 */
export async function recordOutcomes(
  db: D1Database,
  outcomes: LedgerUpdate[],
  now: number,
  settled: string[] = [],
): Promise<void> {
  if (outcomes.length === 0 && settled.length === 0) return;
  const stamp = new Date(now).toISOString();
  await db.batch([
    ...outcomes.map(({ eventId, destination, outcome, nextAttemptAt, dryRunBody }) =>
      db
        .prepare(
          `UPDATE deliveries SET status = ?1, last_http_status = ?2, reason = ?3, lease_until = NULL,
             next_attempt_at = ?4, updated_at = ?5, request_body = ?8
           WHERE event_id = ?6 AND destination = ?7`,
        )
        .bind(
          dryRunBody !== undefined && outcome.status === OUTCOME.sent
            ? STATUS["dry-run"]
            : STATUS_OF[outcome.status],
          "httpStatus" in outcome ? (outcome.httpStatus ?? null) : null,
          (outcome.reason ?? null)?.slice(0, 500) ?? null,
          nextAttemptAt ?? null,
          stamp,
          eventId,
          destination,
          dryRunBody ?? null,
        ),
    ),
    ...forgetClient(db, settled),
  ]);
}

/**
 * After the Queue's last retry: whatever was still waiting becomes a dead letter, keeping its last
 * reason, and (no delivery waiting any more) the event's client data goes. A replay sends it without.
 */
export async function markDead(db: D1Database, eventIds: string[], now: number): Promise<void> {
  if (eventIds.length === 0) return;
  const stamp = new Date(now).toISOString();
  await db.batch([
    ...eventIds.map((id) =>
      db
        .prepare(
          `UPDATE deliveries SET status = ?3, lease_until = NULL, next_attempt_at = NULL, updated_at = ?1
           WHERE event_id = ?2 AND status IN (?4, ?5)`,
        )
        .bind(stamp, id, STATUS.dead, STATUS.retrying, STATUS.sending),
    ),
    ...forgetClient(db, eventIds),
  ]);
}

/** Ids per statement: with the statuses and times, a statement stays under D1's 100 bound parameters. */
const REPLAY_CHUNK = 80;

/**
 * Sets the deliveries in `statuses` (of these events, of events received in [since, until), when
 * given) back to `retrying`, due now, attempts kept; one round trip. Returns the event id of every
 * row it set back.
 */
export async function resetForReplay(
  db: D1Database,
  match: { statuses: readonly DeliveryStatus[]; eventIds?: string[]; since?: string; until?: string },
  now: number,
): Promise<string[]> {
  const { statuses, eventIds, since, until } = match;
  const idChunks = eventIds
    ? Array.from({ length: Math.ceil(eventIds.length / REPLAY_CHUNK) }, (_, i) =>
        eventIds.slice(i * REPLAY_CHUNK, (i + 1) * REPLAY_CHUNK),
      )
    : [undefined];
  const statements = idChunks.map((ids) => {
    const params: unknown[] = [now, new Date(now).toISOString(), STATUS.retrying];
    const bind = (value: unknown) => {
      params.push(value);
      return `?${params.length}`;
    };
    const where = [`status IN (${statuses.map(bind).join(",")})`];
    if (ids) where.push(`event_id IN (${ids.map(bind).join(",")})`);
    const received = [
      since && `received_at >= ${bind(since)}`,
      until && `received_at < ${bind(until)}`,
    ].filter(Boolean);
    if (received.length) where.push(`event_id IN (SELECT id FROM events WHERE ${received.join(" AND ")})`);
    return db
      .prepare(
        `UPDATE deliveries SET status = ?3, lease_until = NULL, next_attempt_at = ?1, updated_at = ?2
         WHERE ${where.join(" AND ")} RETURNING event_id`,
      )
      .bind(...params);
  });
  const results = await db.batch<{ event_id: string }>(statements);
  return results.flatMap((r) => r.results.map((row) => row.event_id));
}
