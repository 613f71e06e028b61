import type { CommerceEvent } from "../model/commerce-event";
import { mergeCollected } from "../model/identifiers";
import type { Ledger } from "../model/ledger";
import { STATUS } from "../model/statuses";
import { collectedKey, recordMerged, unmergedCollected } from "../store/collected";

/**
 * Before a batch is sent: the identifiers browsers posted to /collect for its purchases, merged into
 * each (src/model/identifiers.ts has the precedence), in one D1 read, and written back to the outbox
 * row with their origins in one D1 write (only when a post was found). Only at an event's first
 * delivery: a post that arrives after it changes nothing, not even what a destination that failed
 * then is sent on its retry, so every destination gets the same identifiers. Replaces the merged
 * events in `events`.
 */
export async function mergeCollectedIdentifiers(
  db: D1Database,
  events: Map<string, CommerceEvent>,
  ledgers: Map<string, Ledger>,
  now: number,
): Promise<void> {
  const waiting = [...events.values()].filter(
    (e) => e.kind === "purchase" && e.order.checkoutKey && !e.identifiers && firstDelivery(ledgers.get(e.id)),
  );
  if (waiting.length === 0) return;
  const posted = await unmergedCollected(
    db,
    waiting.map((e) => ({ shop: e.shop, keyHash: e.order.checkoutKey as string })),
  );
  const merged: CommerceEvent[] = [];
  for (const event of waiting) {
    const collected = posted.get(collectedKey(event.shop, event.order.checkoutKey as string));
    if (collected) merged.push(mergeCollected(event, collected));
  }
  await recordMerged(db, merged, new Date(now).toISOString());
  for (const event of merged) events.set(event.id, event);
}

/**
 * Whether this run is the event's first delivery: every destination's entry was just claimed and
 * never tried before (a retry, a lapsed lease or a replay has an entry tried already or final).
 */
function firstDelivery(ledger: Ledger | undefined): boolean {
  if (!ledger) return false;
  return [...ledger.values()].every((entry) => entry.status === STATUS.sending && entry.attempts <= 1);
}
