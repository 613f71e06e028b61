import { describe, expect, it } from "vitest";
import { toGa4Payload } from "../../src/destinations/ga4";
import { toMetaEvent } from "../../src/destinations/meta";
import type { CommerceEvent } from "../../src/model/commerce-event";
import { magentoPurchase, magentoRefund } from "../../src/sources/magento/normalize";
import { MagentoCreditMemo, MagentoOrder } from "../../src/sources/magento/schema";
import { shopifyPurchase, shopifyRefund } from "../../src/sources/shopify/normalize";
import { ShopifyOrder, ShopifyRefund } from "../../src/sources/shopify/schema";
import { woocommerceOrderEvents } from "../../src/sources/woocommerce/normalize";
import { WooOrder } from "../../src/sources/woocommerce/schema";
import { NOW, testConfig } from "../fixtures/events";
import { magentoCreditMemo, magentoOrder } from "../fixtures/magento";
import { SHOP, shopifyOrder, shopifyRefund as shopifyRefundBody } from "../fixtures/shopify";
import { WOO_SHOP, wooOrder } from "../fixtures/woocommerce";

type Mode = "total" | "items" | "items-and-shipping";
const settings = (mode: Mode) => ({ CONVERSION_VALUE: mode, META_REFUNDS: "custom" });

/** What GA4 and Meta are sent for an event in a mode: GA4's money params and Meta's value. */
async function sent(event: CommerceEvent, mode: Mode) {
  const config = testConfig(settings(mode));
  const { value, currency, tax, shipping } = (await toGa4Payload(event, config, NOW)).body.events[0].params;
  return { ga4: { value, currency, tax, shipping }, meta: toMetaEvent(event, config).custom_data.value };
}

async function wooEvents(order: ReturnType<typeof wooOrder>) {
  return (await woocommerceOrderEvents(WooOrder.parse(order), WOO_SHOP, testConfig())).map((n) => n.event);
}

describe("CONVERSION_VALUE from all three sources, purchases and refunds, GA4 and Meta", () => {
  describe("Shopify (shop USD; 244.33 paid = 218.98 items + 10.00 shipping + 15.35 tax)", () => {
    const purchase = () => shopifyPurchase(ShopifyOrder.parse(shopifyOrder()), SHOP, testConfig());
    // The refund: one case, 14.00 after its discount, 0.84 tax, no shipping.
    const refund = () => shopifyRefund(ShopifyRefund.parse(shopifyRefundBody()), SHOP, testConfig());

    it.each([
      ["total", 244.33, 14.84],
      ["items", 218.98, 14],
      ["items-and-shipping", 228.98, 14],
    ] as const)("%s", async (mode, purchaseValue, refundValue) => {
      expect(await sent(await purchase(), mode)).toEqual({
        ga4: { value: purchaseValue, currency: "USD", tax: 15.35, shipping: 10 },
        meta: purchaseValue,
      });
      expect(await sent(await refund(), mode)).toEqual({
        ga4: { value: refundValue, currency: "USD", tax: 0.84, shipping: 0 },
        meta: refundValue,
      });
    });
  });

  describe("WooCommerce (48.89 paid = 39.90 line totals + 5.00 shipping + 3.99 tax)", () => {
    it.each([
      ["total", 48.89],
      ["items", 39.9],
      ["items-and-shipping", 44.9],
    ] as const)("%s: a purchase, and a cancellation that refunds the whole order", async (mode, value) => {
      const [purchase] = await wooEvents(wooOrder({ id: 5101 }));
      const [cancelled] = await wooEvents(wooOrder({ id: 5102, status: "cancelled" }));
      const expected = { ga4: { value, currency: "USD", tax: 3.99, shipping: 5 }, meta: value };
      expect(await sent(purchase, mode)).toEqual(expected);
      expect(await sent(cancelled, mode)).toEqual(expected);
    });

    it.each([
      // A refund entry says only its total (10.00): its share of the order's items (39.90 / 48.89)
      // and shipping (5.00 / 48.89), rounded to the cent; tax and shipping are not estimated.
      ["total", 10],
      ["items", 8.16],
      ["items-and-shipping", 9.18],
    ] as const)("%s: a refund entry of 10.00", async (mode, value) => {
      const [, refund] = await wooEvents(wooOrder({ id: 5103, refunds: [{ id: 5104, total: "-10.00" }] }));
      expect(await sent(refund, mode)).toEqual({ ga4: { value, currency: "USD" }, meta: value });
    });
  });

  describe("Magento (171.33 paid = 164.00 subtotal - 11.20 discount + 10.00 shipping + 8.53 tax)", () => {
    const purchase = () =>
      magentoPurchase(MagentoOrder.parse(magentoOrder({ entityId: "61" })), "magento", testConfig());
    // The credit memo: 74.00 of items, 5.00 shipping, no tax.
    const memo = () =>
      magentoRefund(MagentoCreditMemo.parse(magentoCreditMemo({ entityId: "62", orderId: "61" })), "magento");

    it.each([
      ["total", 171.33, 79],
      ["items", 152.8, 74],
      ["items-and-shipping", 162.8, 79],
    ] as const)("%s", async (mode, purchaseValue, refundValue) => {
      expect(await sent(await purchase(), mode)).toEqual({
        ga4: { value: purchaseValue, currency: "EUR", tax: 8.53, shipping: 10 },
        meta: purchaseValue,
      });
      expect(await sent(memo(), mode)).toEqual({
        ga4: { value: refundValue, currency: "EUR", tax: 0, shipping: 5 },
        meta: refundValue,
      });
    });
  });
});
