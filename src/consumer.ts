import { z } from "zod";
import { type Config, loadConfig } from "./config";
import { ga4 } from "./destinations/ga4";
import { meta } from "./destinations/meta";
import type { DeliveryOutcome, Destination } from "./destinations/types";
import type { CommerceEvent } from "./events";
import {
  claimDeliveries,
  FINAL_STATUSES,
  loadEvents,
  markDead,
  type Pair,
  pairKey,
  recordOutcomes,
} from "./ledger";
import { logError, logInfo, logWarn } from "./lib/log";
import { retryDelaySeconds } from "./retry";

const QueueMessageBody = z.object({ eventId: z.string().min(1) });

export const DESTINATIONS: readonly Destination[] = [ga4, meta];

/** The dead-letter queue's name ends with this; its consumer records dead letters. */
const DEAD_LETTER_SUFFIX = "-dead";

async function deliverSafely(
  destination: Destination,
  events: CommerceEvent[],
  config: Config,
  now: Date,
): Promise<Map<string, DeliveryOutcome>> {
  try {
    return await destination.deliver(events, config, now);
  } catch (error) {
    logError("destination failed unexpectedly", {
      destination: destination.name,
      error: (error as Error).message,
    });
    return new Map(
      events.map((e) => [e.id, { status: "retry", reason: "internal error" } as DeliveryOutcome]),
    );
  }
}

/**
 * The queue handler: for each event and each enabled destination not yet final in the
 * D1 ledger, build, send and record. A message is acked once every destination is final;
 * otherwise it is retried with backoff, and a destination that already succeeded is
 * skipped on the retry because its ledger row is final.
 */
export async function consumeEvents(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const now = Date.now();
  const parsed = batch.messages.map((message) => ({
    message,
    body: QueueMessageBody.safeParse(message.body),
  }));
  for (const { message, body } of parsed) {
    if (!body.success) {
      logError("queue message rejected", { queue: batch.queue, messageId: message.id });
      message.ack();
    }
  }
  const valid = parsed.flatMap(({ message, body }) =>
    body.success ? [{ message, eventId: body.data.eventId }] : [],
  );

  if (batch.queue.endsWith(DEAD_LETTER_SUFFIX)) {
    await markDead(
      env.DB,
      valid.map((v) => v.eventId),
      now,
    );
    for (const { message, eventId } of valid) {
      logError("delivery dead-lettered", { eventId });
      message.ack();
    }
    return;
  }

  const loaded = loadConfig(env);
  if (!loaded.ok) {
    logError("consumer configuration invalid", { problems: loaded.problems });
    for (const { message } of valid) message.retry({ delaySeconds: 300 });
    return;
  }
  const config = loaded.config;
  const destinations = DESTINATIONS.filter((d) => d.enabled(config));
  const events = await loadEvents(env.DB, [...new Set(valid.map((v) => v.eventId))]);

  const pairs: Pair[] = [];
  for (const { eventId } of valid) {
    if (!events.has(eventId)) continue;
    for (const d of destinations) pairs.push({ eventId, destination: d.name });
  }
  const unique = [...new Map(pairs.map((p) => [pairKey(p), p])).values()];
  const { claimed, others } = await claimDeliveries(env.DB, unique, now);

  const outcomes = new Map<string, DeliveryOutcome>();
  await Promise.all(
    destinations.map(async (d) => {
      const mine = claimed
        .filter((p) => p.destination === d.name)
        .map((p) => events.get(p.eventId) as CommerceEvent);
      if (mine.length === 0) return;
      const results = await deliverSafely(d, mine, config, new Date(now));
      for (const e of mine) {
        outcomes.set(
          pairKey({ eventId: e.id, destination: d.name }),
          results.get(e.id) ?? {
            status: "retry",
            reason: "no outcome returned",
          },
        );
      }
    }),
  );

  const byMessage = valid.map(({ message, eventId }) => ({ message, eventId, delay: 0, pending: false }));
  for (const entry of byMessage) {
    const { message, eventId } = entry;
    if (!events.has(eventId)) {
      logWarn("queued event not in the outbox", { eventId });
      continue;
    }
    for (const d of destinations) {
      const key = pairKey({ eventId, destination: d.name });
      const outcome = outcomes.get(key);
      if (outcome?.status === "retry") {
        entry.pending = true;
        entry.delay = Math.max(entry.delay, retryDelaySeconds(message.attempts, outcome.retryAfterSeconds));
      } else if (!outcome) {
        const other = others.get(key);
        if (other && !FINAL_STATUSES.has(other.status)) {
          // Another consumer holds it: look again once its lease has lapsed.
          entry.pending = true;
          entry.delay = Math.max(entry.delay, Math.ceil(((other.leaseUntil ?? now) - now) / 1000) + 1);
        }
      }
    }
  }

  const records = [...outcomes].map(([key, outcome]) => {
    const [destination, eventId] = key.split("\u0000") as [Destination["name"], string];
    const entry = byMessage.find((b) => b.eventId === eventId);
    const nextAttemptAt = outcome.status === "retry" && entry ? now + entry.delay * 1000 : undefined;
    return { eventId, destination, outcome, nextAttemptAt };
  });
  await recordOutcomes(env.DB, records, now);

  for (const { eventId, destination, outcome } of records) {
    const fields = {
      eventId,
      destination,
      outcome: outcome.status,
      httpStatus: "httpStatus" in outcome ? outcome.httpStatus : undefined,
      reason: outcome.reason,
    };
    if (outcome.status === "failed") logError("delivery", fields);
    else if (outcome.status === "retry") logWarn("delivery", fields);
    else logInfo("delivery", fields);
  }
  for (const { message, pending, delay } of byMessage) {
    if (pending) message.retry({ delaySeconds: delay });
    else message.ack();
  }
}
