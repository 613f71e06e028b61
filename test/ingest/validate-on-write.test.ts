import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { SHOP, shopifyOrder, shopifyRefund } from "../fixtures/shopify";
import {
  countRows,
  expectRefusal,
  fetchWith,
  freshIds,
  lastWebhookLog,
  recordingQueue,
  shopifyRequest,
} from "../helpers";

const freshId = freshIds(5_000_000_000_000_000_000n);

/** A refund as `refunds/create` may send it: amounts without any `*_set`, a transaction without currency. */
function refundWithoutCurrency(id: string, orderId: string, lineItem: Record<string, unknown> = {}) {
  return {
    id,
    order_id: orderId,
    created_at: "2026-11-28T09:00:00-05:00",
    processed_at: "2026-11-28T09:00:00-05:00",
    refund_line_items: [
      {
        id: 104689540,
        quantity: 1,
        subtotal: "14.00",
        total_tax: "0.84",
        line_item: {
          id: "11001100110011002",
          product_id: "921728736",
          title: "Case",
          price: "15.00",
          quantity: 2,
          ...lineItem,
        },
      },
    ],
    transactions: [{ id: 3, kind: "refund", status: "success", amount: "14.84", gateway: "bogus" }],
  };
}

async function payloadOf(id: string) {
  const row = await env.DB.prepare("SELECT payload FROM events WHERE id = ?1")
    .bind(id)
    .first<{ payload: string }>();
  return row ? JSON.parse(row.payload) : null;
}

describe("an event is checked against its schema before it is stored", () => {
  it("refuses a refunds/create that says its currency nowhere, and stores and queues nothing", async () => {
    const refundId = freshId();
    const queue = recordingQueue();
    const response = await fetchWith(
      await shopifyRequest(refundWithoutCurrency(refundId, freshId()), { topic: "refunds/create" }),
      { EVENTS_QUEUE: queue },
    );
    const log = await expectRefusal(response.clone(), 400, /order\.currency/);
    expect(await response.json()).toEqual({ status: "rejected", reason: "invalid payload" });
    expect(log).toMatchObject({
      outcome: "rejected",
      status: 400,
      reason: "invalid payload",
      detail: "order.currency: Too small: expected string to have exactly 3 characters",
    });
    expect(await countRows("events", "id = ?1", `shopify:${SHOP}:refund:${refundId}`)).toBe(0);
    expect(queue.sent).toEqual([]);
  });

  it("takes a refund's currency from its line item's price_set when nothing else says it", async () => {
    const refundId = freshId();
    const priceSet = {
      shop_money: { amount: "15.00", currency_code: "USD" },
      presentment_money: { amount: "13.80", currency_code: "EUR" },
    };
    const response = await fetchWith(
      await shopifyRequest(refundWithoutCurrency(refundId, freshId(), { price_set: priceSet }), {
        topic: "refunds/create",
      }),
      { EVENTS_QUEUE: recordingQueue() },
    );
    expect(response.status).toBe(200);
    expect((await payloadOf(`shopify:${SHOP}:refund:${refundId}`))?.order).toMatchObject({
      currency: "USD",
      value: "14.84",
    });
  });

  // The choice under test: one bad event does not cost the webhook's good ones (src/ingest/pipeline.ts).
  it("stores the good refunds of an orders/cancelled and reports the bad one invalid", async () => {
    const orderId = freshId();
    const [good, bad] = [freshId(), freshId()];
    const emptyCurrency = {
      shop_money: { amount: "14.00", currency_code: "" },
      presentment_money: { amount: "12.88", currency_code: "" },
    };
    const badRefund = shopifyRefund({ id: bad, orderId });
    badRefund.refund_line_items = badRefund.refund_line_items.map((line) => ({
      ...line,
      subtotal_set: emptyCurrency,
    }));
    const order = shopifyOrder({
      id: orderId,
      cancelledAt: "2026-11-28T12:00:00-05:00",
      refunds: [shopifyRefund({ id: good, orderId }), badRefund],
    });
    const queue = recordingQueue();
    const response = await fetchWith(await shopifyRequest(order, { topic: "orders/cancelled" }), {
      EVENTS_QUEUE: queue,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: "accepted",
      events: [
        { id: `shopify:${SHOP}:refund:${good}`, status: "accepted" },
        { id: `shopify:${SHOP}:refund:${bad}`, status: "invalid" },
      ],
    });
    expect(lastWebhookLog()).toMatchObject({
      outcome: "accepted",
      status: 200,
      detail: "order.currency: Too small: expected string to have exactly 3 characters",
    });
    expect(await countRows("events", "id = ?1", `shopify:${SHOP}:refund:${good}`)).toBe(1);
    expect(await countRows("events", "id = ?1", `shopify:${SHOP}:refund:${bad}`)).toBe(0);
    expect(queue.sent).toEqual([{ eventId: `shopify:${SHOP}:refund:${good}` }]);
  });
});
