import { type CommerceEvent, readStoredEvent } from "../model/commerce-event";
import type { Pair } from "../model/keys";
import { EXCHANGE_LIMITS, type Exchange, type Ledger, type LedgerEntry, readLedger } from "../model/ledger";
import {
  type DeliveryOutcome,
  type DeliveryStatus,
  type DestinationName,
  FINAL_STATUSES,
  OUTCOME,
  type OutcomeStatus,
  STATUS,
} from "../model/statuses";

/*
 * The ledger lives in the event's own outbox row (`events.ledger`, one JSON entry per
 * destination), so claiming and recording an event's deliveries each write one row. Every
 * statement here is a single UPDATE of that row that reads and writes only the entries it
 * owns, and SQLite runs one statement at a time: two consumers can never both claim one
 * (event, destination), and a record cannot undo another consumer's entry.
 */

/** How long a consumer holds a delivery while it sends; a crashed consumer's claim lapses after this. */
export const LEASE_MS = 60_000;

/** Destination names go into JSON paths as text: they are fixed identifiers, checked here anyway. */
function path(destination: DestinationName, field?: keyof LedgerEntry): string {
  if (!/^[a-z][a-z0-9_]*$/.test(destination)) throw new Error("destination name not usable in a JSON path");
  return `'$.${destination}${field ? `.${field}` : ""}'`;
}

const FINAL_LIST = FINAL_STATUSES.map((s) => `'${s}'`).join(", ");

/** The client data of a row; NULL for a payload that is not JSON, where json_extract would fail the statement. */
const CLIENT_OF = `CASE WHEN json_valid(payload) THEN json_extract(payload, '$.client') END`;

/** Every entry of the row's ledger is final (and there is at least one). */
const SETTLED = `ledger <> '{}' AND NOT EXISTS (SELECT 1 FROM json_each(events.ledger) j
  WHERE j.value ->> '$.status' NOT IN (${FINAL_LIST}))`;

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
      `UPDATE events SET payload = json_set(payload, '$.client', json('{}'))
       WHERE id IN (SELECT id FROM events
         WHERE ${CLIENT_OF} <> '{}' AND (received_at < ?1 OR (${SETTLED}))
         LIMIT ?2)`,
    )
    .bind(receivedBefore, limit);
}

export interface Claimed {
  /** The pairs this run holds: it, and only it, sends them now. */
  claimed: Pair[];
  /** The readable events of the claimed pairs. */
  events: Map<string, CommerceEvent>;
  /** Claimed events whose row this release cannot read, with what is wrong. */
  unreadable: Map<string, string>;
  /** Every event the outbox holds, with its ledger as it stood after the claim. */
  ledgers: Map<string, Ledger>;
  /** Claimed events reconciliation stored (no webhook had), with when. */
  recovered: Map<string, string>;
  /** The run's claim token: recording needs it. */
  token: string;
}

/**
 * Claims, for each event, every enabled destination whose entry is missing, waiting for a retry,
 * or held by a consumer whose lease lapsed — one UPDATE per event, in one D1 round trip. An entry
 * that is final or held by a live consumer is left as it is, so no destination is sent one
 * conversion twice. The events not claimed at all are read back in a second round trip, for
 * when to look again.
 */
export async function claimDeliveries(
  db: D1Database,
  eventIds: string[],
  destinations: readonly DestinationName[],
  now: number,
): Promise<Claimed> {
  const token = crypto.randomUUID();
  const result: Claimed = {
    claimed: [],
    events: new Map(),
    unreadable: new Map(),
    ledgers: new Map(),
    recovered: new Map(),
    token,
  };
  if (eventIds.length === 0) return result;
  const stamp = new Date(now).toISOString();
  // ?1 id, ?2 now, ?3 lease until, ?4 token, ?5 stamp, ?6 sending, ?7 retrying
  const claimable = (d: DestinationName) =>
    `(ledger ->> ${path(d, "status")} IS NULL OR ledger ->> ${path(d, "status")} = ?7
      OR (ledger ->> ${path(d, "status")} = ?6 AND ledger ->> ${path(d, "lease_until")} < ?2))`;
  const claimed = (d: DestinationName) =>
    `${path(d)}, json(CASE WHEN ${claimable(d)} THEN json_set(COALESCE(ledger -> ${path(d)}, '{}'),
        '$.status', ?6, '$.attempts', COALESCE(ledger ->> ${path(d, "attempts")}, 0) + 1,
        '$.lease_until', ?3, '$.claim', ?4,
        '$.created_at', COALESCE(ledger ->> ${path(d, "created_at")}, ?5), '$.updated_at', ?5)
      ELSE ledger -> ${path(d)} END)`;
  const sql = `UPDATE events SET ledger = json_set(ledger, ${destinations.map(claimed).join(", ")})
    WHERE id = ?1 AND (${destinations.map(claimable).join(" OR ")})
    RETURNING id, payload, ledger, recovered_at`;
  const results = destinations.length
    ? await db.batch<{ id: string; payload: string; ledger: string; recovered_at: string | null }>(
        eventIds.map((id) =>
          db.prepare(sql).bind(id, now, now + LEASE_MS, token, stamp, STATUS.sending, STATUS.retrying),
        ),
      )
    : eventIds.map(() => ({ results: [] }));
  const missed: string[] = [];
  results.forEach((r, i) => {
    const row = r.results[0];
    if (!row) {
      missed.push(eventIds[i]);
      return;
    }
    const ledger = readLedger(row.ledger);
    result.ledgers.set(row.id, ledger);
    for (const destination of destinations) {
      if (ledger.get(destination)?.claim === token) result.claimed.push({ eventId: row.id, destination });
    }
    if (row.recovered_at) result.recovered.set(row.id, row.recovered_at);
    const stored = readStoredEvent(row.payload);
    if (stored.ok) result.events.set(row.id, stored.value);
    else result.unreadable.set(row.id, stored.reason);
  });
  for (let i = 0; i < missed.length; i += 90) {
    const chunk = missed.slice(i, i + 90);
    const rows = await db
      .prepare(`SELECT id, ledger FROM events WHERE id IN (${chunk.map((_, j) => `?${j + 1}`).join(",")})`)
      .bind(...chunk)
      .all<{ id: string; ledger: string }>();
    for (const row of rows.results) result.ledgers.set(row.id, readLedger(row.ledger));
  }
  return result;
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
  /** The request made for the event in this attempt and its answer; `sent: false` in a dry run. */
  exchange?: Omit<Exchange, "attempt">;
}

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

const dryRunOf = (update: LedgerUpdate) => update.exchange !== undefined && !update.exchange.sent;

/** The status an outcome is recorded as: `dry-run` where a dry run would have sent it. */
export const recordedStatus = (update: LedgerUpdate): DeliveryStatus =>
  dryRunOf(update) && update.outcome.status === OUTCOME.sent
    ? STATUS["dry-run"]
    : STATUS_OF[update.outcome.status];

function entryOf(update: LedgerUpdate, claimed: LedgerEntry | undefined, stamp: string): LedgerEntry {
  const { outcome, exchange } = update;
  const attempts = claimed?.attempts ?? 1;
  const kept = exchange && {
    ...exchange,
    attempt: attempts,
    request: cut(exchange.request, EXCHANGE_LIMITS.request),
  };
  const exchanges = [...(claimed?.exchanges ?? []), ...(kept ? [kept] : [])];
  return {
    status: recordedStatus(update),
    attempts,
    last_http_status: "httpStatus" in outcome ? (outcome.httpStatus ?? null) : null,
    reason: outcome.reason?.slice(0, 500) ?? null,
    next_attempt_at: update.nextAttemptAt ?? null,
    request_body: exchange && dryRunOf(update) ? exchange.request : null,
    exchanges: exchanges.slice(-EXCHANGE_LIMITS.kept),
    created_at: claimed?.created_at ?? stamp,
    updated_at: stamp,
  };
}

/**
 * Records every outcome of one consumer run, one UPDATE per event in one D1 round trip. Each
 * entry is written only while this run's claim still holds it (a consumer whose lease lapsed
 * cannot overwrite the one that took over). The same UPDATE sets `due_at` to the event's earliest
 * retry, and drops its client data once every enabled destination is final.
 */
export async function recordOutcomes(
  db: D1Database,
  claim: Pick<Claimed, "ledgers" | "token">,
  updates: LedgerUpdate[],
  enabled: readonly DestinationName[],
  now: number,
): Promise<void> {
  const byEvent = new Map<string, LedgerUpdate[]>();
  for (const u of updates) byEvent.set(u.eventId, [...(byEvent.get(u.eventId) ?? []), u]);
  if (byEvent.size === 0) return;
  const stamp = new Date(now).toISOString();
  const settledIn = enabled.length
    ? enabled.map((d) => `n.ledger ->> ${path(d, "status")} IN (${FINAL_LIST})`).join(" AND ")
    : "0";
  const statements = [...byEvent].map(([eventId, mine]) => {
    // ?1 id, ?2 token, ?3 retrying, ?4… the entries
    const entries = mine.map(
      (u, i) =>
        `${path(u.destination)}, json(CASE WHEN ledger ->> ${path(u.destination, "claim")} = ?2
          THEN ?${i + 4} ELSE ledger -> ${path(u.destination)} END)`,
    );
    return db
      .prepare(
        `UPDATE events SET ledger = n.ledger,
           due_at = (SELECT MIN(j.value ->> '$.next_attempt_at') FROM json_each(n.ledger) j
             WHERE j.value ->> '$.status' = ?3),
           payload = CASE WHEN json_valid(events.payload) AND ${settledIn}
             THEN json_set(events.payload, '$.client', json('{}')) ELSE events.payload END
         FROM (SELECT json_set(ledger, ${entries.join(", ")}) AS ledger FROM events WHERE id = ?1) AS n
         WHERE events.id = ?1`,
      )
      .bind(
        eventId,
        claim.token,
        STATUS.retrying,
        ...mine.map((u) => JSON.stringify(entryOf(u, claim.ledgers.get(eventId)?.get(u.destination), stamp))),
      );
  });
  await db.batch(statements);
}

/** Rewrites the entries in `statuses` of the matched rows with `change`; the SQL of markDead and replay. */
const rewriteEntries = (statuses: string, change: string) =>
  `(SELECT json_group_object(j.key, json(CASE WHEN j.value ->> '$.status' IN (${statuses})
     THEN ${change} ELSE j.value END)) FROM json_each(events.ledger) j)`;

const hasEntryIn = (statuses: string) =>
  `EXISTS (SELECT 1 FROM json_each(events.ledger) j WHERE j.value ->> '$.status' IN (${statuses}))`;

/**
 * After the Queue's last retry: whatever was still waiting becomes a dead letter, keeping its last
 * reason, and (no delivery waiting any more) the event's client data goes. A replay sends it without.
 */
export async function markDead(db: D1Database, eventIds: string[], now: number): Promise<void> {
  if (eventIds.length === 0) return;
  const stamp = new Date(now).toISOString();
  // ?1 id, ?2 stamp, ?3 dead, ?4 retrying, ?5 sending
  const statement = db.prepare(
    `UPDATE events SET
       ledger = ${rewriteEntries(
         "?4, ?5",
         `json_remove(json_set(j.value, '$.status', ?3, '$.updated_at', ?2),
            '$.lease_until', '$.claim', '$.next_attempt_at')`,
       )},
       due_at = NULL,
       payload = CASE WHEN json_valid(payload) THEN json_set(payload, '$.client', json('{}')) ELSE payload END
     WHERE id = ?1 AND ${hasEntryIn("?4, ?5")}`,
  );
  await db.batch(
    eventIds.map((id) => statement.bind(id, stamp, STATUS.dead, STATUS.retrying, STATUS.sending)),
  );
}

/** Ids per statement: with the statuses and times, a statement stays under D1's 100 bound parameters. */
const REPLAY_CHUNK = 80;

/**
 * Sets the entries in `statuses` (of these events, of events received in [since, until), when
 * given) back to `retrying`, due now, attempts kept; one round trip. Returns, per event set back,
 * how many of its entries were.
 */
export async function resetForReplay(
  db: D1Database,
  match: { statuses: readonly DeliveryStatus[]; eventIds?: string[]; since?: string; until?: string },
  now: number,
): Promise<Array<{ eventId: string; entries: number }>> {
  const { statuses, eventIds, since, until } = match;
  const stamp = new Date(now).toISOString();
  const idChunks = eventIds
    ? Array.from({ length: Math.ceil(eventIds.length / REPLAY_CHUNK) }, (_, i) =>
        eventIds.slice(i * REPLAY_CHUNK, (i + 1) * REPLAY_CHUNK),
      )
    : [undefined];
  const statements = idChunks.map((ids) => {
    const params: unknown[] = [now, stamp, STATUS.retrying];
    const bind = (value: unknown) => {
      params.push(value);
      return `?${params.length}`;
    };
    const listed = statuses.map(bind).join(",");
    const where = [hasEntryIn(listed)];
    if (ids) where.push(`id IN (${ids.map(bind).join(",")})`);
    if (since) where.push(`received_at >= ${bind(since)}`);
    if (until) where.push(`received_at < ${bind(until)}`);
    return db
      .prepare(
        `UPDATE events SET
           ledger = ${rewriteEntries(
             listed,
             `json_remove(json_set(j.value, '$.status', ?3, '$.next_attempt_at', ?1, '$.updated_at', ?2),
                '$.lease_until', '$.claim')`,
           )},
           due_at = ?1
         WHERE ${where.join(" AND ")} RETURNING id, ledger`,
      )
      .bind(...params);
  });
  const results = await db.batch<{ id: string; ledger: string }>(statements);
  return results.flatMap((r) =>
    r.results.map((row) => ({
      eventId: row.id,
      entries: [...readLedger(row.ledger).values()].filter(
        (e) => e.status === STATUS.retrying && e.updated_at === stamp && e.next_attempt_at === now,
      ).length,
    })),
  );
}
