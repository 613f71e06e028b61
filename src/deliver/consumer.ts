import { type Config, loadConfig } from "../config";
import { dryRunTransport } from "../destinations/dry-run";
import type { Transport } from "../destinations/http";
import { liveTransport } from "../destinations/http";
import { recording } from "../destinations/recording";
import { recoveredTooLate } from "../destinations/recovered";
import { DESTINATIONS } from "../destinations/registry";
import type { Destination } from "../destinations/types";
import { errorText } from "../lib/errors";
import { logError, logInfo, logWarn } from "../lib/log";
import type { CommerceEvent } from "../model/commerce-event";
import { type Pair, PairMap } from "../model/keys";
import { QueueMessage } from "../model/queue-message";
import type { DeliveryOutcome } from "../model/statuses";
import { isFinal, OUTCOME } from "../model/statuses";
import {
  type Claimed,
  claimDeliveries,
  type LedgerUpdate,
  markDead,
  recordedStatus,
  recordOutcomes,
} from "../store/ledger";
import { mergeCollectedIdentifiers } from "./identifiers";
import { retryDelaySeconds } from "./retry-policy";

/** The dead-letter queue's name ends with this; its consumer records dead letters. */
const DEAD_LETTER_SUFFIX = "-dead";

/** What another consumer run left in the entries this run did not claim. */
type Others = PairMap<{ status: string; leaseUntil: number | null }>;

function othersOf(claim: Claimed, destinations: readonly Destination[]): Others {
  const others: Others = new PairMap();
  const mine = new PairMap<true>();
  for (const pair of claim.claimed) mine.set(pair, true);
  for (const [eventId, ledger] of claim.ledgers) {
    for (const d of destinations) {
      const pair = { eventId, destination: d.name };
      const entry = ledger.get(d.name);
      if (entry && !mine.get(pair))
        others.set(pair, { status: entry.status, leaseUntil: entry.lease_until ?? null });
    }
  }
  return others;
}

async function deliverSafely(
  destination: Destination,
  events: CommerceEvent[],
  config: Config,
  now: Date,
  transport: Transport | undefined,
): Promise<Map<string, DeliveryOutcome>> {
  try {
    return await destination.deliver(events, config, now, transport);
  } catch (error) {
    logError("destination failed unexpectedly", {
      destination: destination.name,
      error: errorText(error),
    });
    return new Map(
      events.map((e) => [e.id, { status: OUTCOME.retry, reason: "internal error" } as DeliveryOutcome]),
    );
  }
}

/** Sends every claimed (event, destination) pair; one call per destination for the whole batch. */
async function deliverClaimed(
  destinations: readonly Destination[],
  claimed: Pair[],
  events: Map<string, CommerceEvent>,
  config: Config,
  now: number,
  transport: Transport | undefined,
): Promise<PairMap<DeliveryOutcome>> {
  const outcomes = new PairMap<DeliveryOutcome>();
  await Promise.all(
    destinations.map(async (d) => {
      const mine = claimed
        .filter((p) => p.destination === d.name)
        .map((p) => events.get(p.eventId) as CommerceEvent);
      if (mine.length === 0) return;
      const results = await deliverSafely(d, mine, config, new Date(now), transport);
      for (const e of mine) {
        const outcome = results.get(e.id) ?? { status: OUTCOME.retry, reason: "no outcome returned" };
        outcomes.set({ eventId: e.id, destination: d.name }, outcome);
      }
    }),
  );
  return outcomes;
}

/** How long a message must wait before its next try, or undefined when every destination is final. */
function pendingDelay(
  eventId: string,
  attempts: number,
  destinations: readonly Destination[],
  outcomes: PairMap<DeliveryOutcome>,
  others: Others,
  now: number,
): number | undefined {
  let delay: number | undefined;
  for (const d of destinations) {
    const pair = { eventId, destination: d.name };
    const outcome = outcomes.get(pair);
    const other = others.get(pair);
    if (outcome?.status === OUTCOME.retry) {
      delay = Math.max(delay ?? 0, retryDelaySeconds(attempts, outcome.retryAfterSeconds));
    } else if (!outcome && other && !isFinal(other.status)) {
      // Another consumer holds it: look again once its lease has lapsed.
      delay = Math.max(delay ?? 0, Math.ceil(((other.leaseUntil ?? now) - now) / 1000) + 1);
    }
  }
  return delay;
}

function logDelivery(update: LedgerUpdate): void {
  const { eventId, destination, outcome } = update;
  const fields = {
    eventId,
    destination,
    outcome: outcome.status === OUTCOME.sent ? recordedStatus(update) : outcome.status,
    httpStatus: "httpStatus" in outcome ? outcome.httpStatus : undefined,
    reason: outcome.reason,
  };
  if (outcome.status === OUTCOME.failed) logError("delivery", fields);
  else if (outcome.status === OUTCOME.retry) logWarn("delivery", fields);
  else logInfo("delivery", fields);
}

/**
 * The queue handler: for each event and each enabled destination not yet final in the
 * D1 ledger, build, send and record. A message is acked once every destination is final;
 * otherwise it is retried with backoff, and a destination that already succeeded is
 * skipped on the retry because its ledger entry is final. Once every destination is final for an
 * event, its client IP and user agent are dropped from the outbox row by the same UPDATE.
 */
export async function consumeEvents(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const now = Date.now();
  const valid: Array<{ message: Message<unknown>; eventId: string }> = [];
  for (const message of batch.messages) {
    const body = QueueMessage.safeParse(message.body);
    if (body.success) valid.push({ message, eventId: body.data.eventId });
    else {
      logError("queue message rejected", { queue: batch.queue, messageId: message.id });
      message.ack();
    }
  }

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
    logError("consumer configuration invalid", { problems: loaded.reason });
    for (const { message } of valid) message.retry({ delaySeconds: 300 });
    return;
  }
  const config = loaded.value;
  const destinations = DESTINATIONS.filter((d) => d.enabled(config));
  const eventIds = [...new Set(valid.map((v) => v.eventId))];
  const claim = await claimDeliveries(
    env.DB,
    eventIds,
    destinations.map((d) => d.name),
    now,
  );
  const { claimed, events, unreadable } = claim;
  await mergeCollectedIdentifiers(env.DB, events, claim.ledgers, now);
  const stored = (eventId: string) => claim.ledgers.has(eventId);
  const others = othersOf(claim, destinations);
  // Every request is kept (redacted) with its answer for the order's story; a dry run sends none.
  const dryRun = dryRunTransport(config, destinations);
  const record = recording(dryRun ?? liveTransport, !dryRun);
  // A recovered conversion past a destination's window is recorded expired, not sent.
  const late = new PairMap<DeliveryOutcome>();
  for (const pair of claimed) {
    const event = events.get(pair.eventId);
    const destination = destinations.find((d) => d.name === pair.destination);
    const reason =
      event && destination && claim.recovered.has(pair.eventId) && recoveredTooLate(event, destination, now);
    if (reason) late.set(pair, { status: OUTCOME.expired, reason });
  }
  const readable = claimed.filter((p) => events.has(p.eventId) && !late.get(p));
  const outcomes = await deliverClaimed(destinations, readable, events, config, now, record.transport);
  for (const [pair, outcome] of late) outcomes.set(pair, outcome);
  // Retrying will not make a row readable: it fails for good, saying why (a replay tries it again),
  // and the rest of the batch goes on.
  for (const pair of claimed) {
    const problem = unreadable.get(pair.eventId);
    if (problem)
      outcomes.set(pair, { status: OUTCOME.failed, reason: `stored event unreadable: ${problem}` });
  }

  const delays = new Map<string, number | undefined>();
  for (const { message, eventId } of valid) {
    if (!stored(eventId)) logWarn("queued event not in the outbox", { eventId });
    else delays.set(eventId, pendingDelay(eventId, message.attempts, destinations, outcomes, others, now));
  }

  const updates: LedgerUpdate[] = [...outcomes].map(([pair, outcome]) => {
    const delay = delays.get(pair.eventId);
    return {
      ...pair,
      outcome,
      nextAttemptAt: outcome.status === OUTCOME.retry && delay !== undefined ? now + delay * 1000 : undefined,
      exchange: record.exchanges.get(pair),
    };
  });
  await recordOutcomes(
    env.DB,
    claim,
    updates,
    destinations.map((d) => d.name),
    now,
  );
  for (const update of updates) logDelivery(update);

  for (const { message, eventId } of valid) {
    const delay = delays.get(eventId);
    if (delay === undefined) message.ack();
    else message.retry({ delaySeconds: delay });
  }
}
