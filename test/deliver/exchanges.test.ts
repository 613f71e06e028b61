import { createMessageBatch, env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { ADMIN_TOKEN, freshClientIp, get } from "../admin/helpers";
import { mockDestinations } from "../fixtures/destinations";
import { SHOP, shopifyOrder } from "../fixtures/shopify";
import { fetchWith, recordingQueue, shopifyRequest } from "../helpers";

let next = 7_100_000_000_000_000_000n;
const bearer = { authorization: `Bearer ${ADMIN_TOKEN}`, "cf-connecting-ip": freshClientIp() };

async function storeOrder(): Promise<{ orderId: string; eventId: string }> {
  const orderId = String(next++);
  const order = shopifyOrder({ id: orderId, createdAt: new Date().toISOString() });
  const response = await fetchWith(await shopifyRequest(order), { EVENTS_QUEUE: recordingQueue() });
  expect(response.status).toBe(200);
  return { orderId, eventId: `shopify:${SHOP}:purchase:${orderId}` };
}

async function consume(eventId: string, attempts: number, overrides: Record<string, string> = {}) {
  const batch = createMessageBatch("tagrelay-events", [
    { id: `msg-${attempts}`, timestamp: new Date(), attempts, body: { eventId } },
  ]);
  await worker.queue(batch, { ...env, ...overrides });
}

type Exchange = {
  attempt: number;
  sent: boolean;
  request: string;
  status: number | null;
  answer: string | null;
  error?: string | null;
};
type Story = { deliveries: Array<{ destination: string; status: string; exchanges: Exchange[] }> };

async function exchangesOf(eventId: string): Promise<Record<string, Exchange[]>> {
  const response = await get(`/admin/api/events/${encodeURIComponent(eventId)}`, bearer);
  expect(response.status).toBe(200);
  const story = (await response.json()) as Story;
  return Object.fromEntries(story.deliveries.map((d) => [d.destination, d.exchanges]));
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("what was sent and answered, per destination and attempt", () => {
  it("keeps each attempt's redacted request and the start of the answer, the last five of them", async () => {
    const { orderId, eventId } = await storeOrder();
    const longError = `{"error":"${"x".repeat(900)}"}`;
    let ga4Down = 6;
    mockDestinations({
      ga4: () => (ga4Down-- > 0 ? new Response(longError, { status: 503 }) : undefined),
    });
    for (let attempt = 1; attempt <= 7; attempt++) await consume(eventId, attempt);

    const { ga4, meta } = await exchangesOf(eventId);
    // Seven attempts at GA4 (six 503s, then the 204): the last five are kept, oldest first.
    expect(ga4.map((x) => [x.attempt, x.status])).toEqual([
      [3, 503],
      [4, 503],
      [5, 503],
      [6, 503],
      [7, 204],
    ]);
    expect(ga4[0].answer).toBe(longError.slice(0, 500));
    expect(ga4[4].answer).toBe("");
    const ga4Body = JSON.parse(ga4[4].request);
    expect(ga4Body.events[0].params.transaction_id).toBe(orderId);
    // The customer's IP and user agent were sent; kept, they are redacted.
    expect(ga4Body.ip_override).toBe("[redacted]");
    expect(ga4Body.user_agent).toBe("[redacted]");
    // Meta took it on the first attempt and was never called again.
    expect(meta).toHaveLength(1);
    expect(meta[0]).toMatchObject({ attempt: 1, sent: true, status: 200 });
    expect(JSON.parse(meta[0].answer ?? "")).toEqual({ events_received: 1, fbtrace_id: "dry-run" });
    const metaBody = JSON.parse(meta[0].request);
    expect(metaBody.access_token).toBe("[redacted]");
    expect(metaBody.data[0].user_data.client_ip_address).toBe("[redacted]");
    expect(metaBody.data[0].user_data.client_user_agent).toBe("[redacted]");
    expect(metaBody.data[0].event_id).toBe(orderId);
    // The credentials appear nowhere in what is kept.
    const kept = JSON.stringify({ ga4, meta });
    expect(kept).not.toContain(env.GA4_API_SECRET);
    expect(kept).not.toContain(env.META_ACCESS_TOKEN);
  });

  it("records a timeout as no answer, and a credential an answer echoes is cut out", async () => {
    const { eventId } = await storeOrder();
    mockDestinations({
      ga4: () => () => {
        throw new DOMException("The operation was aborted due to timeout", "TimeoutError");
      },
      meta: () =>
        new Response(
          '{"error":{"message":"Malformed access token","code":190},"retry":"https://graph.facebook.com/v26.0/x?access_token=EAAB123"}',
          { status: 401 },
        ),
    });
    await consume(eventId, 1);
    const { ga4, meta } = await exchangesOf(eventId);
    expect(ga4).toMatchObject([{ attempt: 1, sent: true, status: null, answer: null, error: "timeout" }]);
    expect(meta).toMatchObject([
      {
        attempt: 1,
        sent: true,
        status: 401,
        answer: '{"error":{"message":"Malformed access token","code":190},"retry":"<url>',
      },
    ]);
  });

  it("in a dry run says nothing was sent, and keeps the body that would have been", async () => {
    const { orderId, eventId } = await storeOrder();
    const { ga4: ga4Hits, meta: metaHits } = mockDestinations();
    await consume(eventId, 1, { DESTINATIONS_MODE: "dry-run" });
    expect(ga4Hits).toHaveLength(0);
    expect(metaHits).toHaveLength(0);
    const { ga4, meta } = await exchangesOf(eventId);
    expect(ga4).toMatchObject([{ attempt: 1, sent: false, status: 204, answer: "" }]);
    expect(meta).toMatchObject([{ attempt: 1, sent: false, status: 200 }]);
    expect(JSON.parse(ga4[0].request).events[0].params.transaction_id).toBe(orderId);
    const page = await (await get(`/admin/events/${encodeURIComponent(eventId)}`, bearer)).text();
    expect(page).toContain("not sent (dry run)");
    expect(page).not.toContain("HTTP 204");
    // The deliveries table says the same where a live row shows its HTTP status.
    expect(page).toContain('<td class="n" data-label="HTTP">not sent</td>');
  });

  it("cuts a request body past 4,000 characters and says so", async () => {
    const orderId = String(next++);
    const lines = Array.from({ length: 60 }, (_, i) => ({
      id: 9_000_000 + i,
      product_id: 8_000_000 + i,
      variant_id: 7_000_000 + i,
      title: `A product with a fairly long title number ${i}`,
      quantity: 1,
      price: "10.00",
      sku: `SKU-LONG-${i}`,
    }));
    const order = {
      ...shopifyOrder({ id: orderId, createdAt: new Date().toISOString() }),
      line_items: lines,
    };
    const response = await fetchWith(await shopifyRequest(order), { EVENTS_QUEUE: recordingQueue() });
    expect(response.status).toBe(200);
    const eventId = `shopify:${SHOP}:purchase:${orderId}`;
    mockDestinations();
    await consume(eventId, 1);
    const { ga4 } = await exchangesOf(eventId);
    expect(ga4[0].request).toHaveLength(4000);
    expect(ga4[0].request.endsWith("…")).toBe(true);
  });
});
