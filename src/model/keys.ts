import type { DestinationName, WebhookOutcome } from "./statuses";

/** One event at one destination: the key of a ledger row. */
export interface Pair {
  eventId: string;
  destination: DestinationName;
}

/**
 * Values per (event, destination), held as one map per destination: the pair is never glued into
 * a string, so no separator can meet an id.
 */
export class PairMap<V> {
  readonly #byDestination = new Map<DestinationName, Map<string, V>>();

  get(pair: Pair): V | undefined {
    return this.#byDestination.get(pair.destination)?.get(pair.eventId);
  }

  set(pair: Pair, value: V): this {
    const events = this.#byDestination.get(pair.destination) ?? new Map<string, V>();
    this.#byDestination.set(pair.destination, events.set(pair.eventId, value));
    return this;
  }

  *[Symbol.iterator](): IterableIterator<[Pair, V]> {
    for (const [destination, events] of this.#byDestination) {
      for (const [eventId, value] of events) yield [{ eventId, destination }, value];
    }
  }
}

/** The key of a webhook_counts row, as fields. */
export interface WebhookCountKey {
  hour: number;
  source: string;
  outcome: WebhookOutcome;
}
export interface WebhookCount extends WebhookCountKey {
  n: number;
}

/** Adds `n` to the key's row, or appends one: an isolate holds a few rows between flushes, so a scan will do. */
export function addWebhookCount(rows: WebhookCount[], key: WebhookCountKey, n: number): void {
  const row = rows.find((r) => r.hour === key.hour && r.source === key.source && r.outcome === key.outcome);
  if (row) row.n += n;
  else rows.push({ hour: key.hour, source: key.source, outcome: key.outcome, n });
}
