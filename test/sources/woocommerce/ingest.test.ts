import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { FIXTURE_PII } from "../../fixtures/shopify";
import { phpJson, WOO_SECRET, WOO_SHOP, wooOrder, wooRequest } from "../../fixtures/woocommerce";
import { countRows, expectRefusal, fetchWith, hmacBase64, recordingQueue } from "../../helpers";

let next = 5000;
/** A fresh order id for each test, so tests never see each other's rows. */
const freshId = () => next++ * 10;

type Answer = { status: string; events: Array<{ id: string; status: string }> };

async function deliver(body: unknown, queue = recordingQueue(), topic = "order.updated") {
  const response = await fetchWith(await wooRequest(body, { topic }), { EVENTS_QUEUE: queue });
  expect(response.status).toBe(200);
  return response.json<Answer>();
}

async function storedEvent(id: string) {
  const row = await env.DB.prepare("SELECT * FROM events WHERE id = ?1")
    .bind(id)
    .first<{ topic: string; webhook_id: string; enqueue_error: string | null; payload: string }>();
  return row ? { ...row, payload: JSON.parse(row.payload) } : null;
}

const purchaseId = (id: number) => `woocommerce:${WOO_SHOP}:purchase:${id}`;
const refundId = (id: number | string) => `woocommerce:${WOO_SHOP}:refund:${id}`;

describe("POST /webhooks/woocommerce", () => {
  it("pending → processing → completed over three order.updated deliveries: exactly one purchase", async () => {
    const id = freshId();
    const queue = recordingQueue();
    const pending = await deliver(wooOrder({ id, status: "pending" }), queue, "order.created");
    const processing = await deliver(wooOrder({ id, status: "processing" }), queue);
    const completed = await deliver(wooOrder({ id, status: "completed" }), queue);
    expect(pending).toMatchObject({ status: "ignored", events: [] });
    expect(processing).toEqual({ status: "accepted", events: [{ id: purchaseId(id), status: "accepted" }] });
    expect(completed).toEqual({ status: "duplicate", events: [{ id: purchaseId(id), status: "duplicate" }] });
    expect(await countRows("events", "order_id = ?1", String(id))).toBe(1);
    expect(queue.sent).toEqual([{ eventId: purchaseId(id) }]);
  });

  it("two refunds → two refund events; everything delivered again → nothing new", async () => {
    const id = freshId();
    const queue = recordingQueue();
    const refunds = [
      { id: id + 1, total: "-10.00" },
      { id: id + 2, total: "-5.50" },
    ];
    const deliveries = [
      wooOrder({ id, status: "processing" }),
      wooOrder({ id, status: "completed", refunds: refunds.slice(0, 1) }),
      wooOrder({ id, status: "completed", refunds }),
    ];
    const first = [];
    for (const body of deliveries) first.push(await deliver(body, queue));
    expect(first.map((a) => a.events.filter((e) => e.status === "accepted").map((e) => e.id))).toEqual([
      [purchaseId(id)],
      [refundId(id + 1)],
      [refundId(id + 2)],
    ]);
    for (const body of deliveries) {
      const again = await deliver(body, queue);
      expect(again.status).toBe("duplicate");
      expect(again.events.every((e) => e.status === "duplicate")).toBe(true);
    }
    expect(await countRows("events", "order_id = ?1", String(id))).toBe(3);
    expect(queue.sent).toHaveLength(3);
    const refund = await storedEvent(refundId(id + 2));
    expect(refund?.payload.refund).toEqual({ id: String(id + 2), value: "5.50", items: [], full: false });
  });

  it("a purchase and its refund can arrive in one delivery", async () => {
    const id = freshId();
    const answer = await deliver(
      wooOrder({ id, status: "completed", refunds: [{ id: id + 1, total: "-1.00" }] }),
    );
    expect(answer).toEqual({
      status: "accepted",
      events: [
        { id: purchaseId(id), status: "accepted" },
        { id: refundId(id + 1), status: "accepted" },
      ],
    });
  });

  it("cancelled after a purchase → one full refund, once", async () => {
    const id = freshId();
    await deliver(wooOrder({ id, status: "processing" }));
    const queue = recordingQueue();
    const cancelled = await deliver(wooOrder({ id, status: "cancelled" }), queue);
    const again = await deliver(wooOrder({ id, status: "cancelled" }), queue);
    expect(cancelled).toEqual({
      status: "accepted",
      events: [{ id: refundId(`full-${id}`), status: "accepted" }],
    });
    expect(again.status).toBe("duplicate");
    expect(queue.sent).toEqual([{ eventId: refundId(`full-${id}`) }]);
    const refund = await storedEvent(refundId(`full-${id}`));
    expect(refund?.payload.refund).toEqual({ id: `full-${id}`, value: "48.89", items: [], full: true });
  });

  it("cancelled without a recorded purchase → nothing", async () => {
    const id = freshId();
    const queue = recordingQueue();
    await deliver(wooOrder({ id, status: "pending" }), queue, "order.created");
    const cancelled = await deliver(wooOrder({ id, status: "cancelled" }), queue);
    expect(cancelled).toEqual({
      status: "ignored",
      events: [{ id: refundId(`full-${id}`), status: "not_applicable" }],
    });
    expect(await countRows("events", "order_id = ?1", String(id))).toBe(0);
    expect(queue.sent).toHaveLength(0);
  });

  it("a full refund entry then the refunded status: the money is counted once", async () => {
    const id = freshId();
    await deliver(wooOrder({ id, status: "processing" }));
    const refunded = await deliver(
      wooOrder({ id, status: "refunded", refunds: [{ id: id + 1, total: "-48.89" }] }),
    );
    expect(refunded.events).toEqual([{ id: refundId(id + 1), status: "accepted" }]);
    expect(await countRows("events", "order_id = ?1 AND kind = 'refund'", String(id))).toBe(1);
  });

  it("order.deleted of an order never recorded → 200 ignored, nothing stored", async () => {
    const id = freshId();
    const answer = await deliver({ id }, recordingQueue(), "order.deleted");
    expect(answer).toMatchObject({ status: "ignored", events: [{ status: "not_applicable" }] });
    expect(await countRows("events", "order_id = ?1", String(id))).toBe(0);
  });

  it("order.deleted after a purchase and a partial refund → a refund of the rest, once", async () => {
    const id = freshId();
    await deliver(wooOrder({ id, status: "processing", refunds: [{ id: id + 1, total: "-8.89" }] }));
    const queue = recordingQueue();
    const deleted = await deliver({ id }, queue, "order.deleted");
    expect(deleted).toEqual({
      status: "accepted",
      events: [{ id: refundId(`full-${id}`), status: "accepted" }],
    });
    const refund = await storedEvent(refundId(`full-${id}`));
    expect(refund?.payload.refund).toEqual({ id: `full-${id}`, value: "40.00", items: [], full: false });
    expect(refund?.payload.order.id).toBe(String(id));
    const again = await deliver({ id }, queue, "order.deleted");
    expect(again.status).not.toBe("accepted");
    expect(queue.sent).toEqual([{ eventId: refundId(`full-${id}`) }]);
  });

  it("order.deleted after the order was trashed (already reversed) → nothing new", async () => {
    const id = freshId();
    await deliver(wooOrder({ id, status: "processing" }));
    await deliver(wooOrder({ id, status: "trash" }));
    const queue = recordingQueue();
    const deleted = await deliver({ id }, queue, "order.deleted");
    expect(deleted.status).not.toBe("accepted");
    expect(queue.sent).toHaveLength(0);
  });

  it("order.deleted with a body that is not {id} → 400", async () => {
    const request = await wooRequest({ nope: true }, { topic: "order.deleted" });
    const response = await fetchWith(request, { EVENTS_QUEUE: recordingQueue() });
    await expectRefusal(response, 400, /topic does not match the body/);
  });

  it("stores hashed identity only, logs the delivery id, never the customer", async () => {
    const id = freshId();
    const request = await wooRequest(wooOrder({ id }), { deliveryId: "d3f1c0ffee" });
    const response = await fetchWith(request, { EVENTS_QUEUE: recordingQueue() });
    expect(response.status).toBe(200);
    const row = await storedEvent(purchaseId(id));
    expect(row).toMatchObject({ topic: "order.updated", webhook_id: "d3f1c0ffee" });
    const stored = JSON.stringify(row?.payload).toLowerCase();
    for (const raw of [...FIXTURE_PII, "jöhn", "221b", "leave at the door"]) {
      expect(stored).not.toContain(raw.toLowerCase());
    }
    const line = globalThis.capturedLogLines.find((l) => l.includes(purchaseId(id)));
    expect(line).toContain("d3f1c0ffee");
  });

  it("the shop is the Source's host, whatever its case, port or path", async () => {
    const id = freshId();
    const request = await wooRequest(wooOrder({ id }), { source: "https://Shop2.Example:8443/store/" });
    const response = await fetchWith(request, {
      WOOCOMMERCE_URL: "https://shop2.example",
      EVENTS_QUEUE: recordingQueue(),
    });
    expect(await response.json()).toMatchObject({
      events: [{ id: `woocommerce:shop2.example:purchase:${id}` }],
    });
  });

  it("still answers 200 with the row stored when the Queue send fails", async () => {
    const id = freshId();
    const response = await fetchWith(await wooRequest(wooOrder({ id })), {
      EVENTS_QUEUE: recordingQueue(true),
    });
    expect(response.status).toBe(200);
    expect((await storedEvent(purchaseId(id)))?.enqueue_error).toBe("queue unavailable");
  });
});

describe("bad input to /webhooks/woocommerce", () => {
  const BAD_SOURCE = "https://bad-input.example/";

  // These requests speak for a site of their own, so the last test can tell they stored nothing.
  const send = (request: Request) => fetchWith(request, { WOOCOMMERCE_URL: BAD_SOURCE });
  const expectRejected = async (request: Request, status: number, why: RegExp) =>
    expectRefusal(await send(request), status, why);

  it("malformed JSON → 400", async () => {
    await expectRejected(await wooRequest('{"id": 1,', { source: BAD_SOURCE }), 400, /malformed JSON/);
  });

  it("wrong types → 400 naming the field", async () => {
    const order: Record<string, unknown> = wooOrder({ id: freshId() });
    order.line_items = "not a list";
    await expectRejected(await wooRequest(order, { source: BAD_SOURCE }), 400, /line_items/);
  });

  it("an amount that is not a decimal → 400", async () => {
    const order: Record<string, unknown> = wooOrder({ id: freshId() });
    order.total = "12,50";
    await expectRejected(await wooRequest(order, { source: BAD_SOURCE }), 400, /total/);
  });

  it("an order that is not an object → 400", async () => {
    await expectRejected(await wooRequest(phpJson([1, 2]), { source: BAD_SOURCE }), 400, /invalid payload/);
  });

  it("invalid UTF-8 → 400", async () => {
    const request = await wooRequest("{}", { source: BAD_SOURCE });
    const bytes = new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
    const headers = new Headers(request.headers);
    headers.set("x-wc-webhook-signature", await hmacBase64(WOO_SECRET, bytes));
    await expectRejected(new Request(request.url, { method: "POST", body: bytes, headers }), 400, /UTF-8/);
  });

  it.each(["product.updated", "customer.created", "coupon.deleted", "action.woocommerce_add_to_cart"])(
    "topic %s → 200 ignored",
    async (topic) => {
      const response = await send(
        await wooRequest({ id: 1, name: "anything" }, { topic, source: BAD_SOURCE }),
      );
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ status: "ignored", events: [] });
    },
  );

  it("a missing X-WC-Webhook-Source on a signed order → 400", async () => {
    await expectRejected(await wooRequest(wooOrder({ id: freshId() }), { source: null }), 400, /Source/);
  });

  it.each(["not a url", "ftp://shop.example/", ""])("an X-WC-Webhook-Source of %j → 400", async (source) => {
    await expectRejected(await wooRequest(wooOrder({ id: freshId() }), { source }), 400, /Source/);
  });

  it("no topic header: Resource and Event name it; neither → 400", async () => {
    const withoutTopic = async (headers: Record<string, string>) => {
      const request = await wooRequest(wooOrder({ id: freshId(), status: "pending" }), {
        source: BAD_SOURCE,
      });
      const copy = new Headers(request.headers);
      copy.delete("x-wc-webhook-topic");
      for (const [name, value] of Object.entries(headers)) copy.set(name, value);
      return new Request(request.url, { method: "POST", body: await request.text(), headers: copy });
    };
    const named = await send(await withoutTopic({}));
    expect(await named.json()).toMatchObject({ status: "ignored", reason: "no conversion in this webhook" });
    const request = await withoutTopic({});
    const headers = new Headers(request.headers);
    headers.delete("x-wc-webhook-resource");
    await expectRejected(
      new Request(request.url, { method: "POST", body: await request.text(), headers }),
      400,
      /Topic/,
    );
  });

  it("none of the bad bodies left a row", async () => {
    expect(await countRows("events", "shop = ?1", "bad-input.example")).toBe(0);
  });
});

describe("a refund after a full reversal", () => {
  it("cancelled, then refunded through the gateway: the money is counted once", async () => {
    const id = freshId();
    await deliver(wooOrder({ id, status: "processing" }));
    const queue = recordingQueue();
    await deliver(wooOrder({ id, status: "cancelled" }), queue);
    const refunded = await deliver(
      wooOrder({ id, status: "cancelled", refunds: [{ id: id * 10 + 1, total: "-48.89" }] }),
      queue,
    );
    expect(refunded).toMatchObject({ status: "ignored", events: [{ status: "not_applicable" }] });
    expect(queue.sent).toEqual([{ eventId: refundId(`full-${id}`) }]);
  });
});
