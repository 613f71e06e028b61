import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MAGENTO_SHOP, magentoOrder, signedMagentoRequest } from "../fixtures/magento";
import { META_CUSTOMER, META_EXTERNAL_ID, secondsAgo, sentToMeta, storeOnly } from "../fixtures/meta";
import { SHOP, shopifyOrder } from "../fixtures/shopify";
import { WOO_SHOP, wooDate, wooOrder, wooRequest } from "../fixtures/woocommerce";
import { ledgerOf, shopifyRequest } from "../helpers";

afterEach(() => {
  vi.restoreAllMocks();
});

const UA = "Mozilla/5.0 (X11; Linux x86_64) RelayTest/1.0";

/** A whole second some time ago, as the ISO text a sender writes and the event_time Meta gets. */
function placed(seconds: number) {
  const iso = secondsAgo(seconds);
  return { iso, eventTime: Date.parse(iso) / 1000 };
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
    await storeOnly(await shopifyRequest(order));
    expect(await sentToMeta(`shopify:${SHOP}:purchase:${orderId}`)).toEqual([
      {
        event_name: "Purchase",
        event_time: at.eventTime,
        event_id: orderId,
        action_source: "website",
        event_source_url: "https://relay-test.myshopify.com/",
        user_data: {
          ...META_CUSTOMER,
          external_id: META_EXTERNAL_ID.shopify,
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
    await storeOnly(await shopifyRequest(order));
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
    await storeOnly(await shopifyRequest(order));
    const eventId = `shopify:${SHOP}:purchase:${orderId}`;
    expect(await sentToMeta(eventId)).toEqual([
      {
        event_name: "Purchase",
        event_time: at.eventTime,
        event_id: orderId,
        action_source: "physical_store",
        user_data: {
          ...META_CUSTOMER,
          external_id: META_EXTERNAL_ID.shopify,
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
    await storeOnly(await shopifyRequest(order));
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
    await storeOnly(await wooRequest(body, { source: "https://shop.example/store/" }));
    expect(await sentToMeta(`woocommerce:${WOO_SHOP}:purchase:${orderId}`)).toEqual([
      {
        event_name: "Purchase",
        event_time: at.eventTime,
        event_id: String(orderId),
        action_source: "website",
        event_source_url: "https://shop.example/store/",
        user_data: {
          ...META_CUSTOMER,
          external_id: META_EXTERNAL_ID.woocommerce,
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
    await storeOnly(await wooRequest(order(orderId, createdVia, placed(3600).iso)));
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
    ).then(storeOnly);
    expect(await sentToMeta(`magento:${MAGENTO_SHOP}:purchase:${orderId}`)).toEqual([
      {
        event_name: "Purchase",
        event_time: at.eventTime,
        event_id: orderId,
        action_source: "other",
        user_data: {
          ...META_CUSTOMER,
          external_id: META_EXTERNAL_ID.magento,
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
