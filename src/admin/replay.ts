import { z } from "zod";
import { logError } from "../lib/log";
import { queueMessageOf } from "../model/queue-message";
import { FAILED_STATUSES, FailedStatus, REPLAYABLE_BY_ID, STATUS } from "../model/statuses";

const isoTime = z
  .string()
  .refine((v) => !Number.isNaN(Date.parse(v)), "not a date")
  .transform((v) => new Date(v).toISOString());

/** A bulk replay is asked for by name: a request that names neither ids nor a status is refused. */
export const REPLAY_HOW = `send ${FAILED_STATUSES.map((status) => JSON.stringify({ status })).join(" or ")} to replay all of them, or {"eventIds":[…]}`;

export const ReplayRequest = z
  .object({
    /** At most 100: the ids of one request fit the admin body cap (16 KB). */
    eventIds: z.array(z.string().min(1)).min(1).max(100).optional(),
    status: FailedStatus.optional(),
    /** Events received from / before these times. */
    since: isoTime.optional(),
    until: isoTime.optional(),
  })
  .strict()
  .refine((r) => r.eventIds !== undefined || r.status !== undefined, `nothing to replay: ${REPLAY_HOW}`);
export type ReplayRequest = z.infer<typeof ReplayRequest>;

export interface ReplayResult {
  /** Events put back on the Queue. */
  requeued: number;
  /** Ledger rows set back to retrying. */
  deliveries: number;
  /** False when the Queue refused them: the sweep re-enqueues overdue retrying rows within ~30 min. */
  queued: boolean;
}

const CHUNK = 80;

/**
 * Sets the matching deliveries that are not sent back to `retrying` (attempts kept) and
 * re-enqueues their events. A `sent` row is never touched and a `sending` row belongs to a
 * live consumer, and the consumer claims only `retrying` (or lapsed `sending`) rows: a replay
 * never sends one conversion to one destination twice, however often it is pressed.
 */
export async function replayDeliveries(
  env: Pick<Env, "DB" | "EVENTS_QUEUE">,
  request: ReplayRequest,
  now = Date.now(),
): Promise<ReplayResult> {
  const db = env.DB;
  const statuses = request.status ? [request.status] : request.eventIds ? REPLAYABLE_BY_ID : FAILED_STATUSES;
  const idChunks = request.eventIds
    ? Array.from({ length: Math.ceil(request.eventIds.length / CHUNK) }, (_, i) =>
        request.eventIds?.slice(i * CHUNK, (i + 1) * CHUNK),
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
      request.since && `received_at >= ${bind(request.since)}`,
      request.until && `received_at < ${bind(request.until)}`,
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
  const rows = results.flatMap((r) => r.results);
  const eventIds = [...new Set(rows.map((r) => r.event_id))];
  let requeued = 0;
  try {
    for (let i = 0; i < eventIds.length; i += 100) {
      const chunk = eventIds.slice(i, i + 100);
      await env.EVENTS_QUEUE.sendBatch(chunk.map(queueMessageOf));
      requeued += chunk.length;
    }
  } catch (error) {
    logError("replay could not enqueue; the sweep picks the rows up", {
      events: eventIds.length - requeued,
      error: (error as Error).message.slice(0, 200),
    });
    return { requeued, deliveries: rows.length, queued: false };
  }
  return { requeued, deliveries: rows.length, queued: true };
}
