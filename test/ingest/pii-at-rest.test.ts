import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { replayDeliveries } from "../../src/admin/replay";
import { sweep } from "../../src/deliver/sweep";
import worker from "../../src/index";
import { eventStory } from "../../src/store/admin-queries";
import { answers, mockDestinations } from "../fixtures/destinations";
import { SHOP, shopifyOrder } from "../fixtures/shopify";
import { wooOrder, wooRequest } from "../fixtures/woocommerce";
import {
  fetchWith,
  ledgerOf,
  postToWorker,
  putLedgerEntry,
  recordingQueue,
  shopifyRequest,
  waitForDeliveries,
} from "../helpers";

/** What schema.sql, the README and docs/operations.md promise is kept at rest, checked in D1 itself. */

const LANDING =
  "https://shop.example/products/x?utm_source=news&gclid=abc&email=jane%40example.com&token=s3cr3t#frag";
const KEPT = "https://shop.example/products/x?utm_source=news&gclid=abc";
/** The fixture orders' client data (test/fixtures/shopify.ts, woocommerce.ts). */
const IP = "203.0.113.7";
const UA = "Mozilla/5.0 (X11; Linux x86_64) RelayTest/1.0";
const DAY = 86_400_000;

let next = 6_600_000_000_000_000_000n;

afterEach(() => {
  vi.restoreAllMocks();
});

function shopifyOrderLandingOn(landingSite: string) {
  const id = String(next++);
  return {
    id,
    order: { ...shopifyOrder({ id, createdAt: new Date().toISOString() }), landing_site: landingSite },
  };
}

async function storeShopify(landingSite = LANDING): Promise<string> {
  const { id, order } = shopifyOrderLandingOn(landingSite);
  const response = await fetchWith(await shopifyRequest(order), { EVENTS_QUEUE: recordingQueue() });
  expect(response.status).toBe(200);
  return `shopify:${SHOP}:purchase:${id}`;
}

async function payloadOf(eventId: string): Promise<string> {
  const row = await env.DB.prepare("SELECT payload FROM events WHERE id = ?1")
    .bind(eventId)
    .first<{ payload: string }>();
  if (!row) throw new Error(`${eventId} is not stored`);
  return row.payload;
}

async function storedEvent(eventId: string) {
  return JSON.parse(await payloadOf(eventId)) as {
    client: Record<string, unknown>;
    attribution: Record<string, unknown>;
  };
}

async function consume(eventIds: string[], queue = "tagrelay-events", attempts = 1) {
  const batch = createMessageBatch(
    queue,
    eventIds.map((eventId, i) => ({ id: `msg-${i}`, timestamp: new Date(), attempts, body: { eventId } })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
}

const ledger = (eventId: string) => ledgerOf(eventId);

/** Every row of the outbox and the ledger, every column, as text. */
async function everyRow(): Promise<string> {
  const [events, deliveries] = await env.DB.batch([
    env.DB.prepare("SELECT * FROM events"),
    env.DB.prepare("SELECT * FROM deliveries"),
  ]);
  return JSON.stringify([events.results, deliveries.results]);
}

describe("the landing URL keeps only its site, path, utm_* and click ids", () => {
  it("Shopify, absolute landing_site: stored reduced; the Queue message holds only the event id", async () => {
    const { id, order } = shopifyOrderLandingOn(LANDING);
    const queue = recordingQueue();
    await fetchWith(await shopifyRequest(order), { EVENTS_QUEUE: queue });
    const eventId = `shopify:${SHOP}:purchase:${id}`;
    expect((await storedEvent(eventId)).attribution.landingUrl).toBe(KEPT);
    const payload = await payloadOf(eventId);
    for (const leak of ["jane", "%40", "s3cr3t", "token", "frag"]) expect(payload).not.toContain(leak);
    expect(queue.sent).toEqual([{ eventId }]);
  });

  it("Shopify, relative landing_site: stored as the shop's URL, reduced", async () => {
    const eventId = await storeShopify(
      "/products/x?utm_source=news&gclid=abc&email=jane%40example.com&token=s3cr3t#frag",
    );
    expect((await storedEvent(eventId)).attribution.landingUrl).toBe(
      "https://relay-test.myshopify.com/products/x?utm_source=news&gclid=abc",
    );
  });

  it("Shopify, a landing_site that is neither a URL nor a path: not stored", async () => {
    const eventId = await storeShopify("jane@example.com");
    expect((await storedEvent(eventId)).attribution).not.toHaveProperty("landingUrl");
  });

  it("WooCommerce, Order Attribution's session entry: stored reduced", async () => {
    const order = wooOrder({ id: 66001 });
    const meta = order.meta_data.map((m) =>
      m.key === "_wc_order_attribution_session_entry" ? { ...m, value: LANDING } : m,
    );
    const response = await fetchWith(await wooRequest({ ...order, meta_data: meta }), {
      EVENTS_QUEUE: recordingQueue(),
    });
    expect(response.status).toBe(200);
    const stored = await storedEvent("woocommerce:shop.example:purchase:66001");
    expect(stored.attribution.landingUrl).toBe(KEPT);
  });

  it("Meta's event_source_url is the reduced URL", async () => {
    const eventId = await storeShopify();
    const { meta } = mockDestinations();
    await consume([eventId]);
    expect(meta).toHaveLength(1);
    expect(meta[0].body.data[0].event_source_url).toBe(KEPT);
  });
});

describe("client IP and user agent are kept only until every destination is final", () => {
  // Storage is this file's own (the pool isolates it per file): start each test from empty tables,
  // so "no row holds them" and the sweep's counts speak about this test alone.
  beforeEach(async () => {
    await env.DB.prepare("DELETE FROM events").run();
  });

  it("end to end: gone once GA4 and Meta are final, from every row; KV holds only a marker", async () => {
    const { id, order } = shopifyOrderLandingOn(LANDING);
    const eventId = `shopify:${SHOP}:purchase:${id}`;
    const { ga4, meta } = mockDestinations();
    const response = await postToWorker(await shopifyRequest(order));
    expect(response.status).toBe(200);
    await waitForDeliveries(eventId);

    expect(ga4).toHaveLength(1);
    expect(meta[0].body.data[0].user_data).toMatchObject({ client_ip_address: IP, client_user_agent: UA });
    expect(await ledger(eventId)).toEqual([
      { destination: "ga4", status: "sent" },
      { destination: "meta", status: "sent" },
    ]);
    const stored = await storedEvent(eventId);
    expect(stored.client).toEqual({});
    expect(stored.attribution.landingUrl).toBe(KEPT);
    const rows = await everyRow();
    expect(rows).toContain(eventId);
    expect(rows).not.toContain(IP);
    expect(rows).not.toContain(UA);
    expect(await env.DEDUPE_KV.get(`seen:${eventId}`)).toBe("1");
  });

  it("kept while Meta retries, sent on the retry, then dropped; the rest of the payload unchanged", async () => {
    const eventId = await storeShopify();
    const before = JSON.parse(await payloadOf(eventId));
    expect(before.client).toEqual({ ip: IP, userAgent: UA });
    let metaDown = true;
    const { ga4, meta } = mockDestinations({
      meta: () => (metaDown ? new Response("unavailable", { status: 503 }) : undefined),
    });

    const first = await consume([eventId]);
    expect(first.retryMessages).toHaveLength(1);
    expect(await ledger(eventId)).toEqual([
      { destination: "ga4", status: "sent" },
      { destination: "meta", status: "retrying" },
    ]);
    expect((await storedEvent(eventId)).client).toEqual({ ip: IP, userAgent: UA });

    metaDown = false;
    const second = await consume([eventId], "tagrelay-events", 2);
    expect(second.explicitAcks).toEqual(["msg-0"]);
    expect(ga4).toHaveLength(1);
    expect(meta).toHaveLength(2);
    expect(meta[1].body.data[0].user_data).toMatchObject({ client_ip_address: IP, client_user_agent: UA });
    const after = JSON.parse(await payloadOf(eventId));
    expect(after).toEqual({ ...before, client: {} });
  });

  it("the admin story of an event still holding them shows neither, nor the landing URL", async () => {
    const eventId = await storeShopify();
    expect((await storedEvent(eventId)).client).toEqual({ ip: IP, userAgent: UA });
    const story = JSON.stringify(await eventStory(env.DB, eventId));
    expect(story).toContain(eventId);
    for (const hidden of [IP, UA, "shop.example/products"]) expect(story).not.toContain(hidden);
  });

  it("a replay after the client data is gone still delivers, without IP and user agent", async () => {
    const eventId = await storeShopify();
    mockDestinations({
      meta: () => answers.json({ error: { code: 100, message: "Invalid parameter", fbtrace_id: "t" } }, 400),
    });
    await consume([eventId]);
    expect(await ledger(eventId)).toEqual([
      { destination: "ga4", status: "sent" },
      { destination: "meta", status: "failed" },
    ]);
    expect((await storedEvent(eventId)).client).toEqual({});

    vi.restoreAllMocks();
    const { ga4, meta } = mockDestinations();
    await replayDeliveries({ DB: env.DB, EVENTS_QUEUE: recordingQueue() }, { eventIds: [eventId] });
    const replayed = await consume([eventId]);
    expect(replayed.explicitAcks).toEqual(["msg-0"]);
    expect(ga4).toHaveLength(0);
    expect(meta).toHaveLength(1);
    const userData = meta[0].body.data[0].user_data as Record<string, unknown>;
    expect(userData).not.toHaveProperty("client_ip_address");
    expect(userData).not.toHaveProperty("client_user_agent");
    // SHA-256 of "john.doe@example.com", the fixture's e-mail normalized (from openssl).
    expect(userData.em).toEqual(["836f82db99121b3481011f16b49dfa5fbc714a0d1b1b9f784a1ebbbf5b39577f"]);
    expect(await ledger(eventId)).toEqual([
      { destination: "ga4", status: "sent" },
      { destination: "meta", status: "sent" },
    ]);
  });

  it("a dead letter leaves nothing waiting: the client data goes", async () => {
    const eventId = await storeShopify();
    mockDestinations({ ga4: () => new Response("down", { status: 502 }) });
    await consume([eventId]);
    expect((await storedEvent(eventId)).client).toEqual({ ip: IP, userAgent: UA });
    await consume([eventId], "tagrelay-dead");
    expect(await ledger(eventId)).toEqual([
      { destination: "ga4", status: "dead" },
      { destination: "meta", status: "sent" },
    ]);
    expect((await storedEvent(eventId)).client).toEqual({});
  });

  it("the sweep clears settled events and any event older than 8 days, not one still waiting", async () => {
    const settled = await storeShopify();
    const waiting = await storeShopify();
    const neverConsumed = await storeShopify();
    await putLedgerEntry(settled, "ga4", { status: "sent" });
    await putLedgerEntry(settled, "meta", { status: "dry-run" });
    await putLedgerEntry(waiting, "ga4", { status: "sent" });
    await putLedgerEntry(waiting, "meta", { status: "retrying", next_attempt_at: Date.now() + 60_000 });

    const now = await sweep({ ...env, EVENTS_QUEUE: recordingQueue() }, Date.now());
    expect(now.clientCleared).toBe(1);
    expect((await storedEvent(settled)).client).toEqual({});
    expect((await storedEvent(waiting)).client).toEqual({ ip: IP, userAgent: UA });
    expect((await storedEvent(neverConsumed)).client).toEqual({ ip: IP, userAgent: UA });

    const later = await sweep({ ...env, EVENTS_QUEUE: recordingQueue() }, Date.now() + 9 * DAY);
    expect(later.clientCleared).toBe(2);
    expect(later.purged).toBe(0);
    expect((await storedEvent(waiting)).client).toEqual({});
    expect((await storedEvent(neverConsumed)).client).toEqual({});
    expect(await everyRow()).not.toContain(IP);
  });
});
