import { createMessageBatch, env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { mockDestinations } from "../fixtures/destinations";
import { MAGENTO_SHOP, magentoOrder, signedMagentoRequest } from "../fixtures/magento";
import { SHOP, shopifyOrder } from "../fixtures/shopify";
import { WOO_SHOP, wooDate, wooOrder, wooRequest } from "../fixtures/woocommerce";
import { fetchWith, ledgerOf, recordingQueue, shopifyRequest } from "../helpers";

afterEach(() => {
  vi.restoreAllMocks();
});

/**
 * SHA-256 of the fixtures' customer as Meta normalizes it ("john.doe@example.com", "14155550123",
 * "jöhn", "doesmith", "sanfrancisco", "ca", "94103", "us"), from Python's hashlib.
 */
const HASHED = {
  em: ["836f82db99121b3481011f16b49dfa5fbc714a0d1b1b9f784a1ebbbf5b39577f"],
  ph: ["413ba75461ab5f99d36820e561ea97e2bd80f9cb586f7ecea6cf4c496518950a"],
  fn: ["d099e941c8648801789318e0c87111759678219e0be85b82237a4c4ace2c0d64"],
  ln: ["e27b2635677ae002d1d12d1db35822ef5bf986370daa79a53b2000ece939f7f3"],
  ct: ["1a6bd4d9d79dc0a79b53795c70d3349fa9e38968a3fbefbfe8783efb1d2b6aac"],
  st: ["6959097001d10501ac7d54c0bdb8db61420f658f2922cc26e46d536119a31126"],
  zp: ["91dc2519ea98c5002cf2091e6a12b772eafdce9dca618e626d7d3b8275361789"],
  country: ["79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621"],
};
/** SHA-256 of the customer ids: Shopify's 7010791669123456789, WooCommerce's 17, Magento's 42. */
const EXTERNAL_ID = {
  shopify: ["fb2133a4afa3daa0476146cb2aa44d849507baf0d8e3b0af6db32f02728a0564"],
  woocommerce: ["4523540f1504cd17100c4835e85b7eefd49911580f8efff0599a8f283be6b9e3"],
  magento: ["73475cb40a568e8da8a045ced110137e159f890ac4da883b6b17dc651b3a8049"],
};
const UA = "Mozilla/5.0 (X11; Linux x86_64) RelayTest/1.0";

/** A whole second some time ago, as the ISO text a sender writes and the event_time Meta gets. */
function placed(secondsAgo: number) {
  const seconds = Math.floor(Date.now() / 1000) - secondsAgo;
  return { iso: new Date(seconds * 1000).toISOString(), eventTime: seconds };
}

/** Stores a webhook's events without running the consumer. */
async function ingest(request: Request) {
  const response = await fetchWith(request, { EVENTS_QUEUE: recordingQueue() });
  expect(response.status).toBe(200);
}

/** Runs the Queue consumer on one stored event and returns what Meta received (none when nothing was sent). */
async function sentToMeta(eventId: string) {
  const { meta } = mockDestinations();
  const batch = createMessageBatch("tagrelay-events", [
    { id: eventId, timestamp: new Date(), attempts: 1, body: { eventId } },
  ]);
  await worker.queue(batch, env);
  return meta.flatMap((hit) => hit.body.data);
}

const SHOPIFY_CUSTOM_DATA = (orderId: string) => ({
  value: 244.33,
  currency: "USD",
  content_ids: ["IPOD-8GB-GREEN", "CASE-BLK"],
  contents: [
    { id: "IPOD-8GB-GREEN", quantity: 1, item_price: 190.98 },
    { id: "CASE-BLK", quantity: 2, item_price: 14 },
  ],
  content_type: "product",
  order_id: orderId,
  num_items: 3,
});

describe("Meta action_source from Shopify's source_name", () => {
  it("a web order without landing_site is a website event on the shop's own domain", async () => {
    const orderId = "9710000000000000001";
    const at = placed(3600);
    const order = { ...shopifyOrder({ id: orderId, createdAt: at.iso }), landing_site: null };
    await ingest(await shopifyRequest(order));
    expect(await sentToMeta(`shopify:${SHOP}:purchase:${orderId}`)).toEqual([
      {
        event_name: "Purchase",
        event_time: at.eventTime,
        event_id: orderId,
        action_source: "website",
        event_source_url: "https://relay-test.myshopify.com/",
        user_data: {
          ...HASHED,
          external_id: EXTERNAL_ID.shopify,
          client_ip_address: "203.0.113.7",
          client_user_agent: UA,
          fbp: "fb.1.1700000000000.1111111111",
        },
        custom_data: SHOPIFY_CUSTOM_DATA(orderId),
      },
    ]);
  });

  it("a draft order is other, with no page: staff entered it, tagrelay cannot say how it was sold", async () => {
    const orderId = "9710000000000000002";
    const at = placed(3600);
    const order = shopifyOrder({ id: orderId, createdAt: at.iso, sourceName: "shopify_draft_order" });
    await ingest(await shopifyRequest(order));
    const [event] = await sentToMeta(`shopify:${SHOP}:purchase:${orderId}`);
    expect(event).toMatchObject({ event_id: orderId, action_source: "other" });
    expect(event).not.toHaveProperty("event_source_url");
  });

  it("a point-of-sale order is physical_store, which Meta takes for 62 days: sent at 20 days old", async () => {
    const orderId = "9710000000000000003";
    const at = placed(20 * 86_400);
    const order = {
      ...shopifyOrder({ id: orderId, createdAt: at.iso, sourceName: "pos" }),
      landing_site: null,
    };
    await ingest(await shopifyRequest(order));
    const eventId = `shopify:${SHOP}:purchase:${orderId}`;
    expect(await sentToMeta(eventId)).toEqual([
      {
        event_name: "Purchase",
        event_time: at.eventTime,
        event_id: orderId,
        action_source: "physical_store",
        user_data: {
          ...HASHED,
          external_id: EXTERNAL_ID.shopify,
          client_ip_address: "203.0.113.7",
          client_user_agent: UA,
          fbp: "fb.1.1700000000000.1111111111",
        },
        custom_data: SHOPIFY_CUSTOM_DATA(orderId),
      },
    ]);
    expect(await ledgerOf(eventId)).toContainEqual({ destination: "meta", status: "sent" });
  });

  it("a web order of the same age is past Meta's 7 days: expired, not sent", async () => {
    const orderId = "9710000000000000004";
    const order = shopifyOrder({ id: orderId, createdAt: placed(20 * 86_400).iso });
    await ingest(await shopifyRequest(order));
    const eventId = `shopify:${SHOP}:purchase:${orderId}`;
    expect(await sentToMeta(eventId)).toEqual([]);
    expect(await ledgerOf(eventId, "status", "reason")).toContainEqual({
      destination: "meta",
      status: "expired",
      reason: "event_time is more than 7 days old",
    });
  });
});

describe("Meta action_source from WooCommerce's created_via", () => {
  const order = (id: number, createdVia: string, at: string) => ({
    ...wooOrder({ id, createdAt: wooDate(new Date(at)), paidAt: wooDate(new Date(at)) }),
    created_via: createdVia,
  });

  it("a checkout order without a landing page is a website event on the site X-WC-Webhook-Source names", async () => {
    const orderId = 97101;
    const at = placed(3600);
    const body = order(orderId, "checkout", at.iso);
    body.meta_data = body.meta_data.filter((m) => m.key !== "_wc_order_attribution_session_entry");
    // WordPress in a folder: its home URL, as WooCommerce sends it, is the shop's page.
    await ingest(await wooRequest(body, { source: "https://shop.example/store/" }));
    expect(await sentToMeta(`woocommerce:${WOO_SHOP}:purchase:${orderId}`)).toEqual([
      {
        event_name: "Purchase",
        event_time: at.eventTime,
        event_id: String(orderId),
        action_source: "website",
        event_source_url: "https://shop.example/store/",
        user_data: {
          ...HASHED,
          external_id: EXTERNAL_ID.woocommerce,
          client_ip_address: "203.0.113.9",
          client_user_agent: UA,
          fbp: "fb.1.1700000000000.1111111111",
          fbc: "fb.1.1700000000000.IwAR0abc",
        },
        custom_data: {
          value: 48.89,
          currency: "USD",
          content_ids: ["MUG-BLUE", "TEE-M", "STICKER"],
          contents: [
            { id: "MUG-BLUE", quantity: 2, item_price: 10.8 },
            { id: "TEE-M", quantity: 1, item_price: 18 },
            { id: "STICKER", quantity: 3, item_price: 0.1 },
          ],
          content_type: "product",
          order_id: String(orderId),
          num_items: 6,
        },
      },
    ]);
  });

  it.each([
    ["admin", 97102, "other"],
    ["pos-rest-api", 97103, "physical_store"],
    ["subscription", 97104, "system_generated"],
    ["rest-api", 97105, "other"],
  ])("created_via %s → %s", async (createdVia, orderId, actionSource) => {
    await ingest(await wooRequest(order(orderId, createdVia, placed(3600).iso)));
    const [event] = await sentToMeta(`woocommerce:${WOO_SHOP}:purchase:${orderId}`);
    expect(event.action_source).toBe(actionSource);
    // The landing page is where a browser was: only a website event names a page.
    expect(event).not.toHaveProperty("event_source_url");
  });
});

describe("Meta action_source for Magento", () => {
  it("a storefront order (it has a remote IP) carries no user agent, so it cannot be a website event: other", async () => {
    const orderId = "97201";
    const at = placed(3600);
    const createdAt = at.iso.replace("T", " ").slice(0, 19);
    await signedMagentoRequest(
      JSON.stringify({ order: magentoOrder({ entityId: orderId, createdAt }) }),
    ).then(ingest);
    expect(await sentToMeta(`magento:${MAGENTO_SHOP}:purchase:${orderId}`)).toEqual([
      {
        event_name: "Purchase",
        event_time: at.eventTime,
        event_id: orderId,
        action_source: "other",
        user_data: {
          ...HASHED,
          external_id: EXTERNAL_ID.magento,
          client_ip_address: "203.0.113.7",
        },
        custom_data: {
          value: 171.33,
          currency: "EUR",
          content_ids: ["WS12-M-Orange", "MH01-S-Gray", "24-WG080-24-WG084"],
          contents: [
            { id: "WS12-M-Orange", quantity: 2, item_price: 19.8 },
            { id: "MH01-S-Gray", quantity: 1, item_price: 52 },
            { id: "24-WG080-24-WG084", quantity: 1, item_price: 61.2 },
          ],
          content_type: "product",
          order_id: orderId,
          num_items: 4,
        },
      },
    ]);
    // The store MAGENTO_URL names is the event's site, for a destination that needs one.
    const row = await env.DB.prepare("SELECT payload FROM events WHERE id = ?1")
      .bind(`magento:${MAGENTO_SHOP}:purchase:${orderId}`)
      .first<{ payload: string }>();
    expect(JSON.parse(row?.payload ?? "{}").shopUrl).toBe("https://magento.example/");
  });
});
