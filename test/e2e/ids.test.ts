import { createMessageBatch, env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { mockDestinations } from "../fixtures/destinations";
import { MAGENTO_SHOP, magentoCreditMemo, magentoOrder, signedMagentoRequest } from "../fixtures/magento";
import { BIG_CUSTOMER_ID, SHOP, shopifyOrder, shopifyRefund } from "../fixtures/shopify";
import { WOO_SHOP, wooDate, wooOrder, wooRequest } from "../fixtures/woocommerce";
import { fetchWith, recordingQueue, shopifyRequest } from "../helpers";

afterEach(() => {
  vi.restoreAllMocks();
});

/** GA4's user_id switched on, for the webhook that stores the event and the consumer that sends it. */
const USER_ID = { GA4_USER_ID: "customer_id" };

/** Stores what the webhook carries, then runs the Queue consumer over the events it expects. */
async function relay(request: Request, eventIds: string[]) {
  const response = await fetchWith(request, { ...USER_ID, EVENTS_QUEUE: recordingQueue() });
  expect(await response.json()).toMatchObject({ status: "accepted" });
  for (const eventId of eventIds) {
    const batch = createMessageBatch("tagrelay-events", [
      { id: eventId, timestamp: new Date(), attempts: 1, body: { eventId } },
    ]);
    await worker.queue(batch, { ...env, ...USER_ID });
  }
}

const FACEBOOK_FOR_WOOCOMMERCE_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

describe("ids and GA4 details from each source, webhook to destination", () => {
  it("Shopify: the order id for GA4 and Meta, the customer id as user_id, IP and user agent", async () => {
    const { ga4, meta } = mockDestinations();
    const orderId = "820982911946157001";
    const now = new Date().toISOString();
    await relay(await shopifyRequest(shopifyOrder({ id: orderId, createdAt: now })), [
      `shopify:${SHOP}:purchase:${orderId}`,
    ]);
    await relay(
      await shopifyRequest(shopifyRefund({ id: "929361457001", orderId }), { topic: "refunds/create" }),
      [`shopify:${SHOP}:refund:929361457001`],
    );
    expect(ga4[0].body).toMatchObject({
      client_id: "1234567890.1700000000",
      user_id: BIG_CUSTOMER_ID,
      ip_override: "203.0.113.7",
      user_agent: "Mozilla/5.0 (X11; Linux x86_64) RelayTest/1.0",
      events: [{ name: "purchase", params: { transaction_id: orderId } }],
    });
    expect(ga4[1].body.events).toMatchObject([{ name: "refund", params: { transaction_id: orderId } }]);
    expect(meta[0].body.data).toMatchObject([{ event_name: "Purchase", event_id: orderId }]);
  });

  it("WooCommerce: the order number for GA4, Facebook for WooCommerce's event id for Meta", async () => {
    const { ga4, meta } = mockDestinations();
    const now = wooDate(new Date());
    const order = wooOrder({ id: 94001, status: "processing", createdAt: now, paidAt: now, customerId: 17 });
    const numbered = {
      ...order,
      number: "WC-2026-0042",
      meta_data: [...order.meta_data, { id: 10, key: "_meta_event_id", value: FACEBOOK_FOR_WOOCOMMERCE_ID }],
    };
    await relay(await wooRequest(numbered), [`woocommerce:${WOO_SHOP}:purchase:94001`]);
    const refunded = {
      ...numbered,
      status: "refunded",
      refunds: [{ id: 94002, reason: "", total: "-48.89" }],
    };
    await relay(await wooRequest(refunded), [`woocommerce:${WOO_SHOP}:refund:94002`]);
    expect(ga4[0].body).toMatchObject({
      client_id: "1234567890.1700000000",
      user_id: "17",
      ip_override: "203.0.113.9",
      user_agent: "Mozilla/5.0 (X11; Linux x86_64) RelayTest/1.0",
      events: [{ name: "purchase", params: { transaction_id: "WC-2026-0042", session_id: "1700000123" } }],
    });
    expect(ga4[1].body.events).toMatchObject([
      { name: "refund", params: { transaction_id: "WC-2026-0042" } },
    ]);
    expect(meta[0].body.data).toMatchObject([
      { event_name: "Purchase", event_id: FACEBOOK_FOR_WOOCOMMERCE_ID },
    ]);
  });

  it("Magento: the increment_id for GA4 on the purchase and its credit memo, the entity_id for Meta", async () => {
    const { ga4, meta } = mockDestinations();
    await relay(
      await signedMagentoRequest(JSON.stringify({ order: magentoOrder({ entityId: "9500001" }) })),
      [`magento:${MAGENTO_SHOP}:purchase:9500001`],
    );
    const memo = magentoCreditMemo({ entityId: "9600001", orderId: "9500001" });
    await relay(await signedMagentoRequest(JSON.stringify({ creditmemo: memo })), [
      `magento:${MAGENTO_SHOP}:refund:9600001`,
    ]);
    // Magento records no user agent and no client id: GA4 gets the IP and a client id derived from the order.
    expect(ga4[0].body).toMatchObject({
      user_id: "42",
      ip_override: "203.0.113.7",
      events: [{ name: "purchase", params: { transaction_id: "10009500001" } }],
    });
    expect(ga4[0].body).not.toHaveProperty("user_agent");
    expect(ga4[0].body.client_id).toMatch(/^[1-9]\d{9}\.[1-9]\d{9}$/);
    expect(ga4[1].body.events).toMatchObject([{ name: "refund", params: { transaction_id: "10009500001" } }]);
    expect(meta[0].body.data).toMatchObject([{ event_name: "Purchase", event_id: "9500001" }]);

    // A credit memo of an order tagrelay never recorded can only name it by its entity_id.
    const orphan = magentoCreditMemo({ entityId: "9600002", orderId: "9500002" });
    await relay(await signedMagentoRequest(JSON.stringify({ creditmemo: orphan })), [
      `magento:${MAGENTO_SHOP}:refund:9600002`,
    ]);
    expect(ga4[2].body.events).toMatchObject([{ name: "refund", params: { transaction_id: "9500002" } }]);
  });
});
