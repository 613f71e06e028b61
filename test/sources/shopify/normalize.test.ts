import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config";
import { shopify } from "../../../src/sources/shopify";
import { SHOP, shippingLine, shopifyJson, shopifyOrder, shopifyRefund } from "../../fixtures/shopify";
import { hmacBase64, SHOPIFY_SECRET } from "../../helpers";

const encoder = new TextEncoder();

async function normalize(
  body: string,
  topic: string,
  env: Record<string, string> = {},
  contentType = "application/json",
) {
  const loaded = loadConfig({ SHOPIFY_WEBHOOK_SECRET: SHOPIFY_SECRET, SHOPIFY_SHOP: SHOP, ...env });
  if (!loaded.ok) throw new Error(loaded.reason.join());
  const headers = new Headers({
    "content-type": contentType,
    "x-shopify-topic": topic,
    "x-shopify-shop-domain": SHOP,
    "x-shopify-webhook-id": "w1",
    "x-shopify-hmac-sha256": await hmacBase64(SHOPIFY_SECRET, body),
  });
  return shopify.handle({ headers, bytes: encoder.encode(body) }, loaded.value);
}

async function purchaseOf(order: unknown, env: Record<string, string> = {}) {
  const verdict = await normalize(shopifyJson(order), "orders/paid", env);
  if (verdict.outcome !== "events") throw new Error(JSON.stringify(verdict));
  return verdict.events[0].event;
}

describe("Shopify → CommerceEvent", () => {
  it("maps an order to one purchase with exact money, items and hashed identity only", async () => {
    const event = await purchaseOf(shopifyOrder());
    expect(event).toMatchObject({
      id: `shopify:${SHOP}:purchase:820982911946154508`,
      kind: "purchase",
      source: "shopify",
      shop: SHOP,
      occurredAt: "2026-11-27T10:15:00-05:00",
      test: false,
      channel: "web",
      order: {
        id: "820982911946154508",
        number: "#1001",
        currency: "USD",
        value: "244.33",
        tax: "15.35",
        shipping: "10.00",
        discount: "10.02",
        coupon: "WELCOME10",
        items: [
          {
            id: "632910392",
            sku: "IPOD-8GB-GREEN",
            name: "iPod Nano",
            variant: "green",
            brand: "Apple",
            price: "199.00",
            quantity: 1,
            discount: "8.02",
          },
          { id: "921728736", sku: "CASE-BLK", price: "15.00", quantity: 2, discount: "2.00" },
        ],
      },
      client: { ip: "203.0.113.7", userAgent: "Mozilla/5.0 (X11; Linux x86_64) RelayTest/1.0" },
      attribution: {
        gaClientId: "1234567890.1700000000",
        fbp: "fb.1.1700000000000.1111111111",
        landingUrl: `https://${SHOP}/products/ipod?utm_source=newsletter&fbclid=IwAR0abc`,
      },
    });
    expect(event.identity.meta.em).toMatch(/^[0-9a-f]{64}$/);
    expect(event.identity.ga4.email).toMatch(/^[0-9a-f]{64}$/);
    const text = JSON.stringify(event).toLowerCase();
    for (const raw of ["john.doe", "4155550123", "baker", "san francisco", "94103", "jöhn", "doe-smith"]) {
      expect(text).not.toContain(raw);
    }
  });

  it("uses presentment money and currency consistently when configured", async () => {
    const event = await purchaseOf(shopifyOrder(), { SHOPIFY_CURRENCY: "presentment" });
    expect(event.order).toMatchObject({ currency: "EUR", value: "224.78", tax: "14.12", shipping: "9.20" });
    expect(event.order.items[0]).toMatchObject({ price: "183.08", discount: "7.38" });
  });

  it("reports the shipping actually charged: a free-shipping code makes it 0, not the list rate", async () => {
    const order = shopifyOrder({ shippingLines: [shippingLine(["10.00", "9.20"], ["0.00", "0.00"])] });
    expect((await purchaseOf(order)).order).toMatchObject({ shipping: "0.00", subtotal: "218.98" });
    const presentment = await purchaseOf(order, { SHOPIFY_CURRENCY: "presentment" });
    expect(presentment.order).toMatchObject({ currency: "EUR", shipping: "0.00", subtotal: "201.46" });
    const twoLines = [shippingLine(["10.00", "9.20"], ["4.00", "3.68"]), shippingLine(["2.50", "2.30"])];
    expect((await purchaseOf(shopifyOrder({ shippingLines: twoLines }))).order.shipping).toBe("6.50");
  });

  it("without subtotal_price or shipping_lines: the lines after their discounts, the list shipping", async () => {
    const { subtotal_price: _, subtotal_price_set: __, shipping_lines: ___, ...order } = shopifyOrder();
    expect((await purchaseOf(order)).order).toMatchObject({ subtotal: "218.98", shipping: "10.00" });
  });

  it("a multi-currency order (shop USD, customer EUR) and its partial refund: value and currency are one money", async () => {
    const order = shopifyOrder({ refunds: [shopifyRefund()] });
    const refundOf = async (env: Record<string, string>) => {
      const verdict = await normalize(shopifyJson(shopifyRefund()), "refunds/create", env);
      if (verdict.outcome !== "events") throw new Error(JSON.stringify(verdict));
      const { order, refund } = verdict.events[0].event;
      return { currency: order.currency, ...refund };
    };
    expect((await purchaseOf(order)).order).toMatchObject({ currency: "USD", value: "244.33" });
    expect(await refundOf({})).toMatchObject({
      currency: "USD",
      value: "14.84",
      subtotal: "14.00",
      tax: "0.84",
    });
    const presentment = { SHOPIFY_CURRENCY: "presentment" };
    expect((await purchaseOf(order, presentment)).order).toMatchObject({ currency: "EUR", value: "224.78" });
    // The EUR 13.65 that went back is EUR 13.65, never 13.65 of the shop's USD.
    expect(await refundOf(presentment)).toMatchObject({
      currency: "EUR",
      value: "13.65",
      subtotal: "12.88",
      tax: "0.77",
      shipping: "0.00",
    });
  });

  it("flags POS, draft and test orders", async () => {
    expect((await purchaseOf(shopifyOrder({ sourceName: "pos" }))).channel).toBe("pos");
    expect((await purchaseOf(shopifyOrder({ sourceName: "shopify_draft_order" }))).channel).toBe("draft");
    expect((await purchaseOf(shopifyOrder({ sourceName: "iphone" }))).channel).toBe("other");
    expect((await purchaseOf(shopifyOrder({ test: true }))).test).toBe(true);
  });

  it("sums 250 lines exactly", async () => {
    const event = await purchaseOf(shopifyOrder({ lineCount: 250 }));
    expect(event.order.items).toHaveLength(250);
    expect(event.order.items[249]).toMatchObject({ price: "1.00", quantity: 1 });
  });

  it("carries a partial refund's items and value", async () => {
    const verdict = await normalize(shopifyJson(shopifyRefund()), "refunds/create");
    if (verdict.outcome !== "events") throw new Error(JSON.stringify(verdict));
    const { event } = verdict.events[0];
    expect(event).toMatchObject({
      id: `shopify:${SHOP}:refund:929361464`,
      kind: "refund",
      occurredAt: "2026-11-28T09:00:00-05:00",
      order: { id: "820982911946154508", currency: "USD", value: "14.84" },
      refund: {
        id: "929361464",
        value: "14.84",
        full: false,
        items: [{ id: "921728736", quantity: 1, price: "15.00", discount: "1.00" }],
      },
    });
  });

  it("values a refund without a successful refund transaction at zero: no money went back", async () => {
    const pending = { id: 3, kind: "refund", status: "pending", amount: "13.65", currency: "EUR" };
    for (const transactions of [[], [pending]]) {
      const verdict = await normalize(shopifyJson({ ...shopifyRefund(), transactions }), "refunds/create");
      if (verdict.outcome !== "events") throw new Error(JSON.stringify(verdict));
      expect(verdict.events[0].event.refund).toMatchObject({ value: "0.00", subtotal: "0.00" });
    }
  });

  it("maps a cancelled order with refunds to those same refund ids (so refunds/create dedupes)", async () => {
    const order = shopifyOrder({ cancelledAt: "2026-11-28T12:00:00Z", refunds: [shopifyRefund()] });
    const verdict = await normalize(shopifyJson(order), "orders/cancelled");
    if (verdict.outcome !== "events") throw new Error(JSON.stringify(verdict));
    expect(verdict.events.map((e) => [e.event.id, e.onlyIfRecorded])).toEqual([
      [`shopify:${SHOP}:refund:929361464`, undefined],
    ]);
  });

  it("counts only the configured purchase topics (paid-only)", async () => {
    const created = await normalize(shopifyJson(shopifyOrder()), "orders/create", {
      SHOPIFY_PURCHASE_TOPICS: "orders/paid",
    });
    expect(created).toMatchObject({ outcome: "ignored" });
    const paid = await normalize(shopifyJson(shopifyOrder()), "orders/paid", {
      SHOPIFY_PURCHASE_TOPICS: "orders/paid",
    });
    expect(paid.outcome).toBe("events");
  });

  it("accepts Shopify's XML format into the same event as JSON", async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<order>
  <id type="integer">820982911946154508</id>
  <name>#1001</name>
  <email>someone@example.com</email>
  <created-at type="dateTime">2026-11-27T10:15:00-05:00</created-at>
  <cancelled-at nil="true"/>
  <test type="boolean">false</test>
  <source-name>web</source-name>
  <currency>USD</currency>
  <total-price type="decimal">54.00</total-price>
  <total-tax type="decimal">4.00</total-tax>
  <total-discounts type="decimal">0.00</total-discounts>
  <discount-codes type="array"/>
  <note-attributes type="array">
    <note-attribute><name>_fbp</name><value>fb.1.1.2</value></note-attribute>
  </note-attributes>
  <line-items type="array">
    <line-item>
      <id type="integer">11001100110011001</id>
      <product-id type="integer">632910392</product-id>
      <sku>DEMO-1</sku>
      <title>Demo &amp; co</title>
      <price type="decimal">25.00</price>
      <quantity type="integer">2</quantity>
    </line-item>
  </line-items>
</order>`;
    const verdict = await normalize(xml, "orders/create", {}, "application/xml");
    if (verdict.outcome !== "events") throw new Error(JSON.stringify(verdict));
    const { event } = verdict.events[0];
    expect(event.order).toMatchObject({
      id: "820982911946154508",
      value: "54.00",
      items: [{ id: "632910392", name: "Demo & co", price: "25.00", quantity: 2 }],
    });
    expect(event.attribution.fbp).toBe("fb.1.1.2");
  });

  it("refuses XML with a DOCTYPE (entity expansion)", async () => {
    const xml = '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "xx">]><order><id>&x;</id></order>';
    expect(await normalize(xml, "orders/create", {}, "application/xml")).toMatchObject({
      outcome: "rejected",
      reason: "malformed payload",
    });
  });
});

describe("Shopify refunds: the money that went back", () => {
  const usd = (amount: string) => ({
    shop_money: { amount, currency_code: "USD" },
    presentment_money: { amount, currency_code: "USD" },
  });
  const paid = (amount: string) => [{ id: 7, kind: "refund", status: "success", amount, currency: "USD" }];
  const line = (subtotal: string, tax: string) => ({
    ...shopifyRefund().refund_line_items[0],
    subtotal,
    subtotal_set: usd(subtotal),
    total_tax: tax,
    total_tax_set: usd(tax),
  });
  const adjustment = (kind: string, amount: string, tax = "0.00") => ({
    kind,
    amount,
    amount_set: usd(amount),
    tax_amount: tax,
    tax_amount_set: usd(tax),
  });
  async function refundOf(changes: Record<string, unknown>) {
    const body = { ...shopifyRefund(), refund_line_items: [], order_adjustments: [], ...changes };
    const verdict = await normalize(shopifyJson(body), "refunds/create");
    if (verdict.outcome !== "events") throw new Error(JSON.stringify(verdict));
    const { value, subtotal, tax, shipping } = verdict.events[0].event.refund ?? {};
    return { value, subtotal, tax, shipping };
  }

  it("shipping once, though REST writes it both as a refund shipping line and an adjustment", async () => {
    expect(
      await refundOf({
        refund_shipping_lines: [{ id: 623176826, subtotal_amount_set: usd("5.00") }],
        order_adjustments: [adjustment("shipping_refund", "-5.00", "-0.40")],
        transactions: paid("5.40"),
      }),
    ).toEqual({ value: "5.40", subtotal: "0.00", tax: "0.40", shipping: "5.00" });
    expect(
      await refundOf({
        refund_shipping_lines: [{ id: 623176826, subtotal_amount_set: usd("5.00") }],
        transactions: paid("5.00"),
      }),
    ).toEqual({ value: "5.00", subtotal: "0.00", tax: "0.00", shipping: "5.00" });
  });

  it("less than the lines' amount: the discrepancy adjustment (calculated minus refunded) comes off", async () => {
    expect(
      await refundOf({
        refund_line_items: [line("14.00", "0.84")],
        order_adjustments: [adjustment("refund_discrepancy", "4.84")],
        transactions: paid("10.00"),
      }),
    ).toEqual({ value: "10.00", subtotal: "9.16", tax: "0.84", shipping: "0.00" });
  });

  it("more than the lines (an amount with no lines): a negative discrepancy adds it", async () => {
    expect(
      await refundOf({
        order_adjustments: [adjustment("refund_discrepancy", "-5.85")],
        transactions: paid("5.85"),
      }),
    ).toEqual({ value: "5.85", subtotal: "5.85", tax: "0.00", shipping: "0.00" });
  });

  it("prices with tax included: the lines already hold their tax, as the transactions show", async () => {
    expect(
      await refundOf({ refund_line_items: [line("12.00", "2.00")], transactions: paid("12.00") }),
    ).toEqual({ value: "12.00", subtotal: "12.00", tax: "2.00", shipping: "0.00" });
    expect(
      await refundOf({ refund_line_items: [line("12.00", "2.00")], transactions: paid("14.00") }),
    ).toEqual({ value: "14.00", subtotal: "12.00", tax: "2.00", shipping: "0.00" });
  });

  it("a restock whose adjustment cancels the lines, with no money back: zero", async () => {
    expect(
      await refundOf({
        refund_line_items: [line("14.00", "0.84")],
        order_adjustments: [adjustment("refund_discrepancy", "14.84")],
        transactions: [],
      }),
    ).toEqual({ value: "0.00", subtotal: "0.00", tax: "0.00", shipping: "0.00" });
  });
});
