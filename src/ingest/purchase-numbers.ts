import { type CommerceEvent, eventId } from "../model/commerce-event";
import type { NormalizedEvent } from "../sources/types";
import { orderNumbersOf } from "../store/events";

const purchaseIdOf = (event: CommerceEvent) => eventId(event.source, event.shop, "purchase", event.order.id);
const unnumberedRefund = (event: CommerceEvent) => event.kind === "refund" && !event.order.number;

/**
 * A refund whose webhook does not carry its order's number (a Shopify refund, a Magento credit
 * memo) takes the number of the recorded purchase, so that an `{order_number}` id (GA4's
 * transaction_id for Magento and WooCommerce) names the same order for both. One D1 read, and
 * only when such a refund is there; without a recorded purchase the ids fall back to the order id.
 */
export async function withPurchaseNumbers(
  db: D1Database,
  normalized: NormalizedEvent[],
): Promise<NormalizedEvent[]> {
  const refunds = normalized.filter((n) => unnumberedRefund(n.event));
  if (refunds.length === 0) return normalized;
  const numbers = await orderNumbersOf(db, [...new Set(refunds.map((n) => purchaseIdOf(n.event)))]);
  return normalized.map((n) => {
    const number = unnumberedRefund(n.event) ? numbers.get(purchaseIdOf(n.event)) : undefined;
    return number ? { ...n, event: { ...n.event, order: { ...n.event.order, number } } } : n;
  });
}
