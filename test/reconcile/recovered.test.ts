import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { mockShops, type WooRecord } from "../fixtures/shop-apis";
import { WOO_SHOP, wooDate, wooOrder, wooRequest } from "../fixtures/woocommerce";
import { fetchWith, ledgerOf, recordingQueue } from "../helpers";
import { forgetReconciliation, reconcileEnv, runOnce, storedCount } from "./helpers";

const HOUR = 3_600_000;
const NOW = Math.floor(Date.now() / 1000) * 1000;
const purchase = (id: number) => `woocommerce:${WOO_SHOP}:purchase:${id}`;

afterEach(() => {
  vi.restoreAllMocks();
});
beforeEach(forgetReconciliation);

/** Paid `age` ago, changed an hour ago (an order's status moved on, its webhook never came). */
const paidAgo = (id: number, age: number) =>
  wooOrder({
    id,
    createdAt: wooDate(new Date(NOW - age - 90_000)),
    modifiedAt: wooDate(new Date(NOW - HOUR)),
  }) as WooRecord;

async function consume(eventIds: string[]) {
  const batch = createMessageBatch(
    "tagrelay-events",
    eventIds.map((eventId, i) => ({ id: `m-${i}`, timestamp: new Date(), attempts: 1, body: { eventId } })),
  );
  await worker.queue(batch, env);
  return getQueueResult(batch, createExecutionContext());
}

describe("a recovered conversion", () => {
  it("respects the destinations' windows: past 72 h expired at GA4, past 7 days at Meta too, with the reason", async () => {
    const { shops, ga4, meta } = mockShops();
    shops.woocommerce = [paidAgo(9501, 2 * HOUR), paidAgo(9502, 4 * 24 * HOUR), paidAgo(9503, 8 * 24 * HOUR)];
    const { bySource } = await runOnce(reconcileEnv({ RECONCILE_LOOKBACK_HOURS: "240" }), {
      now: NOW,
      sources: ["woocommerce"],
    });
    expect(bySource.woocommerce).toMatchObject({ listed: 3, recovered: 3 });
    const result = await consume([purchase(9501), purchase(9502), purchase(9503)]);
    expect(result.explicitAcks.sort()).toEqual(["m-0", "m-1", "m-2"]);
    expect(ga4).toHaveLength(1);
    expect(meta.flatMap((hit) => hit.body.data.map((e) => e.event_id))).toEqual(["9501", "9502"]);
    const GA4_LATE =
      "found by reconciliation more than 72 hours after it happened: past GA4's window for a dated event";
    const META_LATE = "found by reconciliation more than 7 days after it happened: past Meta's window";
    expect(await ledgerOf(purchase(9501), "status", "reason")).toEqual([
      { destination: "ga4", status: "sent", reason: null },
      { destination: "meta", status: "sent", reason: null },
    ]);
    expect(await ledgerOf(purchase(9502), "status", "reason")).toEqual([
      { destination: "ga4", status: "expired", reason: GA4_LATE },
      { destination: "meta", status: "sent", reason: null },
    ]);
    expect(await ledgerOf(purchase(9503), "status", "reason")).toEqual([
      { destination: "ga4", status: "expired", reason: GA4_LATE },
      { destination: "meta", status: "expired", reason: META_LATE },
    ]);
  });

  it("is stored and queued once when its webhook comes at the same moment as the run", async () => {
    const { shops } = mockShops();
    shops.woocommerce = Array.from({ length: 20 }, (_, i) => paidAgo(9601 + i, 3 * HOUR));
    const queue = recordingQueue();
    const runEnv = reconcileEnv({ EVENTS_QUEUE: queue });
    const [run, ...webhooks] = await Promise.all([
      runOnce(runEnv, { now: NOW, sources: ["woocommerce"] }),
      ...shops.woocommerce.map(async (body) =>
        (await fetchWith(await wooRequest(body), { EVENTS_QUEUE: queue })).json<{ status: string }>(),
      ),
    ]);
    const ids = shops.woocommerce.map((o) => purchase(o.id));
    expect(await storedCount(ids)).toEqual(ids.map(() => 1));
    expect(queue.sent).toHaveLength(20);
    expect(new Set(queue.sent.map((m) => (m as { eventId: string }).eventId))).toEqual(new Set(ids));
    // Whichever came first stored each order; the other was told it was a duplicate.
    const byWebhook = webhooks.filter((w) => w.status === "accepted").length;
    expect(run.bySource.woocommerce.recovered + byWebhook).toBe(20);
    expect(run.bySource.woocommerce.recovered + run.bySource.woocommerce.alreadyStored).toBe(20);
  });
});
