import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  commerceWebhookRequest,
  ioEvent,
  ioEventRequest,
  MAGENTO_SECRET,
  magentoCreditMemo,
  magentoOrder,
  rsaSigner,
  secretRequest,
} from "./fixtures/magento";
import { FIXTURE_PII } from "./fixtures/shopify";
import { countRows, fetchWith, recordingQueue } from "./helpers";

const signer = await rsaSigner();
const withKey = (queue = recordingQueue()) =>
  ({ MAGENTO_PUBLIC_KEY: signer.pem, EVENTS_QUEUE: queue }) as Partial<Env>;

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
    expect(await statusOf(await fetchWith(await save("new"), withKey(queue)))).toBe("ignored");
    const statuses: string[] = [];
    for (const state of ["processing", "processing", "complete", "complete", "processing"]) {
      statuses.push(await statusOf(await fetchWith(await save(state), withKey(queue))));
    }
    expect(statuses).toEqual(["accepted", "duplicate", "duplicate", "duplicate", "duplicate"]);
    expect(queue.sent).toEqual([{ eventId: `magento:magento:purchase:${id}` }]);
    expect(await countRows("events", "source = 'magento' AND order_id = ?1", id)).toBe(1);
  });

  it("answers a redelivered x-adobe-event-id as a duplicate and records the delivery id", async () => {
    const id = freshId();
    const text = JSON.stringify(ioEvent("sales_order_save_after", magentoOrder({ entityId: id })));
    const eventId = crypto.randomUUID();
    const first = await fetchWith(await ioEventRequest(text, signer, { eventId }), withKey());
    const again = await fetchWith(await ioEventRequest(text, signer, { eventId }), withKey());
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
      expect(await statusOf(await fetchWith(await ioEventRequest(text, signer), withKey(queue)))).toBe(
        "accepted",
      );
    }
    expect(queue.sent).toEqual(memos.map((m) => ({ eventId: `magento:magento:refund:${m}` })));
    expect(
      await countRows("events", "source = 'magento' AND kind = 'refund' AND order_id = ?1", orderId),
    ).toBe(2);
  });

  it("stores no raw personal data", async () => {
    const id = freshId();
    const text = JSON.stringify(ioEvent("sales_order_save_after", magentoOrder({ entityId: id })));
    await fetchWith(await ioEventRequest(text, signer), withKey());
    const payload = await storedPayload(`magento:magento:purchase:${id}`);
    expect(payload).toBeDefined();
    for (const value of FIXTURE_PII) expect(payload).not.toContain(value);
  });
});

describe("POST /webhooks/magento: Adobe Commerce webhooks", () => {
  it("answers with the success operation", async () => {
    const id = freshId();
    const response = await fetchWith(
      await commerceWebhookRequest(JSON.stringify({ order: magentoOrder({ entityId: id }) }), signer),
      withKey(),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: "accepted",
      op: "success",
      events: [{ id: `magento:magento:purchase:${id}`, status: "accepted" }],
    });
  });

  it("still lets the checkout go on when a signed body cannot be used", async () => {
    const text = JSON.stringify({
      eventName: "observer.sales_order_place_after",
      data: { order: { entity_id: "x" } },
    });
    const response = await fetchWith(await commerceWebhookRequest(text, signer), withKey());
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ignored", op: "success" });
  });
});

describe("POST /webhooks/magento: Open Source modules", () => {
  it("names the shop from X-Tagrelay-Shop, else from the template's store_url", async () => {
    const [a, b] = [freshId(), freshId()];
    const queue = recordingQueue();
    await fetchWith(
      secretRequest(JSON.stringify({ order: magentoOrder({ entityId: a }) }), {
        "x-tagrelay-secret": MAGENTO_SECRET,
        "x-tagrelay-shop": "Shop.Example.com",
      }),
      { EVENTS_QUEUE: queue },
    );
    await fetchWith(
      secretRequest(
        JSON.stringify({ store_url: "https://store.example.org/", order: magentoOrder({ entityId: b }) }),
        {
          "x-tagrelay-secret": MAGENTO_SECRET,
        },
      ),
      { EVENTS_QUEUE: queue },
    );
    expect(queue.sent).toEqual([
      { eventId: `magento:shop.example.com:purchase:${a}` },
      { eventId: `magento:store.example.org:purchase:${b}` },
    ]);
  });

  it("rejects a body that is not an order with 400, naming the field", async () => {
    const order = { ...magentoOrder({ entityId: freshId() }), grand_total: "12,50" };
    const response = await fetchWith(
      secretRequest(JSON.stringify({ order }), { "x-tagrelay-secret": MAGENTO_SECRET }),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ reason: expect.stringMatching(/grand_total/) });
  });
});
