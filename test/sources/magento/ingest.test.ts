import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  commerceWebhookRequest,
  IO_CLIENT_ID,
  ioEvent,
  ioEventRequest,
  MAGENTO_SHOP,
  magentoCreditMemo,
  magentoOrder,
  rsaSigner,
  secretRequest,
  signedMagentoRequest,
} from "../../fixtures/magento";
import { FIXTURE_PII } from "../../fixtures/shopify";
import { countRows, fetchWith, recordingQueue } from "../../helpers";

const signer = await rsaSigner();
/** A relay receiving Adobe I/O Events, with the signing key pinned instead of fetched from Adobe. */
const ioEvents = (queue = recordingQueue()) => ({
  MAGENTO_AUTH: "io-events",
  MAGENTO_IO_CLIENT_ID: IO_CLIENT_ID,
  MAGENTO_PUBLIC_KEY: signer.pem,
  EVENTS_QUEUE: queue,
});
/** A relay receiving Adobe Commerce webhooks signed with the store's key. */
const commerce = (queue = recordingQueue()) => ({
  MAGENTO_AUTH: "rsa",
  MAGENTO_PUBLIC_KEY: signer.pem,
  EVENTS_QUEUE: queue,
});

let next = 720_000;
const freshId = () => String(next++);

const statusOf = async (response: Response) => (await response.json<{ status: string }>()).status;

async function storedPayload(id: string) {
  const row = await env.DB.prepare("SELECT payload FROM events WHERE id = ?1")
    .bind(id)
    .first<{ payload: string }>();
  return row?.payload;
}

describe("POST /webhooks/magento: Adobe I/O Events", () => {
  it("turns an order saved five times into one purchase: one row, one message", async () => {
    const id = freshId();
    const queue = recordingQueue();
    const save = (state: string) =>
      ioEventRequest(
        JSON.stringify(ioEvent("sales_order_save_after", magentoOrder({ entityId: id, state }))),
        signer,
      );
    expect(await statusOf(await fetchWith(await save("new"), ioEvents(queue)))).toBe("ignored");
    const statuses: string[] = [];
    for (const state of ["processing", "processing", "complete", "complete", "processing"]) {
      statuses.push(await statusOf(await fetchWith(await save(state), ioEvents(queue))));
    }
    expect(statuses).toEqual(["accepted", "duplicate", "duplicate", "duplicate", "duplicate"]);
    expect(queue.sent).toEqual([{ eventId: `magento:${MAGENTO_SHOP}:purchase:${id}` }]);
    expect(await countRows("events", "source = 'magento' AND order_id = ?1", id)).toBe(1);
  });

  it("answers a redelivered x-adobe-event-id as a duplicate and records the delivery id", async () => {
    const id = freshId();
    const text = JSON.stringify(ioEvent("sales_order_save_after", magentoOrder({ entityId: id })));
    const eventId = crypto.randomUUID();
    const first = await fetchWith(await ioEventRequest(text, signer, { eventId }), ioEvents());
    const again = await fetchWith(await ioEventRequest(text, signer, { eventId }), ioEvents());
    expect([await statusOf(first), await statusOf(again)]).toEqual(["accepted", "duplicate"]);
    const row = await env.DB.prepare(
      "SELECT webhook_id, topic FROM events WHERE order_id = ?1 AND source = 'magento'",
    )
      .bind(id)
      .first();
    expect(row).toEqual({ webhook_id: eventId, topic: "com.adobe.commerce.observer.sales_order_save_after" });
  });

  it("turns two credit memos into two refunds", async () => {
    const orderId = freshId();
    const memos = [freshId(), freshId()];
    const queue = recordingQueue();
    for (const memo of memos) {
      const text = JSON.stringify(
        ioEvent("sales_order_creditmemo_save_after", magentoCreditMemo({ entityId: memo, orderId })),
      );
      expect(await statusOf(await fetchWith(await ioEventRequest(text, signer), ioEvents(queue)))).toBe(
        "accepted",
      );
    }
    expect(queue.sent).toEqual(memos.map((m) => ({ eventId: `magento:${MAGENTO_SHOP}:refund:${m}` })));
    expect(
      await countRows("events", "source = 'magento' AND kind = 'refund' AND order_id = ?1", orderId),
    ).toBe(2);
  });

  it("stores no raw personal data", async () => {
    const id = freshId();
    const text = JSON.stringify(ioEvent("sales_order_save_after", magentoOrder({ entityId: id })));
    await fetchWith(await ioEventRequest(text, signer), ioEvents());
    const payload = await storedPayload(`magento:${MAGENTO_SHOP}:purchase:${id}`);
    expect(payload).toBeDefined();
    for (const value of FIXTURE_PII) expect(payload).not.toContain(value);
  });
});

describe("POST /webhooks/magento: Adobe Commerce webhooks", () => {
  it("answers with the success operation", async () => {
    const id = freshId();
    const response = await fetchWith(
      await commerceWebhookRequest(JSON.stringify({ order: magentoOrder({ entityId: id }) }), signer),
      commerce(),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: "accepted",
      op: "success",
      events: [{ id: `magento:${MAGENTO_SHOP}:purchase:${id}`, status: "accepted" }],
    });
  });

  it("lets the checkout go on when the order maps to an event the schema refuses, and stores nothing", async () => {
    const id = freshId();
    const order = magentoOrder({ entityId: id });
    // The Magento schema takes any number; a CommerceEvent item needs a quantity of 0 or more.
    const items = order.items.map((row, i) => (i === 0 ? { ...row, qty_ordered: -2 } : row));
    const text = JSON.stringify({ order: { ...order, items } });
    const response = await fetchWith(await commerceWebhookRequest(text, signer), commerce());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: "ignored",
      reason: "invalid payload",
      op: "success",
      events: [{ id: `magento:${MAGENTO_SHOP}:purchase:${id}`, status: "invalid" }],
    });
    expect(await countRows("events", "order_id = ?1", id)).toBe(0);
  });

  it("still lets the checkout go on when a signed body cannot be used", async () => {
    const text = JSON.stringify({
      eventName: "observer.sales_order_place_after",
      data: { order: { entity_id: "x" } },
    });
    const response = await fetchWith(await commerceWebhookRequest(text, signer), commerce());
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ignored", op: "success" });
  });
});

describe("POST /webhooks/magento: Open Source modules", () => {
  it("the shop is the one the credential is bound to: X-Tagrelay-Shop only picks among them, store_url never", async () => {
    const [a, b, c] = [freshId(), freshId(), freshId()];
    const queue = recordingQueue();
    const twoShops = {
      MAGENTO_URL: "",
      MAGENTO_AUTH: "header",
      MAGENTO_WEBHOOK_SECRET:
        "https://Shop-A.example/=magento-secret-of-shop-a,shop-b.example=magento-secret-of-shop-b",
      EVENTS_QUEUE: queue,
    };
    const order = (entityId: string, extra = {}) =>
      JSON.stringify({ ...extra, order: magentoOrder({ entityId }) });
    const named = await fetchWith(
      secretRequest(order(a), {
        "x-tagrelay-secret": "magento-secret-of-shop-a",
        "x-tagrelay-shop": "SHOP-A.example",
      }),
      twoShops,
    );
    expect(named.status).toBe(200);
    const unnamed = await fetchWith(
      secretRequest(order(b, { store_url: "https://shop-a.example/" }), {
        "x-tagrelay-secret": "magento-secret-of-shop-b",
      }),
      twoShops,
    );
    expect(unnamed.status).toBe(200);
    const otherShop = await fetchWith(
      secretRequest(order(c), {
        "x-tagrelay-secret": "magento-secret-of-shop-a",
        "x-tagrelay-shop": "shop-b.example",
      }),
      twoShops,
    );
    expect(otherShop.status).toBe(401);
    expect(queue.sent).toEqual([
      { eventId: `magento:shop-a.example:purchase:${a}` },
      { eventId: `magento:shop-b.example:purchase:${b}` },
    ]);
    expect(await countRows("events", "order_id = ?1", c)).toBe(0);
  });

  it("a single-shop relay is bound to MAGENTO_URL: another X-Tagrelay-Shop is refused", async () => {
    const id = freshId();
    const queue = recordingQueue();
    const text = JSON.stringify({ order: magentoOrder({ entityId: id }) });
    const forged = await fetchWith(
      await signedMagentoRequest(text, { "x-tagrelay-shop": "victim.example" }),
      {
        EVENTS_QUEUE: queue,
      },
    );
    expect(forged.status).toBe(401);
    const own = await fetchWith(await signedMagentoRequest(text, { "x-tagrelay-shop": MAGENTO_SHOP }), {
      EVENTS_QUEUE: queue,
    });
    expect(own.status).toBe(200);
    expect(queue.sent).toEqual([{ eventId: `magento:${MAGENTO_SHOP}:purchase:${id}` }]);
  });

  it("rejects a body that is not an order with 400, and logs the field", async () => {
    const order = { ...magentoOrder({ entityId: freshId() }), grand_total: "12,50" };
    const before = globalThis.capturedLogLines.length;
    const response = await fetchWith(await signedMagentoRequest(JSON.stringify({ order })));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ status: "rejected", reason: "invalid payload" });
    const line = globalThis.capturedLogLines.slice(before).find((l) => l.includes('"msg":"webhook"'));
    expect(JSON.parse(line ?? "{}")).toMatchObject({
      status: 400,
      detail: "grand_total: not a decimal amount",
    });
  });
});
