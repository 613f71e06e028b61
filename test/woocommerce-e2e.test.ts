import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { mockDestinations } from "./fixtures/destinations";
import { WOO_SHOP, wooDate, wooOrder, wooRequest } from "./fixtures/woocommerce";
import { postToWorker, waitForDeliveries } from "./helpers";

afterEach(() => {
  vi.restoreAllMocks();
});

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("WooCommerce end to end: webhook → Queue → consumer → GA4 and Meta", () => {
  it("delivers one purchase to each destination, however often the order is updated", async () => {
    const orderId = 91001;
    const { ga4, meta } = mockDestinations();
    const now = wooDate(new Date());
    const order = (status: string) => wooOrder({ id: orderId, status, createdAt: now, paidAt: now });

    const pending = await postToWorker(await wooRequest(order("pending"), { topic: "order.created" }));
    expect(await pending.json()).toMatchObject({ status: "ignored" });
    const first = await postToWorker(await wooRequest(order("processing")));
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ status: "accepted" });
    await vi.waitUntil(() => ga4.length === 1 && meta.length === 1, { timeout: 5000, interval: 20 });

    for (const status of ["processing", "completed", "completed"]) {
      const again = await postToWorker(await wooRequest(order(status)));
      expect(await again.json()).toMatchObject({ status: "duplicate" });
    }
    await settle(300);

    expect(ga4).toHaveLength(1);
    expect(meta).toHaveLength(1);
    expect(ga4[0].body.events).toMatchObject([
      { name: "purchase", params: { transaction_id: String(orderId), value: 48.89, currency: "USD" } },
    ]);
    expect(ga4[0].body.client_id).toBe("1234567890.1700000000");
    expect(meta[0].body.data).toMatchObject([{ event_name: "Purchase", event_id: String(orderId) }]);

    const rows = await env.DB.prepare(
      "SELECT destination, status FROM deliveries WHERE event_id = ?1 ORDER BY 1",
    )
      .bind(`woocommerce:${WOO_SHOP}:purchase:${orderId}`)
      .all();
    expect(rows.results).toEqual([
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
    const metaRow = await env.DB.prepare(
      "SELECT status, reason FROM deliveries WHERE event_id = ?1 AND destination = 'meta'",
    )
      .bind(eventId)
      .first();
    expect(metaRow).toMatchObject({ status: "skipped" });
  });
});
