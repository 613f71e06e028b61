import { compareMoney, subtractMoney, sumMoney } from "../lib/money";
import { CommerceEvent } from "../model/commerce-event";
import type { NormalizedEvent, Reversal } from "../sources/types";

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
  const results = await db.batch<{ id: string; kind: string; payload: string }>(
    reversals.map((r) =>
      db
        .prepare(
          `SELECT e.id, e.kind, e.payload FROM events e JOIN events p ON p.id = ?1
           WHERE e.source = p.source AND e.shop = p.shop AND e.order_id = p.order_id`,
        )
        .bind(r.purchaseId),
    ),
  );
  const events: NormalizedEvent[] = [];
  const notApplicable: string[] = [];
  for (const [i, reversal] of reversals.entries()) {
    const rows = results[i].results;
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
