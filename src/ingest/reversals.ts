import { compareMoney, subtractMoney, sumMoney } from "../lib/money";
import { CommerceEvent } from "../model/commerce-event";
import type { NormalizedEvent, Reversal } from "../sources/types";
import { eventsOfPurchaseOrders } from "../store/events";

/**
 * Turns reversals (a deleted order: the sender says only which order) into refund events
 * built from the recorded purchase, worth what its recorded refunds have not returned yet.
 * One D1 round trip; a reversal whose purchase was never recorded, or is already refunded
 * in full, yields nothing and is reported in `notApplicable`.
 */
export async function resolveReversals(
  db: D1Database,
  reversals: readonly Reversal[],
): Promise<{ events: NormalizedEvent[]; notApplicable: string[] }> {
  if (reversals.length === 0) return { events: [], notApplicable: [] };
  const families = await eventsOfPurchaseOrders(
    db,
    reversals.map((r) => r.purchaseId),
  );
  const events: NormalizedEvent[] = [];
  const notApplicable: string[] = [];
  for (const [i, reversal] of reversals.entries()) {
    const rows = families[i];
    const purchaseRow = rows.find((row) => row.id === reversal.purchaseId);
    const purchase = purchaseRow && CommerceEvent.parse(JSON.parse(purchaseRow.payload));
    const refunds = rows
      .filter((row) => row.kind === "refund")
      .map((row) => CommerceEvent.parse(JSON.parse(row.payload)).refund?.value ?? "0");
    const rest = purchase && subtractMoney(purchase.order.value, sumMoney(refunds));
    if (!purchase || !rest || compareMoney(rest, "0") <= 0) {
      notApplicable.push(reversal.eventId);
      continue;
    }
    events.push({
      event: {
        ...purchase,
        id: reversal.eventId,
        kind: "refund",
        occurredAt: reversal.occurredAt,
        refund: { id: reversal.refundId, value: rest, items: [], full: refunds.length === 0 },
      },
    });
  }
  return { events, notApplicable };
}
