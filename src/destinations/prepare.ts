import type { Config } from "../config";
import type { CommerceEvent } from "../model/commerce-event";
import type { DeliveryOutcome } from "../model/statuses";
import { type ScreenRules, screenPurchase } from "./purchase-screen";

/** An event a batching destination will send, under the event's id. */
export type Ready<T> = { id: string; data: T };

/** How a batching destination turns events into what it sends, and what it never sends. */
export type Preparation<T> = {
  /** Test orders, refunds, consent and age, as every destination but GA4 and Meta screens them. */
  rules: ScreenRules;
  /** The platform's event; `limited` when the consent policy asks for its limited-data mode. */
  build: (event: CommerceEvent, limited: boolean) => T;
  /** Why the platform would refuse the event, checked before it can cost its batch; undefined when fine. */
  refusal?: (data: T) => string | undefined;
};

/** Outcomes for the events never sent (skipped, expired, refused) and the rest, ready in order. */
export function prepareEvents<T>(
  events: readonly CommerceEvent[],
  config: Config,
  now: Date,
  preparation: Preparation<T>,
) {
  const outcomes = new Map<string, DeliveryOutcome>();
  const ready: Ready<T>[] = [];
  for (const event of events) {
    const screened = screenPurchase(event, preparation.rules, config, now);
    if (!screened.send) {
      outcomes.set(event.id, screened.outcome);
      continue;
    }
    const data = preparation.build(event, screened.ldu);
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
