import { describe, expect, it } from "vitest";
import { multiplyMoney, subtractMoney, sumMoney } from "../../../src/lib/money";
import type { CommerceEvent } from "../../../src/model/commerce-event";
import { magentoPurchase, magentoRefund, magentoTime } from "../../../src/sources/magento/normalize";
import { MagentoCreditMemo, MagentoOrder } from "../../../src/sources/magento/schema";
import { testConfig } from "../../fixtures/events";
import { type BundlePricing, magentoCreditMemo, magentoOrder } from "../../fixtures/magento";
import { FIXTURE_PII } from "../../fixtures/shopify";

const purchase = (bundle: BundlePricing) =>
  magentoPurchase(
    MagentoOrder.parse(magentoOrder({ entityId: "3", bundle, createdAt: "2026-04-20 10:15:00" })),
    "magento",
    testConfig(),
  );

/** Lines at full price, less their discounts, plus shipping and tax: the order's value. */
function recomputedValue(event: CommerceEvent): string {
  const { items, shipping, tax } = event.order;
  const lines = sumMoney(items.map((i) => multiplyMoney(i.price, i.quantity)));
  const discounts = sumMoney(items.map((i) => i.discount));
  return sumMoney([subtractMoney(lines, discounts), shipping, tax]);
}

describe("magentoPurchase", () => {
  it("counts a configurable product once: the parent's price, the child's SKU", async () => {
    const event = await purchase("dynamic");
    expect(event.order.items.find((i) => i.id === "67")).toEqual({
      id: "67",
      sku: "MH01-S-Gray",
      name: "Chaz Hoodie",
      variant: "Chaz Hoodie-S-Gray",
      price: "52.00",
      quantity: 1,
    });
  });

  it.each<BundlePricing>(["dynamic", "fixed", "children-only"])(
    "counts a %s-priced bundle once, with value and quantities matching the order",
    async (bundle) => {
      const event = await purchase(bundle);
      expect(recomputedValue(event)).toBe("171.33");
      expect(event.order.value).toBe("171.33");
      const units = sumMoney(event.order.items.map((i) => String(i.quantity)));
      const bundleUnits = bundle === "children-only" ? 2 : 1;
      expect(units).toBe(`${2 + 1 + bundleUnits}.00`);
      const skus = event.order.items.map((i) => i.sku);
      if (bundle === "children-only") expect(skus).toContain("24-WG080");
      else expect(skus).toEqual(["WS12-M-Orange", "MH01-S-Gray", "24-WG080-24-WG084"]);
    },
  );

  it("maps the totals in the order currency, with Magento's negative discount made positive", async () => {
    const event = await purchase("dynamic");
    expect(event).toMatchObject({
      id: "magento:magento:purchase:3",
      kind: "purchase",
      source: "magento",
      occurredAt: "2026-04-20T10:15:00Z",
      channel: "web",
      order: {
        id: "3",
        number: "10003",
        currency: "EUR",
        value: "171.33",
        tax: "8.53",
        shipping: "10.00",
        discount: "11.20",
        coupon: "WELCOME10",
      },
      client: { ip: "203.0.113.7" },
    });
    expect(event.order.items[0]).toMatchObject({ price: "22.00", quantity: 2, discount: "4.40" });
  });

  it("reads amounts sent as decimal text the same as JSON numbers", async () => {
    const order = magentoOrder({ entityId: "4" }) as Record<string, unknown>;
    Object.assign(order, { grand_total: "171.3300", discount_amount: "-11.2000", tax_amount: "" });
    const event = await magentoPurchase(MagentoOrder.parse(order), "magento", testConfig());
    expect(event.order).toMatchObject({ value: "171.33", discount: "11.20", tax: "0.00" });
  });

  it("hashes the customer's personal data and keeps none of it raw", async () => {
    const event = await purchase("dynamic");
    expect(Object.keys(event.identity.meta).sort()).toEqual(
      ["country", "ct", "em", "external_id", "fn", "ln", "ph", "st", "zp"].sort(),
    );
    expect(event.identity.ga4.country).toBe("US");
    const stored = JSON.stringify(event);
    for (const value of FIXTURE_PII) expect(stored).not.toContain(value);
  });

  it("takes the billing address from Adobe Commerce webhooks' address list", async () => {
    const order = magentoOrder({ entityId: "5" }) as Record<string, unknown>;
    order.addresses = [{ ...(order.billing_address as object), address_type: "billing" }];
    delete order.billing_address;
    const event = await magentoPurchase(MagentoOrder.parse(order), "magento", testConfig());
    // SHA-256 of "94103" and "14155550123" (Meta's normalized US postcode and phone), from openssl.
    expect(event.identity.meta.zp).toBe("91dc2519ea98c5002cf2091e6a12b772eafdce9dca618e626d7d3b8275361789");
    expect(event.identity.meta.ph).toBe("413ba75461ab5f99d36820e561ea97e2bd80f9cb586f7ecea6cf4c496518950a");
  });
});

describe("magentoRefund", () => {
  it("values a credit memo by its grand total, with each refunded product once", () => {
    const event = magentoRefund(
      MagentoCreditMemo.parse(magentoCreditMemo({ entityId: "7", orderId: "3" })),
      "magento",
    );
    expect(event).toMatchObject({
      id: "magento:magento:refund:7",
      kind: "refund",
      order: { id: "3", currency: "EUR", value: "79.00", shipping: "5.00" },
      refund: { id: "7", value: "79.00", full: false },
    });
    expect(event.refund?.items.map((i) => [i.sku, i.price, i.quantity])).toEqual([
      ["WS12-M-Orange", "22.00", 1],
      ["MH01-S-Gray", "52.00", 1],
    ]);
  });
});

describe("magentoTime", () => {
  it.each([
    ["2017-08-21 22:22:19", "2017-08-21T22:22:19Z"],
    ["2026-04-20T10:15:00+02:00", "2026-04-20T10:15:00+02:00"],
  ])("%s → %s", (given, expected) => {
    expect(magentoTime(given)).toBe(expected);
  });
});
