import type { Config } from "../../config";
import { fail, ok, type Result } from "../../lib/result";
import { siteUrl } from "../../lib/shops";
import type { CommerceEvent } from "../../model/commerce-event";
import { atShop, type NormalizedEvent, schemaProblem } from "../types";
import { magentoPurchase, magentoRefund } from "./normalize";
import { MagentoCreditMemo, type MagentoOrder } from "./schema";

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

/** Events at the store's site: the host MAGENTO_URL (or its shop=secret pair) names; the settings keep no more. */
export const atStore = (events: NormalizedEvent[], shop: string): NormalizedEvent[] =>
  atShop(events, siteUrl(shop));

/**
 * One credit memo (the REST entity, as a webhook or `GET /V1/creditmemos` has it): its refund at
 * the store's site, or the field and rule it fails. Webhooks and the credit memo listing of
 * reconciliation apply this one rule, so both store the same event.
 */
export function magentoCreditMemoEvents(raw: unknown, shop: string): Result<NormalizedEvent[], string> {
  const memo = MagentoCreditMemo.safeParse(raw);
  if (!memo.success) return fail(schemaProblem(memo.error));
  return ok(atStore([{ event: magentoRefund(memo.data, shop) }], shop));
}
