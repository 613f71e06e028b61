import { createExecutionContext, createScheduledController, env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { MAGENTO_SHOP, magentoCreditMemo, magentoOrder, signedMagentoRequest } from "../fixtures/magento";
import { type MagentoRecord, mockShops, type ShopifyRecord, type WooRecord } from "../fixtures/shop-apis";
import { SHOP } from "../fixtures/shopify";
import { shopifyGraphqlOrder } from "../fixtures/shopify-graphql";
import { WOO_SHOP, wooDate, wooOrder, wooRequest } from "../fixtures/woocommerce";
import { fetchWith, recordingQueue } from "../helpers";
import {
  forgetReconciliation,
  listingState,
  reconcileEnv,
  recoveredAt,
  runOnce,
  storedCount,
} from "./helpers";

const HOUR = 3_600_000;
const NOW = Math.floor(Date.now() / 1000) * 1000;
const iso = (ms: number) => new Date(ms).toISOString();

afterEach(() => {
  vi.restoreAllMocks();
});
beforeEach(forgetReconciliation);

const woo = (id: number, modifiedAt: number, status = "processing") =>
  wooOrder({
    id,
    status,
    createdAt: wooDate(new Date(modifiedAt - HOUR)),
    modifiedAt: wooDate(new Date(modifiedAt)),
  }) as WooRecord;
const magento = (id: number, updatedAt: number): MagentoRecord => ({
  ...magentoOrder({
    entityId: String(id),
    createdAt: iso(updatedAt - HOUR)
      .replace("T", " ")
      .slice(0, 19),
  }),
  entity_id: id,
  updated_at: iso(updatedAt).replace("T", " ").slice(0, 19),
});
const wooPurchase = (id: number) => `woocommerce:${WOO_SHOP}:purchase:${id}`;

describe("a reconciliation run", () => {
  it("leaves a source without API settings alone and says which setting it needs", async () => {
    mockShops();
    const { summaries } = await runOnce({ ...env, EVENTS_QUEUE: recordingQueue() }, { now: NOW });
    expect(summaries.map((s) => [s.source, s.status, s.reason])).toEqual([
      [
        "shopify",
        "not reconciled",
        "set SHOPIFY_ADMIN_TOKEN, or SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET",
      ],
      ["magento", "not reconciled", "set MAGENTO_API_TOKEN"],
      ["woocommerce", "not reconciled", "set WOOCOMMERCE_CONSUMER_KEY and WOOCOMMERCE_CONSUMER_SECRET"],
    ]);
  });

  it("stores what no webhook brought, marked recovered; what a webhook brought stays as it was", async () => {
    const { shops } = mockShops();
    shops.woocommerce = [woo(7001, NOW - 3 * HOUR), woo(7002, NOW - 2 * HOUR)];
    const webhook = await fetchWith(await wooRequest(shops.woocommerce[0]), {
      EVENTS_QUEUE: recordingQueue(),
    });
    expect(await webhook.json()).toMatchObject({ status: "accepted" });
    const runEnv = reconcileEnv();
    const { bySource } = await runOnce(runEnv, { now: NOW, sources: ["woocommerce"] });
    expect(bySource.woocommerce).toEqual({
      source: "woocommerce",
      shop: WOO_SHOP,
      status: "caught up",
      listed: 2,
      alreadyStored: 1,
      recovered: 1,
      skipped: {},
      pages: 1,
    });
    expect(await recoveredAt(wooPurchase(7001))).toBeNull();
    expect(await recoveredAt(wooPurchase(7002))).toBe(iso(NOW));
    expect(runEnv.EVENTS_QUEUE.sent).toEqual([{ eventId: wooPurchase(7002) }]);
  });

  it("keeps a watermark: the next run lists only what changed since, an overlap earlier", async () => {
    const { shops } = mockShops();
    shops.woocommerce = [woo(7101, NOW - 5 * HOUR), woo(7102, NOW - 4 * HOUR), woo(7103, NOW - 3 * HOUR)];
    const first = await runOnce(reconcileEnv(), { now: NOW, sources: ["woocommerce"] });
    expect(first.bySource.woocommerce).toMatchObject({ status: "caught up", listed: 3, recovered: 3 });
    // The listing ended at now − 5 min (webhooks' grace); the next starts 15 min (the overlap) before that.
    expect(await listingState("woocommerce")).toMatchObject({
      watermark: iso(NOW - 20 * 60_000),
      cursor: null,
    });

    const later = NOW + 2 * HOUR;
    shops.woocommerce[1] = woo(7102, later - HOUR, "completed");
    shops.woocommerce.push(woo(7104, later - 30 * 60_000));
    const requestsBefore = shops.requests.length;
    const second = await runOnce(reconcileEnv(), { now: later, sources: ["woocommerce"] });
    expect(second.bySource.woocommerce).toMatchObject({ listed: 2, alreadyStored: 1, recovered: 1 });
    const asked = shops.requests.slice(requestsBefore).map((r) => Object.fromEntries(r.url.searchParams));
    expect(asked.map((q) => [q.modified_after, q.modified_before])).toEqual([
      [wooDate(new Date(NOW - 20 * 60_000 - 1000)), wooDate(new Date(later - 5 * 60_000))],
    ]);
    expect(await storedCount([7101, 7102, 7103, 7104].map(wooPurchase))).toEqual([1, 1, 1, 1]);
  });

  it("pages across runs within RECONCILE_ORDERS_PER_RUN and resumes from its cursor without gaps or doubles", async () => {
    const { shops } = mockShops();
    shops.magento = Array.from({ length: 7 }, (_, i) => magento(7201 + i, NOW - 10 * HOUR + i * 60_000));
    const runEnv = () => reconcileEnv({ RECONCILE_ORDERS_PER_RUN: "3" });
    const statuses = [];
    let recovered = 0;
    for (let run = 0; run < 3; run++) {
      const { bySource } = await runOnce(runEnv(), { now: NOW, sources: ["magento"] });
      statuses.push([bySource.magento.status, bySource.magento.listed]);
      recovered += bySource.magento.recovered;
    }
    // Each run reads a page of 3 orders not listed yet (the request leaves out the last one
    // already processed); the third, with budget left, lists the window's credit memos too.
    expect(statuses).toEqual([
      ["more to list", 3],
      ["more to list", 3],
      ["caught up", 1],
    ]);
    expect(recovered).toBe(7);
    const ids = shops.magento.map((o) => `magento:${MAGENTO_SHOP}:purchase:${o.entity_id}`);
    expect(await storedCount(ids)).toEqual([1, 1, 1, 1, 1, 1, 1]);
  });

  it("stopped mid-way by a failing page, keeps what it stored and goes on from there next run", async () => {
    const { shops } = mockShops();
    shops.woocommerce = Array.from({ length: 5 }, (_, i) => woo(7301 + i, NOW - 6 * HOUR + i * 60_000));
    let requests = 0;
    shops.fault = () => (++requests >= 2 && requests <= 4 ? new Response("", { status: 503 }) : undefined);
    const runEnv = () => reconcileEnv({ RECONCILE_ORDERS_PER_RUN: "2" });
    const first = await runOnce(runEnv(), { now: NOW, sources: ["woocommerce"] });
    // A budget of 2 orders is one page: the second page waits for the next run.
    expect(first.bySource.woocommerce).toMatchObject({ status: "more to list", listed: 2, recovered: 2 });
    const second = await runOnce(runEnv(), { now: NOW, sources: ["woocommerce"] });
    expect(second.bySource.woocommerce).toMatchObject({
      status: "stopped",
      reason: "HTTP 503, 3 tries",
      listed: 0,
    });
    expect(second.waits).toEqual([1000, 2000]);
    const stopped = await listingState("woocommerce");
    expect(stopped).toMatchObject({ last_error: "HTTP 503, 3 tries", lease_until: null });
    expect(JSON.parse(stopped?.cursor ?? "{}")).toMatchObject({
      from: iso(NOW - 6 * HOUR + 60_000),
      page: 1,
      seen: ["7302"],
    });
    const after = [];
    for (let run = 0; run < 3; run++) {
      const { bySource } = await runOnce(runEnv(), { now: NOW, sources: ["woocommerce"] });
      after.push([bySource.woocommerce.status, bySource.woocommerce.listed]);
    }
    // Each later run reads a page of orders not listed yet (the request leaves out 7302, the one
    // it stopped after); the last finds nothing new.
    expect(after).toEqual([
      ["more to list", 2],
      ["caught up", 1],
      ["caught up", 0],
    ]);
    expect(await storedCount(shops.woocommerce.map((o) => wooPurchase(o.id)))).toEqual([1, 1, 1, 1, 1]);
    expect((await listingState("woocommerce"))?.last_error).toBeNull();
  });

  it("stores nothing from a malformed page and keeps its place", async () => {
    const { shops } = mockShops();
    shops.woocommerce = [woo(7401, NOW - 2 * HOUR)];
    shops.fault = () => new Response(JSON.stringify([{ id: 7401, status: "processing" }]));
    const first = await runOnce(reconcileEnv(), { now: NOW, sources: ["woocommerce"] });
    expect(first.bySource.woocommerce).toMatchObject({
      status: "stopped",
      reason: "malformed page: 0.date_modified_gmt: Invalid input: expected string, received undefined",
      recovered: 0,
    });
    expect(await storedCount([wooPurchase(7401)])).toEqual([0]);
    const state = await listingState("woocommerce");
    expect(JSON.parse(state?.cursor ?? "{}")).toMatchObject({ page: 1, seen: [] });
    const lines = globalThis.capturedLogLines.filter((l) => l.includes('"msg":"reconcile stopped"'));
    expect(JSON.parse(lines[lines.length - 1])).toEqual({
      level: "error",
      msg: "reconcile stopped",
      source: "woocommerce",
      shop: WOO_SHOP,
      reason: "malformed page: 0.date_modified_gmt: Invalid input: expected string, received undefined",
    });
    shops.fault = undefined;
    const second = await runOnce(reconcileEnv(), { now: NOW, sources: ["woocommerce"] });
    expect(second.bySource.woocommerce).toMatchObject({ status: "caught up", recovered: 1 });
  });

  it("runs on the Cron Trigger, beside the sweep", async () => {
    const { shops } = mockShops();
    shops.woocommerce = [woo(7701, NOW - 2 * HOUR)];
    const runEnv = reconcileEnv();
    const controller = createScheduledController({ scheduledTime: new Date(NOW), cron: "*/10 * * * *" });
    await worker.scheduled(controller, runEnv, createExecutionContext());
    expect(await recoveredAt(wooPurchase(7701))).toBe(iso(NOW));
    expect(runEnv.EVENTS_QUEUE.sent).toContainEqual({ eventId: wooPurchase(7701) });
  });

  it("stores a cancelled order no webhook brought as its purchase and then its reversal", async () => {
    const { shops } = mockShops();
    const placed = iso(NOW - 5 * HOUR);
    shops.shopify = [
      shopifyGraphqlOrder({
        id: "7801",
        createdAt: placed,
        updatedAt: iso(NOW - HOUR),
        cancelledAt: iso(NOW - HOUR),
      }),
    ] as ShopifyRecord[];
    const { bySource } = await runOnce(reconcileEnv(), { now: NOW, sources: ["shopify"] });
    expect(bySource.shopify).toMatchObject({ status: "caught up", listed: 1, recovered: 2, skipped: {} });
    expect(
      await storedCount([`shopify:${SHOP}:purchase:7801`, `shopify:${SHOP}:refund:cancel-7801`]),
    ).toEqual([1, 1]);
  });

  it("lets one run at a time list a source", async () => {
    const { shops } = mockShops();
    shops.woocommerce = [woo(7501, NOW - 2 * HOUR)];
    await env.DB.prepare(
      `INSERT INTO reconcile_state (source, shop, started_at, watermark, lease_until) VALUES ('woocommerce', ?1, ?2, ?2, ?3)`,
    )
      .bind(WOO_SHOP, iso(NOW - 24 * HOUR), NOW + 60_000)
      .run();
    const { bySource } = await runOnce(reconcileEnv(), { now: NOW, sources: ["woocommerce"] });
    expect(bySource.woocommerce).toMatchObject({ status: "busy", listed: 0 });
    expect(shops.requests).toEqual([]);
  });

  it("turns listed refunds and cancellations into the webhooks' refund events, skips unpaid orders with a reason", async () => {
    const { shops } = mockShops();
    const refunded = wooOrder({
      id: 7601,
      status: "processing",
      createdAt: wooDate(new Date(NOW - 3 * HOUR)),
      modifiedAt: wooDate(new Date(NOW - 2 * HOUR)),
      refunds: [{ id: 7611, total: "-10.00" }],
    }) as WooRecord;
    shops.woocommerce = [refunded, woo(7602, NOW - HOUR, "pending")];
    const { bySource } = await runOnce(reconcileEnv(), { now: NOW, sources: ["woocommerce"] });
    expect(bySource.woocommerce).toMatchObject({
      listed: 2,
      recovered: 2,
      skipped: { "order status pending is not paid": 1 },
    });
    expect(
      await storedCount([wooPurchase(7601), `woocommerce:${WOO_SHOP}:refund:7611`, wooPurchase(7602)]),
    ).toEqual([1, 1, 0]);
  });

  it("lists Magento's credit memos in the same pass: a refund whose webhook was lost is recovered", async () => {
    const { shops } = mockShops();
    shops.magento = [magento(7701, NOW - 3 * HOUR)];
    const memo = (id: number, orderId: number, at: number): MagentoRecord => ({
      ...magentoCreditMemo({ entityId: String(id), orderId: String(orderId) }),
      entity_id: id,
      updated_at: iso(at).replace("T", " ").slice(0, 19),
    });
    shops.magentoCreditMemos = [memo(7711, 7701, NOW - 2 * HOUR), memo(7712, 7701, NOW - HOUR)];
    // The first memo's webhook came; the second's was lost.
    const { entity_id: _id, updated_at: _at, ...delivered } = shops.magentoCreditMemos[0];
    const webhook = await fetchWith(
      await signedMagentoRequest(JSON.stringify({ creditmemo: { ...delivered, entity_id: "7711" } })),
      { EVENTS_QUEUE: recordingQueue() },
    );
    expect(webhook.status).toBe(200);
    const runEnv = reconcileEnv();
    const { bySource } = await runOnce(runEnv, { now: NOW, sources: ["magento"] });
    expect(bySource.magento).toEqual({
      source: "magento",
      shop: MAGENTO_SHOP,
      status: "caught up",
      listed: 1,
      refunds: 2,
      alreadyStored: 1,
      recovered: 2,
      skipped: {},
      pages: 2,
    });
    const refund = `magento:${MAGENTO_SHOP}:refund:7712`;
    expect(await recoveredAt(refund)).toBe(iso(NOW));
    expect(await storedCount([`magento:${MAGENTO_SHOP}:refund:7711`, refund])).toEqual([1, 1]);
    expect(runEnv.EVENTS_QUEUE.sent).toEqual([
      { eventId: `magento:${MAGENTO_SHOP}:purchase:7701` },
      { eventId: refund },
    ]);
    // Credit memos are no orders: the shop's order count (coverage) holds the one order.
    const orders = await env.DB.prepare("SELECT order_id FROM shop_orders WHERE source = 'magento'").all();
    expect(orders.results).toEqual([{ order_id: "7701" }]);
  });
});
