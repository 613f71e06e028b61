import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { sweep } from "../../src/deliver/sweep";
import worker from "../../src/index";
import { ADMIN_TOKEN, freshClientIp, get, login } from "../admin/helpers";
import { mockDestinations } from "../fixtures/destinations";
import { fullRefund } from "../fixtures/events";
import { SHOP, shopifyOrder } from "../fixtures/shopify";
import { fetchWith, freshIds, ledgerOf, recordingQueue, shopifyRequest } from "../helpers";

const freshId = freshIds(5_100_000_000_000_000_000n);

const bearer = { authorization: `Bearer ${ADMIN_TOKEN}`, "cf-connecting-ip": freshClientIp() };

const ledger = (eventId: string) => ledgerOf(eventId, "status", "attempts", "last_http_status", "reason");

/** An outbox row as an older release (or a corruption) left it: written straight into D1. */
async function insertStoredRow(id: string, orderId: string, payload: string): Promise<void> {
  await env.DB.prepare(
    `INSERT INTO events (id, source, shop, kind, order_id, order_number, occurred_at, received_at, test, topic, webhook_id, payload)
     VALUES (?1, 'shopify', ?2, 'refund', ?3, NULL, '2026-04-20T11:30:00Z', ?4, 0, 'refunds/create', 'wh-old', ?5)`,
  )
    .bind(id, SHOP, orderId, new Date().toISOString(), payload)
    .run();
}

/** A refund event whose currency an older release stored empty: JSON, but not a CommerceEvent. */
function withoutCurrency(id: string, orderId: string): string {
  return JSON.stringify({ ...fullRefund, id, order: { ...fullRefund.order, id: orderId, currency: "" } });
}

async function storePurchase(): Promise<string> {
  const orderId = freshId();
  const response = await fetchWith(
    await shopifyRequest(shopifyOrder({ id: orderId, createdAt: new Date().toISOString() })),
    { EVENTS_QUEUE: recordingQueue() },
  );
  expect(response.status).toBe(200);
  return `shopify:${SHOP}:purchase:${orderId}`;
}

async function consume(eventIds: string[]) {
  const batch = createMessageBatch(
    "tagrelay-events",
    eventIds.map((eventId, i) => ({ id: `msg-${i}`, timestamp: new Date(), attempts: 1, body: { eventId } })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("a stored row that no longer parses", () => {
  it("is recorded failed at every destination and acked, and the rest of the batch is delivered", async () => {
    const [oldOrder, brokenOrder] = [freshId(), freshId()];
    const old = `shopify:${SHOP}:refund:${freshId()}`;
    const broken = `shopify:${SHOP}:refund:${freshId()}`;
    await insertStoredRow(old, oldOrder, withoutCurrency(old, oldOrder));
    await insertStoredRow(broken, brokenOrder, '{"id": "cut off');
    const good = await storePurchase();
    const { ga4, meta } = mockDestinations();

    const result = await consume([old, broken, good]);

    expect(result.explicitAcks.sort()).toEqual(["msg-0", "msg-1", "msg-2"]);
    expect(result.retryMessages).toEqual([]);
    const unreadable = (reason: string) => [
      { destination: "ga4", status: "failed", attempts: 1, last_http_status: null, reason },
      { destination: "meta", status: "failed", attempts: 1, last_http_status: null, reason },
    ];
    expect(await ledger(old)).toEqual(
      unreadable(
        "stored event unreadable: order.currency: Too small: expected string to have exactly 3 characters",
      ),
    );
    expect(await ledger(broken)).toEqual(unreadable("stored event unreadable: payload is not JSON"));
    expect(await ledger(good)).toMatchObject([
      { destination: "ga4", status: "sent", attempts: 1, last_http_status: 204 },
      { destination: "meta", status: "sent", attempts: 1, last_http_status: 200 },
    ]);
    expect(ga4).toHaveLength(1);
    expect(meta.map((hit) => hit.body.data.length)).toEqual([1]);
  });

  it("is shown by the admin story page and API with its problem, and does not break the list or the sweep", async () => {
    const [oldOrder, brokenOrder] = [freshId(), freshId()];
    const old = `shopify:${SHOP}:refund:${freshId()}`;
    const broken = `shopify:${SHOP}:refund:${freshId()}`;
    await insertStoredRow(old, oldOrder, withoutCurrency(old, oldOrder));
    await insertStoredRow(broken, brokenOrder, "not json at all");

    const api = await get(`/admin/api/events/${encodeURIComponent(old)}`, bearer);
    expect(api.status).toBe(200);
    expect(await api.json()).toMatchObject({
      id: old,
      webhook: { topic: "refunds/create", webhookId: "wh-old" },
      problem: "order.currency: Too small: expected string to have exactly 3 characters",
      summary: null,
      deliveries: [],
    });
    const brokenApi = await get(`/admin/api/events/${encodeURIComponent(broken)}`, bearer);
    expect(brokenApi.status).toBe(200);
    expect(await brokenApi.json()).toMatchObject({
      id: broken,
      problem: "payload is not JSON",
      summary: null,
    });

    const { cookie } = await login();
    const page = await get(`/admin/events/${encodeURIComponent(old)}`, { cookie });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("order.currency: Too small: expected string to have exactly 3 characters");
    expect(html).toContain(old);

    const list = await get("/admin/api/events?limit=200", bearer);
    expect(list.status).toBe(200);
    const listed = (await list.json<{ events: Array<{ id: string; currency: string | null }> }>()).events;
    expect(listed.find((e) => e.id === old)).toMatchObject({ currency: "" });
    expect(listed.find((e) => e.id === broken)).toMatchObject({ currency: null });
    expect((await get("/admin", { cookie })).status).toBe(200);

    await expect(sweep({ ...env, EVENTS_QUEUE: recordingQueue() }, Date.now())).resolves.toMatchObject({
      requeued: 0,
      purged: 0,
    });
  });
});
