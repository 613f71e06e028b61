import { createMessageBatch, env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { mockDestinations } from "../fixtures/destinations";
import { MAGENTO_SHOP, magentoOrder, recentMagentoTime, signedMagentoRequest } from "../fixtures/magento";
import { SHOP, shopifyOrder } from "../fixtures/shopify";
import { WOO_SHOP, wooOrder, wooRequest } from "../fixtures/woocommerce";
import microsoftMagento from "../golden/microsoft/magento-purchase.json";
import microsoftShopify from "../golden/microsoft/shopify-purchase.json";
import microsoftWoo from "../golden/microsoft/woocommerce-purchase.json";
import redditMagento from "../golden/reddit/magento-purchase.json";
import redditShopify from "../golden/reddit/shopify-purchase.json";
import redditWoo from "../golden/reddit/woocommerce-purchase.json";
import snapchatMagento from "../golden/snapchat/magento-purchase.json";
import snapchatShopify from "../golden/snapchat/shopify-purchase.json";
import snapchatWoo from "../golden/snapchat/woocommerce-purchase.json";
import { fetchWith, ledgerOf, recordingQueue, shopifyRequest } from "../helpers";

/** The three destinations on, pointed at their fakes (vitest.config.mts enables only GA4 and Meta). */
const ON = {
  SNAPCHAT_PIXEL_ID: "snap-pixel-1",
  SNAPCHAT_ACCESS_TOKEN: "snap-test-access-token",
  SNAPCHAT_ENDPOINT: "https://snapchat.test",
  REDDIT_PIXEL_ID: "a2_pixel1",
  REDDIT_ACCESS_TOKEN: "reddit-test-access-token",
  REDDIT_ENDPOINT: "https://reddit.test",
  MICROSOFT_UET_TAG_ID: "187000000",
  MICROSOFT_UET_ACCESS_TOKEN: "uet-test-access-token",
  MICROSOFT_UET_ENDPOINT: "https://microsoft.test",
};

afterEach(() => {
  vi.restoreAllMocks();
});

/** Stores a webhook's order without queueing it; the test then runs the consumer with ON. */
async function store(request: Request) {
  const response = await fetchWith(request, { EVENTS_QUEUE: recordingQueue() });
  expect(response.status).toBe(200);
}

async function consume(eventIds: string[], attempts = 1) {
  const batch = createMessageBatch(
    "tagrelay-events",
    eventIds.map((eventId, i) => ({ id: `msg-${i}`, timestamp: new Date(), attempts, body: { eventId } })),
  );
  await worker.queue(batch, { ...env, ...ON });
}

/** The event as golden files hold it: time fields vary with the clock, so they are checked apart. */
function timeless(event: Record<string, unknown>) {
  const { event_time, event_at, eventTime, ...rest } = event;
  for (const t of [event_time, event_at, eventTime].filter((v) => v !== undefined)) {
    expect(typeof t).toBe("number");
  }
  return rest;
}

const shopifyId = "6100000000000000001";
const wooId = 6101;
const magentoId = "6100001";

describe("Snapchat, Reddit and Microsoft end to end: signed webhook → Queue → consumer → platform", () => {
  it.each([
    [
      "shopify",
      async () =>
        shopifyRequest(
          shopifyOrder({ id: shopifyId, createdAt: new Date(Date.now() - 3_600_000).toISOString() }),
        ),
      `shopify:${SHOP}:purchase:${shopifyId}`,
      [snapchatShopify, redditShopify, microsoftShopify],
    ],
    [
      "woocommerce",
      async () => wooRequest(wooOrder({ id: wooId })),
      `woocommerce:${WOO_SHOP}:purchase:${wooId}`,
      [snapchatWoo, redditWoo, microsoftWoo],
    ],
    [
      "magento",
      async () =>
        signedMagentoRequest(
          JSON.stringify({ order: magentoOrder({ entityId: magentoId, createdAt: recentMagentoTime() }) }),
        ),
      `magento:${MAGENTO_SHOP}:purchase:${magentoId}`,
      [snapchatMagento, redditMagento, microsoftMagento],
    ],
  ] as const)("sends the golden %s purchase to each", async (_source, request, eventId, [snap, red, uet]) => {
    await store(await request());
    const { hits } = mockDestinations();
    await consume([eventId]);
    expect(hits.snapchat).toHaveLength(1);
    expect(hits.reddit).toHaveLength(1);
    expect(hits.microsoft).toHaveLength(1);
    const snapBody = hits.snapchat[0].body as { data: Record<string, unknown>[] };
    const redditBody = hits.reddit[0].body as { data: { events: Record<string, unknown>[] } };
    const uetBody = hits.microsoft[0].body as { data: Record<string, unknown>[] };
    expect(snapBody.data.map(timeless)).toEqual([snap]);
    expect(redditBody.data.events.map(timeless)).toEqual([red]);
    expect(uetBody.data.map(timeless)).toEqual([uet]);
    expect(await ledgerOf(eventId)).toEqual([
      { destination: "ga4", status: "sent" },
      { destination: "meta", status: "sent" },
      { destination: "microsoft", status: "sent" },
      { destination: "reddit", status: "sent" },
      { destination: "snapchat", status: "sent" },
    ]);
  });

  it("retries a 500 at Snapchat without sending GA4, Meta, Reddit or Microsoft again", async () => {
    const id = "6100000000000000002";
    const eventId = `shopify:${SHOP}:purchase:${id}`;
    await store(
      await shopifyRequest(shopifyOrder({ id, createdAt: new Date(Date.now() - 3_600_000).toISOString() })),
    );
    let calls = 0;
    const { hits, ga4, meta } = mockDestinations({
      snapchat: () => (++calls === 1 ? new Response("down", { status: 500 }) : undefined),
    });
    await consume([eventId]);
    expect(await ledgerOf(eventId)).toEqual([
      { destination: "ga4", status: "sent" },
      { destination: "meta", status: "sent" },
      { destination: "microsoft", status: "sent" },
      { destination: "reddit", status: "sent" },
      { destination: "snapchat", status: "retrying" },
    ]);
    await consume([eventId], 2);
    expect(hits.snapchat).toHaveLength(2);
    expect(ga4).toHaveLength(1);
    expect(meta).toHaveLength(1);
    expect(hits.reddit).toHaveLength(1);
    expect(hits.microsoft).toHaveLength(1);
    expect((await ledgerOf(eventId)).find((row) => row.destination === "snapchat")).toEqual({
      destination: "snapchat",
      status: "sent",
    });
  });
});

describe("/health for the three", () => {
  it("says each is disabled and names the settings it misses", async () => {
    const body = await (await fetchWith(new Request("https://relay.test/health"))).json<{
      destinations: Record<string, unknown>;
    }>();
    expect(body.destinations).toMatchObject({
      snapchat: { enabled: false, missing: ["SNAPCHAT_PIXEL_ID", "SNAPCHAT_ACCESS_TOKEN"] },
      reddit: { enabled: false, missing: ["REDDIT_PIXEL_ID", "REDDIT_ACCESS_TOKEN"] },
      microsoft: { enabled: false, missing: ["MICROSOFT_UET_TAG_ID", "MICROSOFT_UET_ACCESS_TOKEN"] },
    });
  });

  it("says each is enabled, and never a token", async () => {
    const text = await (await fetchWith(new Request("https://relay.test/health"), ON)).text();
    expect(JSON.parse(text).destinations).toMatchObject({
      snapchat: { enabled: true },
      reddit: { enabled: true },
      microsoft: { enabled: true },
    });
    for (const token of ["snap-test-access-token", "reddit-test-access-token", "uet-test-access-token"]) {
      expect(text).not.toContain(token);
    }
  });
});
