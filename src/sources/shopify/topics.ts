import type { Config } from "../../config";
import type { ShopifyOrder } from "./schema";

/** Financial states an `orders/paid` body can be in: paid, and what a paid order can become. */
export const PAID_STATES = new Set(["paid", "partially_paid", "partially_refunded", "refunded"]);

/**
 * Whether one of the purchase topics would have made this order a purchase: `orders/create` any
 * order, `orders/paid` a paid one. The listing of reconciliation applies the same rule.
 */
export function purchaseTopicApplies(order: ShopifyOrder, config: Config): boolean {
  return config.SHOPIFY_PURCHASE_TOPICS.some(
    (topic) =>
      topic === "orders/create" || (topic === "orders/paid" && PAID_STATES.has(order.financial_status ?? "")),
  );
}
