import { describe, expect, it } from "vitest";
import { SHOP, shopifyJson, shopifyOrder } from "../fixtures/shopify";
import { WOO_SOURCE, wooOrder, wooRequest } from "../fixtures/woocommerce";
import { countRows, expectRefusal, fetchWith, freshIds, recordingQueue, shopifyRequest } from "../helpers";

/**
 * Only bytes the signature covers, or settings the owner made, decide the shop, the kind and
 * the conversion id. Each attack below replays a body that was really signed, with an unsigned
 * header changed.
 */

const freshId = freshIds(9_700_000_000_000_000_000n);
const now = () => new Date().toISOString();

async function stored(orderId: string): Promise<number> {
  return countRows("events", "order_id = ?1", orderId);
}

describe("Shopify: the shop and the topic come from signed data", () => {
  it("the same signed body with X-Shopify-Shop-Domain changed → 401, no new purchase", async () => {
    const id = freshId();
    const order = shopifyOrder({ id, createdAt: now() });
    const queue = recordingQueue();
    expect((await fetchWith(await shopifyRequest(order), { EVENTS_QUEUE: queue })).status).toBe(200);
    const forged = await shopifyRequest(order, { shop: "victim.myshopify.com" });
    await expectRefusal(await fetchWith(forged, { EVENTS_QUEUE: queue }), 401, /not a shop bound/);
    expect(queue.sent).toEqual([{ eventId: `shopify:${SHOP}:purchase:${id}` }]);
    expect(await countRows("events", "shop = ?1", "victim.myshopify.com")).toBe(0);
  });

  it("an orders/create body relabelled orders/cancelled → 400, the purchase is not reversed", async () => {
    const id = freshId();
    const order = shopifyOrder({ id, createdAt: now() });
    const queue = recordingQueue();
    await fetchWith(await shopifyRequest(order), { EVENTS_QUEUE: queue });
    const forged = await shopifyRequest(order, { topic: "orders/cancelled" });
    await expectRefusal(await fetchWith(forged, { EVENTS_QUEUE: queue }), 400, /no cancelled_at/);
    expect(await countRows("events", "order_id = ?1 AND kind = 'refund'", id)).toBe(0);
    expect(queue.sent).toHaveLength(1);
  });

  it("a truly cancelled order still reverses its purchase", async () => {
    const id = freshId();
    const queue = recordingQueue();
    await fetchWith(await shopifyRequest(shopifyOrder({ id, createdAt: now() })), { EVENTS_QUEUE: queue });
    const cancelled = shopifyOrder({ id, createdAt: now(), cancelledAt: now() });
    const response = await fetchWith(await shopifyRequest(cancelled, { topic: "orders/cancelled" }), {
      EVENTS_QUEUE: queue,
    });
    expect(await response.json()).toMatchObject({
      status: "accepted",
      events: [{ id: `shopify:${SHOP}:refund:cancel-${id}`, status: "accepted" }],
    });
  });

  it("an unpaid order relabelled orders/paid, where only paid orders count → 400, nothing stored", async () => {
    const id = freshId();
    const pending = { ...shopifyOrder({ id, createdAt: now() }), financial_status: "pending" };
    const request = await shopifyRequest(pending, { topic: "orders/paid" });
    const response = await fetchWith(request, { SHOPIFY_PURCHASE_TOPICS: "orders/paid" });
    await expectRefusal(response, 400, /orders\/paid body is not paid/);
    expect(await stored(id)).toBe(0);
  });

  it("an order body relabelled refunds/create → 400, no refund", async () => {
    const id = freshId();
    const request = await shopifyRequest(shopifyOrder({ id, createdAt: now() }), { topic: "refunds/create" });
    await expectRefusal(await fetchWith(request), 400, /order_id/);
    expect(await stored(id)).toBe(0);
  });

  it("several shops: each secret speaks only for its own shop", async () => {
    const env = {
      SHOPIFY_SHOP: "",
      SHOPIFY_WEBHOOK_SECRET:
        "shop-a.myshopify.com=secret-of-shop-a-0123,shop-b.myshopify.com=secret-of-shop-b-0123",
      EVENTS_QUEUE: recordingQueue(),
    };
    const id = freshId();
    const order = shopifyOrder({ id, createdAt: now() });
    const own = await shopifyRequest(order, {
      shop: "shop-a.myshopify.com",
      secret: "secret-of-shop-a-0123",
    });
    expect(await (await fetchWith(own, env)).json()).toMatchObject({
      events: [{ id: `shopify:shop-a.myshopify.com:purchase:${id}`, status: "accepted" }],
    });
    const other = await shopifyRequest(order, {
      shop: "shop-b.myshopify.com",
      secret: "secret-of-shop-a-0123",
    });
    await expectRefusal(await fetchWith(other, env), 401, /not a shop bound/);
    expect(await countRows("events", "shop = ?1 AND order_id = ?2", "shop-b.myshopify.com", id)).toBe(0);
  });

  it("a secret with no shop to speak for leaves Shopify unconfigured: 503, and the log names the setting", async () => {
    const before = globalThis.capturedLogLines.length;
    const response = await fetchWith(await shopifyRequest(shopifyOrder({ id: freshId() })), {
      SHOPIFY_SHOP: "",
    });
    expect(response.status).toBe(503);
    const lines = globalThis.capturedLogLines.slice(before).map((l) => JSON.parse(l));
    expect(lines).toContainEqual({
      level: "error",
      msg: "webhook source not configured",
      source: "shopify",
      fix: "set SHOPIFY_SHOP, or write SHOPIFY_WEBHOOK_SECRET as shop=secret",
    });
  });
});

describe("WooCommerce: the site and the topic come from signed data", () => {
  it("the same signed body with X-WC-Webhook-Source changed → 401, no new purchase", async () => {
    const id = Number(freshId().slice(-9));
    const queue = recordingQueue();
    const forged = await wooRequest(wooOrder({ id }), { source: "https://victim.example/" });
    await expectRefusal(await fetchWith(forged, { EVENTS_QUEUE: queue }), 401, /not a site bound/);
    expect(queue.sent).toEqual([]);
    expect(await countRows("events", "shop = ?1", "victim.example")).toBe(0);
  });

  it("an order.created body replayed as order.deleted → 400, the purchase is not reversed", async () => {
    const id = Number(freshId().slice(-9));
    const queue = recordingQueue();
    const created = wooOrder({ id, status: "processing" });
    await fetchWith(await wooRequest(created, { topic: "order.created" }), { EVENTS_QUEUE: queue });
    const forged = await wooRequest(created, { topic: "order.deleted" });
    await expectRefusal(
      await fetchWith(forged, { EVENTS_QUEUE: queue }),
      400,
      /topic does not match the body/,
    );
    expect(await countRows("events", "order_id = ?1 AND kind = 'refund'", String(id))).toBe(0);
    expect(queue.sent).toEqual([{ eventId: `woocommerce:shop.example:purchase:${id}` }]);
  });

  it("a real order.deleted ({id} and nothing more) still reverses the purchase", async () => {
    const id = Number(freshId().slice(-9));
    const queue = recordingQueue();
    await fetchWith(await wooRequest(wooOrder({ id, status: "processing" })), { EVENTS_QUEUE: queue });
    const deleted = await fetchWith(await wooRequest({ id }, { topic: "order.deleted" }), {
      EVENTS_QUEUE: queue,
    });
    expect(await deleted.json()).toMatchObject({
      status: "accepted",
      events: [{ id: `woocommerce:shop.example:refund:full-${id}`, status: "accepted" }],
    });
  });

  it("X-WC-Webhook-Topic that disagrees with Resource and Event → 400", async () => {
    const request = await wooRequest(wooOrder({ id: 1 }), {
      topic: "order.updated",
      headers: { "x-wc-webhook-event": "deleted" },
    });
    await expectRefusal(await fetchWith(request), 400, /disagrees/);
  });

  it("a secret with no site to speak for: 503 naming WOOCOMMERCE_URL", async () => {
    const before = globalThis.capturedLogLines.length;
    const response = await fetchWith(await wooRequest(wooOrder({ id: 2 })), {
      WOOCOMMERCE_URL: "",
    });
    expect(response.status).toBe(503);
    expect(globalThis.capturedLogLines.slice(before).join("\n")).toContain(
      "set WOOCOMMERCE_URL, or write WOOCOMMERCE_WEBHOOK_SECRET as shop=secret",
    );
    expect(WOO_SOURCE).toBe("https://shop.example/");
  });
});

describe("error replies echo nothing the caller sent", () => {
  const MARKUP = "<script>alert(1)</script>";
  const EMAIL = "leak.me@example.com";

  const shopifyRaw = (text: string, headers: Record<string, string> = {}) =>
    shopifyRequest(text, { headers });

  it.each([
    [
      "an unused topic with markup",
      async () => shopifyRaw("{}", { "x-shopify-topic": `orders/create${MARKUP}` }),
    ],
    [
      "a shop domain with markup",
      async () => shopifyRaw("{}", { "x-shopify-shop-domain": `x${MARKUP}.myshopify.com` }),
    ],
    ["malformed JSON around an e-mail", async () => shopifyRaw(`{"email":"${EMAIL}","note":${MARKUP}}`)],
    [
      "a field of the wrong type holding markup",
      async () => shopifyRaw(shopifyJson({ ...shopifyOrder({ id: freshId() }), currency: MARKUP })),
    ],
    ["a WooCommerce topic with markup", async () => wooRequest({ id: 3 }, { topic: `product.${MARKUP}` })],
  ])("%s", async (_, request) => {
    const response = await fetchWith(await request());
    expect(response.status).toBeLessThan(500);
    const text = await response.text();
    expect(text).not.toContain("<script");
    expect(text).not.toContain("alert");
    expect(text).not.toContain(EMAIL);
    // Not even a fragment: V8's JSON.parse messages quote a few characters around the error.
    expect(text).not.toMatch(/email|leak/);
    expect(globalThis.capturedLogLines.at(-1)).not.toContain(EMAIL);
  });
});
