import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BIG_ORDER_ID, SHOP, shopifyJson, shopifyOrder, shopifyRefund } from "../../fixtures/shopify";
import {
  countRows,
  expectRefusal,
  fetchWith,
  hmacBase64,
  recordingQueue,
  SHOPIFY_SECRET,
  shopifyRequest,
} from "../../helpers";

let next = 6_000_000_000_000_000_000n;
/** A fresh order id above 2^53 for each test, so tests never see each other's rows. */
const freshId = () => String(next++);

async function storedEvent(id: string) {
  const row = await env.DB.prepare("SELECT * FROM events WHERE id = ?1")
    .bind(id)
    .first<{ order_id: string; enqueue_error: string | null; payload: string }>();
  return row ? { ...row, payload: JSON.parse(row.payload) } : null;
}

describe("POST /webhooks/shopify", () => {
  it("keeps every digit of ids above 2^53", async () => {
    const queue = recordingQueue();
    const request = await shopifyRequest(shopifyOrder({ id: BIG_ORDER_ID }));
    const response = await fetchWith(request, { EVENTS_QUEUE: queue });
    expect(response.status).toBe(200);
    const eventId = `shopify:${SHOP}:purchase:${BIG_ORDER_ID}`;
    expect(await response.json()).toEqual({
      status: "accepted",
      events: [{ id: eventId, status: "accepted" }],
    });
    const row = await storedEvent(eventId);
    expect(row?.order_id).toBe("820982911946154508");
    expect(row?.payload.order.id).toBe("820982911946154508");
    expect(queue.sent).toEqual([{ eventId }]);
  });

  it("stores one event and one message for 20 concurrent deliveries of one order", async () => {
    const id = freshId();
    const queue = recordingQueue();
    const order = shopifyOrder({ id });
    const requests = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        shopifyRequest(order, { topic: i % 2 ? "orders/paid" : "orders/create", webhookId: `wh-${i}` }),
      ),
    );
    const responses = await Promise.all(requests.map((r) => fetchWith(r, { EVENTS_QUEUE: queue })));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    const statuses = await Promise.all(
      responses.map(async (r) => (await r.json<{ status: string }>()).status),
    );
    expect(statuses.filter((s) => s === "accepted")).toHaveLength(1);
    expect(statuses.filter((s) => s === "duplicate")).toHaveLength(19);
    expect(queue.sent).toHaveLength(1);
    expect(await countRows("events", "order_id = ?1", id)).toBe(1);
  });

  it("answers duplicate for a redelivery and for orders/paid after orders/create", async () => {
    const id = freshId();
    const order = shopifyOrder({ id });
    const queue = recordingQueue();
    const first = await fetchWith(await shopifyRequest(order, { webhookId: "same" }), {
      EVENTS_QUEUE: queue,
    });
    const again = await fetchWith(await shopifyRequest(order, { webhookId: "same" }), {
      EVENTS_QUEUE: queue,
    });
    const paid = await fetchWith(await shopifyRequest(order, { topic: "orders/paid" }), {
      EVENTS_QUEUE: queue,
    });
    expect((await first.json<{ status: string }>()).status).toBe("accepted");
    expect((await again.json<{ status: string }>()).status).toBe("duplicate");
    expect((await paid.json<{ status: string }>()).status).toBe("duplicate");
    expect(queue.sent).toHaveLength(1);
  });

  it("answers a duplicate from KV alone once D1 accepted the event", async () => {
    const id = freshId();
    const order = shopifyOrder({ id });
    await fetchWith(await shopifyRequest(order), { EVENTS_QUEUE: recordingQueue() });
    const key = `seen:shopify:${SHOP}:purchase:${id}`;
    expect(await env.DEDUPE_KV.get(key)).toBe("1");
    const failingDb = {
      prepare: () => {
        throw new Error("D1 must not be touched");
      },
      batch: () => {
        throw new Error("D1 must not be touched");
      },
    };
    const response = await fetchWith(await shopifyRequest(order), { DB: failingDb as unknown as D1Database });
    expect((await response.json<{ status: string }>()).status).toBe("duplicate");
  });

  it("still answers 200 with the row stored when the Queue send fails", async () => {
    const id = freshId();
    const response = await fetchWith(await shopifyRequest(shopifyOrder({ id })), {
      EVENTS_QUEUE: recordingQueue(true),
    });
    expect(response.status).toBe(200);
    const row = await storedEvent(`shopify:${SHOP}:purchase:${id}`);
    expect(row?.enqueue_error).toBe("queue unavailable");
  });

  it("answers 503 and writes nothing when D1 fails as well", async () => {
    const id = freshId();
    const queue = recordingQueue(true);
    const brokenDb = {
      prepare: env.DB.prepare.bind(env.DB),
      batch: async () => {
        throw new Error("D1_ERROR: storage unavailable");
      },
    };
    const response = await fetchWith(await shopifyRequest(shopifyOrder({ id })), {
      EVENTS_QUEUE: queue,
      DB: brokenDb as unknown as D1Database,
    });
    expect(response.status).toBe(503);
    expect(await countRows("events", "order_id = ?1", id)).toBe(0);
    expect(await env.DEDUPE_KV.get(`seen:shopify:${SHOP}:purchase:${id}`)).toBeNull();
    expect(queue.sent).toHaveLength(0);
  });

  it("ignores topics it does not use, without storing anything", async () => {
    const id = freshId();
    const response = await fetchWith(await shopifyRequest(shopifyOrder({ id }), { topic: "orders/updated" }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ignored", events: [] });
    expect(await countRows("events", "order_id = ?1", id)).toBe(0);
  });

  it("turns refunds/create into a refund event", async () => {
    const refundId = "929361464001";
    const queue = recordingQueue();
    const response = await fetchWith(
      await shopifyRequest(shopifyRefund({ id: refundId }), { topic: "refunds/create" }),
      {
        EVENTS_QUEUE: queue,
      },
    );
    expect(response.status).toBe(200);
    const row = await storedEvent(`shopify:${SHOP}:refund:${refundId}`);
    expect(row?.payload.refund).toMatchObject({ id: refundId, value: "14.84", full: false });
  });

  it("refunds a cancelled order in full only when its purchase was recorded", async () => {
    const recorded = freshId();
    const never = freshId();
    await fetchWith(await shopifyRequest(shopifyOrder({ id: recorded })), { EVENTS_QUEUE: recordingQueue() });
    const cancel = (id: string) =>
      shopifyRequest(shopifyOrder({ id, cancelledAt: "2026-11-28T12:00:00-05:00" }), {
        topic: "orders/cancelled",
      });
    const withPurchase = await fetchWith(await cancel(recorded), { EVENTS_QUEUE: recordingQueue() });
    const without = await fetchWith(await cancel(never), { EVENTS_QUEUE: recordingQueue() });
    expect((await withPurchase.json<{ status: string }>()).status).toBe("accepted");
    expect(await without.json()).toMatchObject({
      status: "ignored",
      events: [{ status: "not_applicable" }],
    });
    const refund = await storedEvent(`shopify:${SHOP}:refund:cancel-${recorded}`);
    expect(refund?.payload.refund).toEqual({
      id: `cancel-${recorded}`,
      value: "244.33",
      items: [],
      full: true,
    });
    expect(await countRows("events", "order_id = ?1", never)).toBe(0);
  });
});

describe("bad input to /webhooks/shopify", () => {
  // These requests speak for a shop of their own, so the last test can tell they stored nothing.
  const BAD_INPUT_SHOP = "bad-input.myshopify.com";
  const send = (request: Request) => fetchWith(request, { SHOPIFY_SHOP: BAD_INPUT_SHOP });
  const signedRaw = (text: string, headers: Record<string, string> = {}) =>
    shopifyRequest(text, { shop: BAD_INPUT_SHOP, headers });

  const expectRejected = expectRefusal;

  it("malformed JSON → 400", async () => {
    await expectRejected(await send(await signedRaw('{"id": 1,')), 400, /malformed JSON/);
  });

  it("wrong types → 400 naming the field", async () => {
    const order = shopifyOrder({ id: freshId() }) as Record<string, unknown>;
    order.line_items = "not a list";
    await expectRejected(await send(await signedRaw(shopifyJson(order))), 400, /line_items/);
  });

  it("an amount that is not a decimal → 400", async () => {
    const order = shopifyOrder({ id: freshId() }) as Record<string, unknown>;
    order.total_price = "12,50";
    await expectRejected(await send(await signedRaw(shopifyJson(order))), 400, /total_price/);
  });

  it("deep nesting → 400, never a crash", async () => {
    const deep = `${"[".repeat(50_000)}${"]".repeat(50_000)}`;
    await expectRejected(await send(await signedRaw(deep)), 400, /nested too deep/);
  });

  it("a body over the cap with Content-Length → 413", async () => {
    const big = "x".repeat(1024 * 1024 + 1);
    await expectRejected(await send(await signedRaw(big)), 413, /too large/);
  });

  it("a chunked body over the cap without Content-Length → 413, counted while streaming", async () => {
    const chunk = new Uint8Array(64 * 1024).fill(32);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 20) return controller.close();
        sent++;
        controller.enqueue(chunk);
      },
    });
    const request = new Request("https://relay.test/webhooks/shopify", {
      method: "POST",
      body: stream,
      headers: { "x-shopify-hmac-sha256": "irrelevant", "x-shopify-topic": "orders/create" },
    });
    expect(request.headers.get("content-length")).toBeNull();
    await expectRejected(await send(request), 413, /too large/);
    expect(sent).toBeLessThan(20);
  });

  it("invalid UTF-8 → 400", async () => {
    const bytes = new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
    const request = new Request("https://relay.test/webhooks/shopify", {
      method: "POST",
      body: bytes,
      headers: {
        "x-shopify-topic": "orders/create",
        "x-shopify-shop-domain": BAD_INPUT_SHOP,
        "x-shopify-webhook-id": "x",
        "x-shopify-hmac-sha256": await hmacBase64(SHOPIFY_SECRET, bytes),
      },
    });
    await expectRejected(await send(request), 400, /UTF-8/);
  });

  it("a missing topic header on a signed body → 400", async () => {
    const text = shopifyJson(shopifyOrder({ id: freshId() }));
    const request = await signedRaw(text);
    const headers = new Headers(request.headers);
    headers.delete("x-shopify-topic");
    await expectRejected(
      await send(new Request(request.url, { method: "POST", body: text, headers })),
      400,
      /Topic/,
    );
  });

  it("an unknown source → 404, GET → 405", async () => {
    expect(
      (await send(new Request("https://relay.test/webhooks/bigcommerce", { method: "POST" }))).status,
    ).toBe(404);
    expect(
      (await send(new Request("https://relay.test/webhooks/constructor", { method: "POST" }))).status,
    ).toBe(404);
    expect((await send(new Request("https://relay.test/webhooks/shopify"))).status).toBe(405);
  });

  it("none of the bad bodies left a row", async () => {
    expect(await countRows("events", "shop = ?1", BAD_INPUT_SHOP)).toBe(0);
  });
});

describe("replayed old deliveries", () => {
  it("refuses an order older than the retention window instead of counting it again", async () => {
    const id = freshId();
    const old = shopifyOrder({ id, createdAt: new Date(Date.now() - 31 * 86_400_000).toISOString() });
    const response = await fetchWith(await shopifyRequest(old), { EVENTS_QUEUE: recordingQueue() });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ignored", events: [{ status: "too_old" }] });
    expect(await countRows("events", "order_id = ?1", id)).toBe(0);
  });
});
