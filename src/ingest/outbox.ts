import type { Config } from "../config";
import { errorText } from "../lib/errors";
import { logError } from "../lib/log";
import { fail, ok, type Result } from "../lib/result";
import { type CommerceEvent, checkEvent, eventId } from "../model/commerce-event";
import { queueMessageOf } from "../model/queue-message";
import { EVENT, type EventStatus } from "../model/statuses";
import type { NormalizedEvent, Reversal, WebhookMeta } from "../sources/types";
import { insertEvents, markEnqueueError, recordedIds } from "../store/events";
import { identifierWaits } from "./identifier-wait";
import { withPurchaseNumbers } from "./purchase-numbers";
import { resolveReversals } from "./reversals";

export const DEDUPE_PREFIX = "seen:";

/**
 * A refund that names no customer (Shopify's refunds/create, a Magento credit memo) is completed
 * from its order's recorded purchase as it is stored: the purchase's id, or none.
 */
function purchaseToCompleteFrom(event: CommerceEvent): string | undefined {
  const named = [...Object.values(event.identity.ga4), ...Object.values(event.identity.meta)].some(Boolean);
  if (event.kind !== "refund" || named) return undefined;
  return eventId(event.source, event.shop, "purchase", event.order.id);
}

export interface Ingested {
  events: Array<{ id: string; status: EventStatus }>;
  queued: boolean;
  /** What the schema refused in each `invalid` event: field and rule, never the value. */
  problems: string[];
}

/**
 * Dedupe and durable hand-off. KV is only a fast path (eventually consistent, no
 * compare-and-set); the D1 insert with ON CONFLICT DO NOTHING decides who wins, so
 * concurrent deliveries of one order store and enqueue it exactly once. Webhooks and
 * reconciliation (which sets `recoveredAt`) both come through here, so dedupe holds across them.
 */
export async function ingestEvents(
  env: Env,
  config: Config,
  given: NormalizedEvent[],
  meta: WebhookMeta & { recoveredAt?: string },
  ctx: ExecutionContext,
  reversals: readonly Reversal[] = [],
): Promise<Result<Ingested>> {
  let reversed: Awaited<ReturnType<typeof resolveReversals>>;
  let normalized: NormalizedEvent[];
  try {
    reversed = await resolveReversals(env.DB, reversals);
    normalized = await withPurchaseNumbers(env.DB, [...given, ...reversed.events]);
  } catch (error) {
    logError("d1 unavailable", { error: errorText(error) });
    return fail("storage unavailable");
  }
  const ids = [...normalized.map((n) => n.event.id), ...reversed.notApplicable];
  const status = new Map<string, EventStatus>(ids.map((id) => [id, EVENT.duplicate]));
  for (const id of reversed.notApplicable) status.set(id, EVENT.not_applicable);
  // Nothing is stored that the consumer could not read back: the schema decides before D1 does.
  const problems: string[] = [];
  const valid = normalized.flatMap((n) => {
    const checked = checkEvent(n.event);
    if (checked.ok) return [{ ...n, event: checked.value }];
    status.set(n.event.id, EVENT.invalid);
    problems.push(checked.reason);
    return [];
  });
  // Rows are purged after RETENTION_DAYS, so an older conversion (a replayed capture, a very
  // late topic) could no longer be recognised as a duplicate: it is refused, not counted twice.
  const oldest = Date.now() - config.RETENTION_DAYS * 86_400_000;
  const current = valid.filter((n) => {
    const tooOld = Date.parse(n.event.occurredAt) < oldest;
    if (tooOld) status.set(n.event.id, EVENT.too_old);
    return !tooOld;
  });
  const seen = await Promise.all(current.map((n) => env.DEDUPE_KV.get(DEDUPE_PREFIX + n.event.id)));
  const fresh = current.filter((_, i) => seen[i] === null);

  let candidates = fresh;
  const preconditions = fresh.flatMap((n) =>
    [n.onlyIfRecorded, n.unlessRecorded].filter((id) => id !== undefined),
  );
  const winners: CommerceEvent[] = [];
  const stored: string[] = [];
  try {
    if (preconditions.length) {
      const recorded = await recordedIds(env.DB, preconditions);
      candidates = fresh.filter(
        (n) =>
          (!n.onlyIfRecorded || recorded.has(n.onlyIfRecorded)) &&
          (!n.unlessRecorded || !recorded.has(n.unlessRecorded)),
      );
      for (const n of fresh) if (!candidates.includes(n)) status.set(n.event.id, EVENT.not_applicable);
    }
    if (candidates.length) {
      const now = new Date().toISOString();
      const inserted = await insertEvents(
        env.DB,
        candidates.map((n) => n.event),
        meta,
        now,
        candidates.map((n) => purchaseToCompleteFrom(n.event)),
      );
      candidates.forEach((n, i) => {
        stored.push(n.event.id);
        if (inserted[i]) {
          winners.push(n.event);
          status.set(n.event.id, EVENT.accepted);
        }
      });
    }
  } catch (error) {
    logError("d1 unavailable", { source: meta.topic, error: errorText(error) });
    return fail("storage unavailable");
  }

  let queued = true;
  if (winners.length) {
    try {
      // A purchase may wait for the identifiers its checkout pixel posts (reconciliation's are late anyway).
      const waits = meta.recoveredAt
        ? new Map<string, number>()
        : await identifierWaits(env, config, winners);
      await env.EVENTS_QUEUE.sendBatch(
        winners.map((e) => {
          const delaySeconds = waits.get(e.id);
          return delaySeconds ? { ...queueMessageOf(e.id), delaySeconds } : queueMessageOf(e.id);
        }),
      );
    } catch (error) {
      queued = false;
      const reason = errorText(error);
      logError("queue send failed; event kept in the outbox for the sweep", {
        eventIds: winners.map((e) => e.id),
        error: reason,
      });
      try {
        await markEnqueueError(
          env.DB,
          winners.map((e) => e.id),
          reason,
        );
      } catch {
        // The sweep also finds events with no delivery rows; the marker only makes it faster.
      }
    }
  }

  // Written only once D1 holds the event: the next redelivery then costs one KV read.
  ctx.waitUntil(
    Promise.all(
      stored.map((id) =>
        env.DEDUPE_KV.put(DEDUPE_PREFIX + id, "1", { expirationTtl: config.DEDUPE_TTL_SECONDS }),
      ),
    ).catch((error) => logError("kv put failed", { error: errorText(error) })),
  );
  return ok({
    events: ids.map((id) => ({ id, status: status.get(id) ?? EVENT.duplicate })),
    queued,
    problems,
  });
}
