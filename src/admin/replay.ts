import * as z from "zod";
import { errorText } from "../lib/errors";
import { logError } from "../lib/log";
import { queueMessageOf } from "../model/queue-message";
import { FAILED_STATUSES, FailedStatus, REPLAYABLE_BY_ID } from "../model/statuses";
import { resetForReplay } from "../store/ledger";

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
  /** Ledger entries (one per event and destination) set back to retrying. */
  deliveries: number;
  /** False when the Queue refused them: the sweep re-enqueues overdue retrying rows within ~30 min. */
  queued: boolean;
}

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
  const statuses = request.status ? [request.status] : request.eventIds ? REPLAYABLE_BY_ID : FAILED_STATUSES;
  const reset = await resetForReplay(
    env.DB,
    { statuses, eventIds: request.eventIds, since: request.since, until: request.until },
    now,
  );
  const eventIds = reset.map((r) => r.eventId);
  const deliveries = reset.reduce((sum, r) => sum + r.entries, 0);
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
      error: errorText(error),
    });
    return { requeued, deliveries, queued: false };
  }
  return { requeued, deliveries, queued: true };
}
