import type { Config } from "../../config";
import type { CommerceEvent } from "../../model/commerce-event";
import { magentoPurchase } from "./normalize";
import type { MagentoOrder } from "./schema";

/**
 * What one Magento order is: a purchase while its state is one of MAGENTO_PURCHASE_STATES,
 * otherwise nothing, with the state that says why (for the log, never personal data). Webhooks
 * and the order listing of reconciliation apply this one rule.
 */
export async function magentoOrderPurchase(
  order: MagentoOrder,
  shop: string,
  config: Config,
): Promise<{ purchase: CommerceEvent } | { notPurchase: string }> {
  const state = order.state?.toLowerCase();
  if (!state || !config.MAGENTO_PURCHASE_STATES.includes(state)) {
    return { notPurchase: `order state ${state ?? "(none)"}`.slice(0, 80) };
  }
  return { purchase: await magentoPurchase(order, shop, config) };
}
