import { describe, expect, it } from "vitest";
import { GraphqlOrder, webhookOrderOf } from "../../../src/sources/shopify/graphql-order";
import { shopifyPurchase, shopifyRefund } from "../../../src/sources/shopify/normalize";
import { ShopifyOrder, ShopifyRefund } from "../../../src/sources/shopify/schema";
import { testConfig } from "../../fixtures/events";
import { BIG_ORDER_ID, shopifyRefund as restRefund, SHOP, shopifyOrder } from "../../fixtures/shopify";
import { graphqlRefund, shopifyGraphqlOrder } from "../../fixtures/shopify-graphql";

const config = testConfig();

/** The webhook's event and the listed order's event of one order. */
async function bothShapes(graphql = shopifyGraphqlOrder(), rest: object = shopifyOrder()) {
  const fromWebhook = await shopifyPurchase(ShopifyOrder.parse(rest), SHOP, config);
  const listed = ShopifyOrder.parse(webhookOrderOf(GraphqlOrder.parse(graphql)));
  return { fromWebhook, fromListing: await shopifyPurchase(listed, SHOP, config), listed };
}

describe("a Shopify order from the GraphQL Admin API", () => {
  it("yields the purchase its webhook yields, but for the user agent and the landing page's host", async () => {
    const { fromWebhook, fromListing } = await bothShapes();
    // Hand-checked against the fixture: the webhook's event is the order we think it is.
    expect(fromWebhook).toMatchObject({
      id: `shopify:${SHOP}:purchase:${BIG_ORDER_ID}`,
      order: { id: BIG_ORDER_ID, number: "#1001", currency: "USD", value: "244.33", tax: "15.35" },
      client: { ip: "203.0.113.7", userAgent: "Mozilla/5.0 (X11; Linux x86_64) RelayTest/1.0" },
    });
    expect(fromWebhook.order.items).toHaveLength(2);
    // GraphQL reports no user agent, and the landing page as a full URL on the storefront's domain
    // where the webhook has a path on the shop: every other field, hashes included, is the same.
    expect(fromListing).toEqual({
      ...fromWebhook,
      client: { ip: "203.0.113.7" },
      attribution: {
        ...fromWebhook.attribution,
        landingUrl: "https://shop.relay-test.example/products/ipod?utm_source=newsletter&fbclid=IwAR0abc",
      },
    });
  });

  it("with no landing page known, differs from its webhook only by the user agent", async () => {
    const rest = { ...shopifyOrder(), landing_site: null };
    const { fromWebhook, fromListing } = await bothShapes(shopifyGraphqlOrder({ landingPage: null }), rest);
    expect(fromListing).toEqual({ ...fromWebhook, client: { ip: "203.0.113.7" } });
    expect(fromListing.attribution.fbc).toBeUndefined();
  });

  it("has the same amounts in the customer's currency (SHOPIFY_CURRENCY=presentment)", async () => {
    const presentment = testConfig({ SHOPIFY_CURRENCY: "presentment" });
    const listed = ShopifyOrder.parse(webhookOrderOf(GraphqlOrder.parse(shopifyGraphqlOrder())));
    const event = await shopifyPurchase(listed, SHOP, presentment);
    expect(event.order).toMatchObject({ currency: "EUR", value: "224.78", tax: "14.12", shipping: "9.20" });
    const webhook = await shopifyPurchase(ShopifyOrder.parse(shopifyOrder()), SHOP, presentment);
    expect(event.order).toEqual(webhook.order);
  });

  it("carries its refunds as the refunds/create webhook does: same id, value, items", async () => {
    const graphql = shopifyGraphqlOrder({ refunds: [graphqlRefund()] });
    const listed = ShopifyOrder.parse(webhookOrderOf(GraphqlOrder.parse(graphql)));
    const fromListing = await shopifyRefund(listed.refunds?.[0] as ShopifyRefund, SHOP, config);
    const fromWebhook = await shopifyRefund(ShopifyRefund.parse(restRefund()), SHOP, config);
    expect(fromListing).toEqual(fromWebhook);
    expect(fromWebhook).toMatchObject({
      id: `shopify:${SHOP}:refund:929361464`,
      refund: { id: "929361464", value: "14.84", full: false },
      order: { id: BIG_ORDER_ID, currency: "USD" },
    });
  });

  it("turns enums and global ids into the webhook's words and numbers", () => {
    const body = webhookOrderOf(
      GraphqlOrder.parse(
        shopifyGraphqlOrder({ financialStatus: "PARTIALLY_REFUNDED", refunds: [graphqlRefund()] }),
      ),
    );
    expect(body).toMatchObject({
      id: BIG_ORDER_ID,
      financial_status: "partially_refunded",
      customer: { id: "7010791669123456789" },
      discount_codes: [{ code: "WELCOME10" }],
      note_attributes: [
        { name: "_ga_client_id", value: "1234567890.1700000000" },
        { name: "_fbp", value: "fb.1.1700000000000.1111111111" },
        { name: "gift_message", value: "Happy birthday" },
      ],
    });
    expect(body.line_items[0]).toMatchObject({
      id: "11001100110011001",
      product_id: "632910392",
      price: "199.00",
    });
    expect(body.refunds[0].transactions[0]).toEqual({
      kind: "refund",
      status: "success",
      amount: "14.84",
      currency: "USD",
    });
  });

  it("refuses an order that is not the documented shape", () => {
    const { totalPriceSet: _, ...broken } = shopifyGraphqlOrder();
    expect(GraphqlOrder.safeParse(broken).success).toBe(false);
    expect(GraphqlOrder.safeParse({ ...shopifyGraphqlOrder(), id: "820982911946154508" }).success).toBe(
      false,
    );
  });
});
