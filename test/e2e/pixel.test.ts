import { createMessageBatch, env } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { checkoutToken, pixelPost, postCollect } from "../fixtures/collect";
import { mockDestinations } from "../fixtures/destinations";
import { SHOP, shopifyOrder } from "../fixtures/shopify";
import { fetchWith, freshIds, ledgerOf, postToWorker, shopifyRequest, waitForDeliveries } from "../helpers";

afterEach(() => {
  vi.restoreAllMocks();
});

const nextId = freshIds(9_400_000_000_000_000_001n);

/** An orders/create with the checkout token and no note_attributes: what a buy-now checkout brings. */
function bareOrder(id: string, token: string) {
  return {
    ...shopifyOrder({ id, createdAt: new Date().toISOString() }),
    note_attributes: [],
    checkout_token: token,
  };
}

/** A Queue producer that keeps each message as sent, delay included. */
function capturingQueue() {
  const sent: MessageSendRequest[] = [];
  const queue = {
    sent,
    async send(body: unknown, options?: QueueSendOptions) {
      sent.push({ body, ...options });
    },
    async sendBatch(messages: Iterable<MessageSendRequest>) {
      sent.push(...messages);
    },
  };
  return queue as unknown as Queue & { sent: MessageSendRequest[] };
}

/** Runs the consumer on the messages, as the Queue delivers them once their delay is over. */
async function deliverNow(eventIds: string[]) {
  const batch = createMessageBatch(
    "tagrelay-events",
    eventIds.map((eventId, i) => ({
      id: `pixel-${i}`,
      timestamp: new Date(),
      attempts: 1,
      body: { eventId },
    })),
  );
  await worker.queue(batch, env);
}

async function storedEvent(eventId: string) {
  const row = await env.DB.prepare("SELECT payload FROM events WHERE id = ?1")
    .bind(eventId)
    .first<{ payload: string }>();
  return JSON.parse(row?.payload ?? "null");
}

async function collectedRows(shop = SHOP) {
  const rows = await env.DB.prepare(
    "SELECT identifiers, client, order_id, merged_at FROM collected_identifiers WHERE shop = ?1",
  )
    .bind(shop)
    .all<Record<string, string | null>>();
  return rows.results;
}

/** What reaches GA4 and Meta from the pixel's post in fixtures/collect.ts. */
function expectPixelIdentifiers(hits: ReturnType<typeof mockDestinations>, orderId: string) {
  expect(hits.ga4).toHaveLength(1);
  expect(hits.ga4[0].body.client_id).toBe("555000111.1700000100");
  expect(hits.ga4[0].body.events[0].params).toMatchObject({
    transaction_id: orderId,
    session_id: "1747000000",
  });
  expect(hits.meta).toHaveLength(1);
  expect(hits.meta[0].body.data[0].user_data).toMatchObject({
    fbp: "fb.1.1700000000100.555000111",
    fbc: "fb.1.1700000000100.IwAR_pixel",
  });
}

/** The origins recorded on the event for the pixel's post and the fixture order (landing site, client details). */
const PIXEL_ORIGINS = {
  gaClientId: "pixel",
  gaSessionId: "pixel",
  fbp: "pixel",
  fbc: "pixel",
  landingUrl: "order",
  client: "order",
};

describe("the checkout pixel joins a purchase that carries no identifiers of its own", () => {
  beforeAll(async () => {
    // The shop has used the pixel: its marker is in KV before the webhooks below arrive.
    expect((await postCollect(pixelPost(checkoutToken()))).status).toBe(204);
    await vi.waitUntil(() => env.DEDUPE_KV.get(`pixel-seen:${SHOP}`), { timeout: 5000 });
  });

  it("pixel first, then orders/create: GA4 gets its client and session id, Meta its fbp and fbc", async () => {
    const [orderId, token] = [nextId(), checkoutToken()];
    const hits = mockDestinations();
    const posted = await postCollect(pixelPost(token, { orderId: `gid://shopify/OrderIdentity/${orderId}` }));
    expect(posted.status).toBe(204);
    expect(await posted.text()).toBe("");

    expect((await postToWorker(await shopifyRequest(bareOrder(orderId, token)))).status).toBe(200);
    const eventId = `shopify:${SHOP}:purchase:${orderId}`;
    await waitForDeliveries(eventId);
    expect(await ledgerOf(eventId)).toEqual([
      { destination: "ga4", status: "sent" },
      { destination: "meta", status: "sent" },
    ]);
    expectPixelIdentifiers(hits, orderId);
    // The order's own IP and user agent win over the pixel's.
    expect(hits.meta[0].body.data[0].user_data).toMatchObject({
      client_ip_address: "203.0.113.7",
      client_user_agent: "Mozilla/5.0 (X11; Linux x86_64) RelayTest/1.0",
    });
    expect((await storedEvent(eventId)).identifiers).toEqual(PIXEL_ORIGINS);

    // A post after delivery changes nothing: the row is merged, a replay sends what was sent.
    const before = (await collectedRows()).filter((r) => r.order_id === orderId);
    expect(before).toEqual([
      expect.objectContaining({ order_id: orderId, client: "{}", merged_at: expect.any(String) }),
    ]);
    expect((await postCollect(pixelPost(token, { fbp: "fb.1.1700000000999.999" }))).status).toBe(204);
    expect((await collectedRows()).filter((r) => r.order_id === orderId)).toEqual(before);
    expect((await storedEvent(eventId)).attribution.fbp).toBe("fb.1.1700000000100.555000111");
  });

  it("webhook first, pixel 10 s later: the purchase waits on the Queue and is sent with the pixel's ids", async () => {
    const [orderId, token] = [nextId(), checkoutToken()];
    const eventId = `shopify:${SHOP}:purchase:${orderId}`;
    const queue = capturingQueue();
    const hits = mockDestinations();
    const answer = await fetchWith(await shopifyRequest(bareOrder(orderId, token)), { EVENTS_QUEUE: queue });
    expect(answer.status).toBe(200);
    // The Queue holds it back IDENTIFIER_WAIT_SECONDS (60 by default): nothing is sent meanwhile.
    expect(queue.sent).toEqual([{ body: { eventId }, delaySeconds: 60 }]);
    expect(hits.ga4).toHaveLength(0);

    // Within the wait the pixel posts (10 s after the webhook in a real checkout)…
    expect((await postCollect(pixelPost(token))).status).toBe(204);
    // …and the Queue hands the message to the consumer once its delay is over.
    await deliverNow([eventId]);
    expect(await ledgerOf(eventId)).toEqual([
      { destination: "ga4", status: "sent" },
      { destination: "meta", status: "sent" },
    ]);
    expectPixelIdentifiers(hits, orderId);
    expect((await storedEvent(eventId)).identifiers).toEqual(PIXEL_ORIGINS);
  });

  it("a purchase whose pixel already posted does not wait", async () => {
    const [orderId, token] = [nextId(), checkoutToken()];
    expect((await postCollect(pixelPost(token))).status).toBe(204);
    const queue = capturingQueue();
    mockDestinations();
    await fetchWith(await shopifyRequest(bareOrder(orderId, token)), { EVENTS_QUEUE: queue });
    expect(queue.sent).toEqual([{ body: { eventId: `shopify:${SHOP}:purchase:${orderId}` } }]);
  });

  it("with IDENTIFIER_WAIT_SECONDS=0 the purchase goes at once, with the webhook's identifiers alone", async () => {
    const [orderId, token] = [nextId(), checkoutToken()];
    const eventId = `shopify:${SHOP}:purchase:${orderId}`;
    const queue = capturingQueue();
    const hits = mockDestinations();
    await fetchWith(await shopifyRequest(bareOrder(orderId, token)), {
      EVENTS_QUEUE: queue,
      IDENTIFIER_WAIT_SECONDS: "0",
    });
    expect(queue.sent).toEqual([{ body: { eventId } }]);
    await deliverNow([eventId]);
    // No captured client id: GA4 gets the one derived from the order; Meta the fbc built from the
    // landing site's fbclid at the order's time, and no fbp.
    expect(hits.ga4[0].body.client_id).toMatch(/^\d{10}\.\d{10}$/);
    expect(hits.ga4[0].body.client_id).not.toBe("555000111.1700000100");
    expect(hits.ga4[0].body.events[0].params).not.toHaveProperty("session_id");
    const userData = hits.meta[0].body.data[0].user_data as Record<string, unknown>;
    expect(userData.fbc).toMatch(/^fb\.1\.\d{13}\.IwAR0abc$/);
    expect(userData).not.toHaveProperty("fbp");
    expect((await storedEvent(eventId)).identifiers).toBeUndefined();

    // The pixel's post arriving now changes nothing already sent.
    expect((await postCollect(pixelPost(token))).status).toBe(204);
    expect(hits.ga4).toHaveLength(1);
    expect(hits.meta).toHaveLength(1);
  });

  it("a post that arrives between a failed first try and its retry changes nothing: every destination gets the same ids", async () => {
    const [orderId, token] = [nextId(), checkoutToken()];
    const eventId = `shopify:${SHOP}:purchase:${orderId}`;
    const queue = capturingQueue();
    let ga4Down = true;
    const hits = mockDestinations({
      ga4: () => (ga4Down ? new Response("unavailable", { status: 503 }) : undefined),
    });
    await fetchWith(await shopifyRequest(bareOrder(orderId, token)), {
      EVENTS_QUEUE: queue,
      IDENTIFIER_WAIT_SECONDS: "0",
    });
    await deliverNow([eventId]);
    expect(await ledgerOf(eventId)).toEqual([
      { destination: "ga4", status: "retrying" },
      { destination: "meta", status: "sent" },
    ]);
    const firstClientId = hits.ga4[0].body.client_id;
    expect(firstClientId).not.toBe("555000111.1700000100");
    expect(hits.meta[0].body.data[0].user_data).not.toHaveProperty("fbp");

    // The pixel posts late; GA4 recovers and the Queue retries the message.
    expect((await postCollect(pixelPost(token))).status).toBe(204);
    ga4Down = false;
    await deliverNow([eventId]);
    expect(await ledgerOf(eventId)).toEqual([
      { destination: "ga4", status: "sent" },
      { destination: "meta", status: "sent" },
    ]);
    expect(hits.ga4).toHaveLength(2);
    expect(hits.ga4[1].body.client_id).toBe(firstClientId);
    expect(hits.ga4[1].body.events[0].params).not.toHaveProperty("session_id");
    expect(hits.meta).toHaveLength(1);
    expect((await storedEvent(eventId)).identifiers).toBeUndefined();
  });
});
