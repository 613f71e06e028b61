import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { SHOP, shopifyOrder } from "../fixtures/shopify";
import { countRows, fetchWith, putLedgerEntry, recordingQueue, shopifyRequest } from "../helpers";
import { ADMIN_TOKEN, BASE, freshClientIp, get, login } from "./helpers";

/** Breaks out of an attribute and opens a tag, named after the field it was stored in. */
const mark = (field: string) => `"'><img src=x data-f=${field}>`;
const escaped = (field: string) => `&quot;&#39;&gt;&lt;img src=x data-f=${field}&gt;`;

async function storedPayload(orderId: string): Promise<Record<string, unknown>> {
  const order = shopifyOrder({ id: orderId, createdAt: new Date().toISOString() });
  await fetchWith(await shopifyRequest(order), { EVENTS_QUEUE: recordingQueue() });
  const row = await env.DB.prepare("SELECT payload FROM events WHERE id = ?1")
    .bind(`shopify:${SHOP}:purchase:${orderId}`)
    .first<{ payload: string }>();
  return JSON.parse(row?.payload ?? "{}");
}

describe("stored XSS: every value the admin pages show is escaped", () => {
  it("in every column and payload field of an event and its deliveries", async () => {
    const payload = await storedPayload("6400000000000000001");
    const storyId = `xss:${mark("eventId")}`;
    const order = payload.order as Record<string, unknown>;
    // A refund whose free-text fields all hold markup; currency is 3 characters, so `<b>`.
    const event = {
      ...payload,
      id: storyId,
      kind: "refund",
      shop: mark("shop"),
      occurredAt: mark("occurredAt"),
      order: { ...order, id: mark("orderId"), number: mark("orderNumber"), currency: "<b>" },
      refund: { id: mark("refundId"), value: "1.00", items: [], full: false },
    };
    const insert = env.DB.prepare(
      `INSERT INTO events (id, source, shop, kind, order_id, order_number, occurred_at, received_at, test, topic,
         webhook_id, payload, enqueue_error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9, ?10, ?11, ?12)`,
    );
    const source = mark("source");
    await env.DB.batch([
      insert.bind(
        storyId,
        source,
        mark("shopColumn"),
        mark("kind"),
        mark("orderIdColumn"),
        mark("orderNumberColumn"),
        mark("occurredAtColumn"),
        mark("receivedAt"),
        mark("topic"),
        mark("webhookId"),
        JSON.stringify(event),
        mark("enqueueError"),
      ),
      // Listed only (its payload is not an event): the value and currency the list reads from it.
      insert.bind(
        `xss:${mark("listedId")}`,
        source,
        "shop",
        "purchase",
        mark("listedOrderId"),
        null,
        "2026-01-01T00:00:00Z",
        "2026-01-01T00:00:00Z",
        null,
        null,
        JSON.stringify({ order: { currency: mark("currency"), value: mark("value") } }),
        null,
      ),
    ]);
    await putLedgerEntry(storyId, mark("destination"), {
      status: mark("status"),
      reason: mark("reason"),
      created_at: mark("deliveryCreated"),
      updated_at: mark("deliveryUpdated"),
    });

    const { cookie } = await login();
    const list = await (await get(`/admin?source=${encodeURIComponent(source)}`, { cookie })).text();
    const story = await (await get(`/admin/events/${encodeURIComponent(storyId)}`, { cookie })).text();
    const search = await (await get(`/admin?q=${encodeURIComponent(mark("q"))}`, { cookie })).text();
    for (const page of [list, story, search]) expect(page).not.toMatch(/<img/i);
    const shown = (page: string, fields: string[]) => fields.filter((f) => !page.includes(escaped(f)));
    expect(
      shown(list, [
        "eventId",
        "listedId",
        "source",
        "shopColumn",
        "kind",
        "orderNumberColumn",
        "listedOrderId",
        "receivedAt",
        "value",
        "currency",
        "destination",
        "status",
        "reason",
      ]),
    ).toEqual([]);
    expect(
      shown(story, [
        "eventId",
        "shop",
        "occurredAt",
        "orderId",
        "orderNumber",
        "refundId",
        "receivedAt",
        "topic",
        "webhookId",
        "enqueueError",
        "destination",
        "status",
        "reason",
        "deliveryCreated",
        "deliveryUpdated",
      ]),
    ).toEqual([]);
    expect(story).toContain("&lt;b&gt;");
    expect(shown(search, ["q"])).toEqual([]);
    await env.DB.prepare("DELETE FROM events WHERE id LIKE 'xss:%'").run();
  });
});

describe("SQL: every value reaches D1 as a bound parameter", () => {
  const INJECTIONS = [
    "' OR '1'='1",
    "1' OR 1=1 --",
    "x'); DROP TABLE events; --",
    '" OR ""="',
    "%' OR order_id LIKE '%",
  ];
  const bearer = { authorization: `Bearer ${ADMIN_TOKEN}`, "cf-connecting-ip": freshClientIp() };

  it("in the event filters, an event id and replay ids: nothing matches, nothing is dropped or requeued", async () => {
    await storedPayload("6400000000000000002");
    const [events, deliveries] = [await countRows("events"), await countRows("deliveries")];
    const queue = recordingQueue();
    for (const text of INJECTIONS) {
      const value = encodeURIComponent(text);
      for (const query of [`q=${value}`, `source=${value}`, `q=${value}&source=${value}`]) {
        const response = await get(`/admin/api/events?${query}`, bearer);
        expect([response.status, await response.json()]).toEqual([200, { events: [] }]);
      }
      expect((await get(`/admin/api/events/${value}`, bearer)).status).toBe(404);
      const replay = await fetchWith(
        new Request(`${BASE}/admin/api/replay`, {
          method: "POST",
          body: JSON.stringify({ eventIds: [text] }),
          headers: { ...bearer, "content-type": "application/json" },
        }),
        { EVENTS_QUEUE: queue },
      );
      expect(await replay.json()).toEqual({ requeued: 0, deliveries: 0, queued: true });
    }
    expect(queue.sent).toEqual([]);
    expect([await countRows("events"), await countRows("deliveries")]).toEqual([events, deliveries]);
  });
});
