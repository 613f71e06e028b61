import type { CommerceEvent } from "../model/commerce-event";
import type { DeliveryOutcome } from "../model/statuses";
import { type ConsentPolicies, marketingConsentDecision } from "./consent";

/** An event a batching destination will send, under the event's id. */
export type Ready<T> = { id: string; data: T };

/** How a batching destination turns events into what it sends, and what it never sends. */
export type Preparation<T> = {
  /** Why an event is not sent (a test order, a refund the platform has no event for), or undefined. */
  skipReason: (event: CommerceEvent) => string | undefined;
  consent: ConsentPolicies;
  /** The platform's event; `limited` when the consent policy asks for its limited-data mode. */
  build: (event: CommerceEvent, limited: boolean) => T;
  /** The built event's time in seconds, and how many days back the platform takes it. */
  eventTime: (data: T) => number;
  maxAgeDays: number;
  /** Why the platform would refuse the event, checked before it can cost its batch; undefined when fine. */
  refusal?: (data: T) => string | undefined;
};

/** Outcomes for the events never sent (skipped, expired, refused) and the rest, ready in order. */
export function prepareEvents<T>(events: readonly CommerceEvent[], now: Date, preparation: Preparation<T>) {
  const outcomes = new Map<string, DeliveryOutcome>();
  const ready: Ready<T>[] = [];
  for (const event of events) {
    const skip = preparation.skipReason(event);
    const consent = skip ? undefined : marketingConsentDecision(event.consent, preparation.consent);
    if (skip || consent?.action === "skip") {
      outcomes.set(event.id, { status: "skipped", reason: skip ?? (consent as { reason: string }).reason });
      continue;
    }
    const data = preparation.build(event, consent?.action === "send-ldu");
    if (now.getTime() / 1000 - preparation.eventTime(data) > preparation.maxAgeDays * 86_400) {
      outcomes.set(event.id, {
        status: "expired",
        reason: `event_time is more than ${preparation.maxAgeDays} days old`,
      });
      continue;
    }
    const refusal = preparation.refusal?.(data);
    if (refusal) outcomes.set(event.id, { status: "failed", reason: refusal });
    else ready.push({ id: event.id, data });
  }
  return { outcomes, ready };
}

/** Sends the ready events in batches of at most `size`, one after another. */
export async function inBatches<T>(
  ready: readonly T[],
  size: number,
  send: (batch: readonly T[]) => Promise<void>,
) {
  for (let i = 0; i < ready.length; i += size) await send(ready.slice(i, i + size));
}
