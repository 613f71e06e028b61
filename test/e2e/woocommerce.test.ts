import { afterEach, describe, expect, it, vi } from "vitest";
import { mockDestinations } from "../fixtures/destinations";
import { WOO_SHOP, wooDate, wooOrder, wooRequest } from "../fixtures/woocommerce";
import {
  fetchWith,
  ledgerOf,
  postToWorker,
  recordingQueue,
  skippedEverywhere,
  waitForDeliveries,
} from "../helpers";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("WooCommerce end to end: webhook → Queue → consumer → GA4 and Meta", () => {
  it("delivers one purchase to each destination, however often the order is updated", async () => {
    const orderId = 91001;
    const eventId = `woocommerce:${WOO_SHOP}:purchase:${orderId}`;
    const { ga4, meta } = mockDestinations();
    const now = wooDate(new Date());
    const order = (status: string) => wooOrder({ id: orderId, status, createdAt: now, paidAt: now });

    const pending = await postToWorker(await wooRequest(order("pending"), { topic: "order.created" }));
    expect(await pending.json()).toMatchObject({ status: "ignored" });
    const first = await postToWorker(await wooRequest(order("processing")));
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ status: "accepted", events: [{ id: eventId, status: "accepted" }] });
    // Final ledger rows: the consumer has sent and recorded both, and never claims them again.
    await waitForDeliveries(eventId);
    expect(ga4).toHaveLength(1);
    expect(meta).toHaveLength(1);

    // Updates through a recording Queue: answered duplicate and enqueued nothing, so no work
    // is left anywhere that could send this order again.
    const queue = recordingQueue();
    for (const status of ["processing", "completed", "completed"]) {
      const again = await fetchWith(await wooRequest(order(status)), { EVENTS_QUEUE: queue });
      expect(await again.json()).toEqual({
        status: "duplicate",
        events: [{ id: eventId, status: "duplicate" }],
      });
    }
    expect(queue.sent).toEqual([]);

    expect(ga4).toHaveLength(1);
    expect(meta).toHaveLength(1);
    expect(ga4[0].body.events).toMatchObject([
      { name: "purchase", params: { transaction_id: String(orderId), value: 48.89, currency: "USD" } },
    ]);
    expect(ga4[0].body.client_id).toBe("1234567890.1700000000");
    expect(meta[0].body.data).toMatchObject([{ event_name: "Purchase", event_id: String(orderId) }]);

    expect(await ledgerOf(eventId)).toEqual([
      { destination: "ga4", status: "sent" },
      { destination: "meta", status: "sent" },
    ]);
  });

  it("delivers a refund to GA4 and records Meta's default policy (skip) in the ledger", async () => {
    const orderId = 92001;
    const refundId = 92002;
    const { ga4, meta } = mockDestinations();
    const now = wooDate(new Date());
    const order = wooOrder({
      id: orderId,
      status: "refunded",
      createdAt: now,
      modifiedAt: now,
      refunds: [{ id: refundId, total: "-10.00" }],
    });
    const response = await postToWorker(await wooRequest(order));
    expect(response.status).toBe(200);
    const eventId = `woocommerce:${WOO_SHOP}:refund:${refundId}`;
    await waitForDeliveries(eventId);
    expect(ga4).toHaveLength(1);
    expect(ga4[0].body.events[0]).toMatchObject({
      name: "refund",
      params: { transaction_id: String(orderId), value: 10 },
    });
    expect(meta).toHaveLength(0);
    expect(await ledgerOf(eventId)).toContainEqual({ destination: "meta", status: "skipped" });
  });

  it("a refund entry of 0.00 (a restock): sent nowhere, recorded skipped with the reason", async () => {
    const { ga4, meta } = mockDestinations();
    const now = wooDate(new Date());
    const order = wooOrder({
      id: 93001,
      createdAt: now,
      modifiedAt: now,
      refunds: [{ id: 93002, total: "0.00" }],
    });
    await postToWorker(await wooRequest(order));
    const eventId = `woocommerce:${WOO_SHOP}:refund:93002`;
    await waitForDeliveries(eventId);
    expect(await ledgerOf(eventId, "status", "reason")).toEqual(
      skippedEverywhere("nothing was refunded: no money went back to the customer"),
    );
    expect(ga4.map((hit) => hit.body.events[0].name)).toEqual(["purchase"]);
    expect(meta).toHaveLength(1);
  });
});
