import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { SourceName } from "../../src/model/statuses";
import type { CoverageReport } from "../../src/reconcile/coverage";
import type { SourceSummary } from "../../src/reconcile/run";
import { freshClientIp } from "../admin/helpers";
import { MAGENTO_SHOP, magentoOrder, signedMagentoRequest } from "../fixtures/magento";
import { type FakeShops, mockShops, RECONCILE_ENV } from "../fixtures/shop-apis";
import { SHOP, shopifyOrder } from "../fixtures/shopify";
import { shopifyGraphqlOrder } from "../fixtures/shopify-graphql";
import { WOO_SHOP, wooDate, wooOrder, wooRequest } from "../fixtures/woocommerce";
import { fetchWith, postToWorker, shopifyRequest } from "../helpers";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NOW = Date.now();

afterEach(() => {
  vi.restoreAllMocks();
});

/** One source's 100 orders: in its fake API, and as the webhook each would send. */
interface Shop {
  source: SourceName;
  shop: string;
  ids: string[];
  stock(shops: FakeShops): void;
  webhook(index: number): Promise<Request>;
}

const placed = (i: number) => NOW - 6 * HOUR + i * MINUTE;
const changed = (i: number) => placed(i) + 2 * MINUTE;
const magentoTime = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 19);

const woocommerce: Shop = {
  source: "woocommerce",
  shop: WOO_SHOP,
  ids: Array.from({ length: 100 }, (_, i) => String(80_001 + i)),
  stock(shops) {
    shops.woocommerce = this.ids.map((_, i) => this.body(i) as never);
  },
  body(i: number) {
    return wooOrder({
      id: 80_001 + i,
      createdAt: wooDate(new Date(placed(i))),
      modifiedAt: wooDate(new Date(changed(i))),
    });
  },
  webhook(i) {
    return wooRequest(this.body(i));
  },
} as Shop & { body(i: number): unknown };

const magento: Shop = {
  source: "magento",
  shop: MAGENTO_SHOP,
  ids: Array.from({ length: 100 }, (_, i) => String(81_001 + i)),
  stock(shops) {
    shops.magento = this.ids.map((_, i) => this.body(i) as never);
  },
  body(i: number) {
    const id = 81_001 + i;
    return {
      ...magentoOrder({ entityId: String(id), createdAt: magentoTime(placed(i)) }),
      updated_at: magentoTime(changed(i)),
    };
  },
  webhook(i) {
    return signedMagentoRequest(JSON.stringify({ order: this.body(i) }));
  },
} as Shop & { body(i: number): unknown };

const shopify: Shop = {
  source: "shopify",
  shop: SHOP,
  ids: Array.from({ length: 100 }, (_, i) => String(8_200_000_000_000_000_001n + BigInt(i))),
  stock(shops) {
    shops.shopify = this.ids.map((id, i) =>
      shopifyGraphqlOrder({
        id,
        createdAt: new Date(placed(i)).toISOString(),
        updatedAt: new Date(changed(i)).toISOString(),
      }),
    ) as never;
  },
  webhook(i) {
    return shopifyRequest(shopifyOrder({ id: this.ids[i], createdAt: new Date(placed(i)).toISOString() }));
  },
};

async function deliver(shop: Shop, indexes: number[]): Promise<void> {
  const answers = await Promise.all(indexes.map(async (i) => postToWorker(await shop.webhook(i))));
  for (const answer of answers) expect(answer.status).toBe(200);
}

const admin = (path: string, init: RequestInit = {}) =>
  new Request(`https://relay.test${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${env.ADMIN_TOKEN}`,
      "cf-connecting-ip": freshClientIp(),
      ...init.headers,
    },
  });

// One run reads the 100 orders (and, for Magento, the window's credit memos after them).
const SETTINGS = { ...RECONCILE_ENV, RECONCILE_ORDERS_PER_RUN: "200" };

async function settledPurchases(shop: Shop): Promise<number> {
  const row = await env.DB.prepare(
    `SELECT COUNT(*) AS n FROM events WHERE source = ?1 AND kind = 'purchase'
       AND ledger ->> '$.ga4.status' = 'sent' AND ledger ->> '$.meta.status' = 'sent'`,
  )
    .bind(shop.source)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

describe.each([woocommerce, magento, shopify])("reconciliation end to end: $source", (shop) => {
  it("100 orders, 90 webhooks (some twice, some during the run) → one run → each order once to GA4 and Meta, 10 recovered, coverage 100 %", async () => {
    const { shops, ga4, meta } = mockShops();
    shop.stock(shops);
    const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

    // Webhooks for orders 1–80 arrive before the run; 1–10 a second time.
    await deliver(shop, range(0, 80));
    await deliver(shop, range(0, 10));
    // Redeliveries of 11–20 race the run; the webhooks of 81–90 arrive while it lists the shop.
    let during: Promise<void> | undefined;
    shops.fault = async () => {
      during ??= deliver(shop, range(80, 90));
      await during;
      return undefined;
    };
    const racing = deliver(shop, range(10, 20));
    const answer = await fetchWith(
      admin("/admin/api/reconcile", {
        method: "POST",
        body: JSON.stringify({ sources: [shop.source] }),
        headers: { "content-type": "application/json" },
      }),
      SETTINGS,
    );
    await racing;
    expect(answer.status).toBe(200);
    const { sources } = await answer.json<{ sources: SourceSummary[] }>();
    expect(sources.find((s) => s.source === shop.source)).toMatchObject({
      status: "caught up",
      listed: 100,
      alreadyStored: 90,
      recovered: 10,
      skipped: {},
    });

    await vi.waitUntil(async () => (await settledPurchases(shop)) === 100, {
      timeout: 30_000,
      interval: 100,
    });
    const transactions = ga4.map((hit) => String(hit.body.events[0].params.transaction_id));
    expect(transactions).toHaveLength(100);
    expect(new Set(transactions).size).toBe(100);
    const metaEvents = meta.flatMap((hit) => hit.body.data.map((e) => e.event_id));
    expect(metaEvents).toHaveLength(100);
    expect(new Set(metaEvents).size).toBe(100);

    const recovered = await env.DB.prepare(
      "SELECT order_id FROM events WHERE source = ?1 AND recovered_at IS NOT NULL ORDER BY order_id",
    )
      .bind(shop.source)
      .all<{ order_id: string }>();
    expect(recovered.results.map((r) => r.order_id)).toEqual(shop.ids.slice(90));
    const story = await fetchWith(
      admin(`/admin/events/${encodeURIComponent(`${shop.source}:${shop.shop}:purchase:${shop.ids[95]}`)}`),
    );
    expect(await story.text()).toMatch(
      /no webhook received; found by reconciliation at \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ/,
    );

    const coverage = await fetchWith(admin("/admin/api/coverage?days=2"), SETTINGS);
    const report = await coverage.json<CoverageReport>();
    const days = report.days.filter((d) => d.source === shop.source);
    const total = (pick: (d: (typeof days)[number]) => number) => days.reduce((n, d) => n + pick(d), 0);
    expect({
      shopOrders: total((d) => d.shopOrders),
      conversions: total((d) => d.conversions),
      byWebhook: total((d) => d.stored.byWebhook),
      byReconciliation: total((d) => d.stored.byReconciliation),
      covered: total((d) => d.covered),
      sent: total((d) => d.destinations.ga4.sent + d.destinations.meta.sent),
    }).toEqual({
      shopOrders: 100,
      conversions: 100,
      byWebhook: 90,
      byReconciliation: 10,
      covered: 100,
      sent: 200,
    });
    expect(days.map((d) => d.coverage)).toEqual(days.map(() => 100));
  }, 90_000);
});
