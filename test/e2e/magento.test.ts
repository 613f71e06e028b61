import { afterEach, describe, expect, it, vi } from "vitest";
import { mockDestinations } from "../fixtures/destinations";
import {
  MAGENTO_SHOP,
  magentoCreditMemo,
  magentoOrder,
  recentMagentoTime,
  signedMagentoRequest,
} from "../fixtures/magento";
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

const send = async (body: unknown) => postToWorker(await signedMagentoRequest(JSON.stringify(body)));

describe("Magento end to end: webhook → Queue → consumer → GA4 and Meta", () => {
  it("delivers one purchase to each destination, however often the order is saved", async () => {
    const orderId = "9300001";
    const eventId = `magento:${MAGENTO_SHOP}:purchase:${orderId}`;
    const { ga4, meta } = mockDestinations();
    const order = magentoOrder({ entityId: orderId, createdAt: recentMagentoTime() });

    const first = await send({ order });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ status: "accepted", events: [{ id: eventId, status: "accepted" }] });
    // Final ledger rows: the consumer has sent and recorded both, and never claims them again.
    await waitForDeliveries(eventId);
    expect(ga4).toHaveLength(1);
    expect(meta).toHaveLength(1);

    // Saves through a recording Queue: answered duplicate and enqueued nothing, so no work is
    // left anywhere that could send this order again.
    const queue = recordingQueue();
    for (const state of ["processing", "complete", "complete"]) {
      const request = await signedMagentoRequest(JSON.stringify({ order: { ...order, state } }));
      const again = await fetchWith(request, { EVENTS_QUEUE: queue });
      expect(await again.json()).toEqual({
        status: "duplicate",
        events: [{ id: eventId, status: "duplicate" }],
      });
    }
    expect(queue.sent).toEqual([]);

    expect(ga4).toHaveLength(1);
    expect(meta).toHaveLength(1);
    // GA4 gets the increment_id, as Magento_GoogleGtag's purchase tag does; Meta the entity_id.
    expect(ga4[0].body.events).toMatchObject([
      { name: "purchase", params: { transaction_id: "10009300001", currency: "EUR", value: 171.33 } },
    ]);
    expect(meta[0].body.data).toMatchObject([{ event_name: "Purchase", event_id: orderId }]);

    expect(await ledgerOf(eventId)).toEqual([
      { destination: "ga4", status: "sent" },
      { destination: "meta", status: "sent" },
    ]);
  });

  it("delivers a credit memo to GA4 as a refund of its purchase and records Meta's default policy (skip)", async () => {
    const orderId = "9300002";
    const memoId = "9400001";
    const { ga4, meta } = mockDestinations();
    await send({ order: magentoOrder({ entityId: orderId, createdAt: recentMagentoTime() }) });
    await waitForDeliveries(`magento:${MAGENTO_SHOP}:purchase:${orderId}`);
    const memo = magentoCreditMemo({ entityId: memoId, orderId });
    const response = await send({ creditmemo: memo });
    expect(response.status).toBe(200);
    const eventId = `magento:${MAGENTO_SHOP}:refund:${memoId}`;
    await waitForDeliveries(eventId);
    expect(ga4).toHaveLength(2);
    // A credit memo names its order by entity_id only: the recorded purchase gives its increment_id.
    expect(ga4[1].body.events[0]).toMatchObject({
      name: "refund",
      params: { transaction_id: "10009300002", value: 79 },
    });
    expect(ga4[0].body.events[0].params.transaction_id).toBe("10009300002");
    expect(meta).toHaveLength(1);
    expect(await ledgerOf(eventId)).toContainEqual({ destination: "meta", status: "skipped" });
  });

  it("a credit memo of 0.00 (a return with no money back): sent nowhere, recorded skipped", async () => {
    const memoId = "9400002";
    const { ga4, meta } = mockDestinations();
    const memo = {
      ...magentoCreditMemo({ entityId: memoId, orderId: "9300001" }),
      grand_total: "0.0000",
      subtotal: "0.0000",
      shipping_amount: "0.0000",
    };
    await send({ creditmemo: memo });
    const eventId = `magento:${MAGENTO_SHOP}:refund:${memoId}`;
    await waitForDeliveries(eventId);
    expect(await ledgerOf(eventId, "status", "reason")).toEqual(
      skippedEverywhere("nothing was refunded: no money went back to the customer"),
    );
    expect(ga4).toHaveLength(0);
    expect(meta).toHaveLength(0);
  });
});
