import type { CommerceEvent } from "../model/commerce-event";
import { mergeCollected } from "../model/identifiers";
import { collectedKey, recordMerged, unmergedCollected } from "../store/collected";

/**
 * Before a batch is sent: the identifiers browsers posted to /collect for its purchases, merged into
 * each (src/model/identifiers.ts has the precedence), in one D1 read, and written back to the outbox
 * row with their origins in one D1 write (only when a post was found). An event merged once is never
 * merged again, so a post that arrives after its first delivery changes nothing already sent.
 * Replaces the merged events in `events`.
 */
export async function mergeCollectedIdentifiers(
  db: D1Database,
  events: Map<string, CommerceEvent>,
  now: number,
): Promise<void> {
  const waiting = [...events.values()].filter(
    (e) => e.kind === "purchase" && e.order.checkoutKey && !e.identifiers,
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
