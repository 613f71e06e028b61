import { afterEach, describe, expect, it, vi } from "vitest";
import { mockDestinations } from "../fixtures/destinations";
import { SHOP, shopifyOrder, shopifyRefund } from "../fixtures/shopify";
import {
  fetchWith,
  ledgerOf,
  postToWorker,
  recordingQueue,
  shopifyRequest,
  skippedEverywhere,
  waitForDeliveries,
} from "../helpers";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("Shopify end to end: webhook → Queue → consumer → GA4 and Meta", () => {
  it("delivers one purchase to each destination, however often the order is redelivered", async () => {
    const orderId = "9100000000000000001";
    const eventId = `shopify:${SHOP}:purchase:${orderId}`;
    const { ga4, meta } = mockDestinations();
    const order = shopifyOrder({ id: orderId, createdAt: new Date().toISOString() });

    const first = await postToWorker(await shopifyRequest(order, { topic: "orders/create" }));
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ status: "accepted", events: [{ id: eventId, status: "accepted" }] });
    // Final ledger rows: the consumer has sent and recorded both, and never claims them again.
    await waitForDeliveries(eventId);
    expect(ga4).toHaveLength(1);
    expect(meta).toHaveLength(1);

    // Redeliveries through a recording Queue: answered duplicate and enqueued nothing, so no
    // work is left anywhere that could send this order again.
    const queue = recordingQueue();
    for (const topic of ["orders/create", "orders/paid", "orders/paid"]) {
      const again = await fetchWith(await shopifyRequest(order, { topic }), { EVENTS_QUEUE: queue });
      expect(await again.json()).toEqual({
        status: "duplicate",
        events: [{ id: eventId, status: "duplicate" }],
      });
    }
    expect(queue.sent).toEqual([]);

    expect(ga4).toHaveLength(1);
    expect(meta).toHaveLength(1);
    expect(ga4[0].body.events).toMatchObject([{ name: "purchase", params: { transaction_id: orderId } }]);
    expect(meta[0].body.data).toMatchObject([{ event_name: "Purchase", event_id: orderId }]);
    expect(ga4[0].url.searchParams.get("measurement_id")).toBe("G-TEST123");

    expect(await ledgerOf(eventId)).toEqual([
      { destination: "ga4", status: "sent" },
      { destination: "meta", status: "sent" },
    ]);
  });

  it("delivers a refund to GA4 and records Meta's default policy (skip) in the ledger", async () => {
    const refundId = "9200000000000000001";
    const { ga4, meta } = mockDestinations();
    const refund = {
      ...shopifyRefund({ id: refundId }),
      created_at: new Date().toISOString(),
      processed_at: null,
    };
    const response = await postToWorker(await shopifyRequest(refund, { topic: "refunds/create" }));
    expect(response.status).toBe(200);
    const eventId = `shopify:${SHOP}:refund:${refundId}`;
    await waitForDeliveries(eventId);
    expect(ga4).toHaveLength(1);
    expect(ga4[0].body.events[0]).toMatchObject({
      name: "refund",
      params: { transaction_id: "820982911946154508", value: 14.84 },
    });
    expect(meta).toHaveLength(0);
    expect(await ledgerOf(eventId)).toContainEqual({ destination: "meta", status: "skipped" });
  });

  it("a restock with no money back: sent nowhere, every destination's ledger skipped with the reason", async () => {
    const refundId = "9200000000000000002";
    const { ga4, meta } = mockDestinations();
    const money = (shop: string, presentment: string) => ({
      shop_money: { amount: shop, currency_code: "USD" },
      presentment_money: { amount: presentment, currency_code: "EUR" },
    });
    const restock = {
      ...shopifyRefund({ id: refundId }),
      created_at: new Date().toISOString(),
      processed_at: null,
      transactions: [],
      // Shopify's calculated refund of the line, less what was refunded (nothing).
      order_adjustments: [
        {
          id: 4221763620,
          kind: "refund_discrepancy",
          reason: "Refund discrepancy",
          amount: "14.84",
          amount_set: money("14.84", "13.65"),
          tax_amount: "0.00",
          tax_amount_set: money("0.00", "0.00"),
        },
      ],
    };
    const response = await postToWorker(await shopifyRequest(restock, { topic: "refunds/create" }));
    const eventId = `shopify:${SHOP}:refund:${refundId}`;
    expect(await response.json()).toEqual({
      status: "accepted",
      events: [{ id: eventId, status: "accepted" }],
    });
    await waitForDeliveries(eventId);
    expect(await ledgerOf(eventId, "status", "reason")).toEqual(
      skippedEverywhere("nothing was refunded: no money went back to the customer"),
    );
    expect(ga4).toHaveLength(0);
    expect(meta).toHaveLength(0);
  });
});
