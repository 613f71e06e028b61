import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { answers, mockDestinations } from "../fixtures/destinations";
import { SHOP, shopifyOrder } from "../fixtures/shopify";
import { fetchWith, ledgerOf, recordingQueue, shopifyRequest } from "../helpers";

let next = 7_000_000_000_000_000_000n;

/** Stores fresh orders through the real webhook path (without queueing them) and returns their event ids. */
async function storeOrders(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = String(next++);
    const response = await fetchWith(
      await shopifyRequest(shopifyOrder({ id, createdAt: new Date().toISOString() })),
      {
        EVENTS_QUEUE: recordingQueue(),
      },
    );
    expect(response.status).toBe(200);
    ids.push(`shopify:${SHOP}:purchase:${id}`);
  }
  return ids;
}

async function consume(eventIds: string[], attempts = 1) {
  const batch = createMessageBatch(
    "tagrelay-events",
    eventIds.map((eventId, i) => ({ id: `msg-${i}`, timestamp: new Date(), attempts, body: { eventId } })),
  );
  // getQueueResult() reports which messages were retried but not their delay: record it here.
  const delays = new Map<string, number | undefined>();
  for (const message of batch.messages) {
    const retry = message.retry.bind(message);
    message.retry = (options) => {
      delays.set(message.id, options?.delaySeconds);
      retry(options);
    };
  }
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return { ...(await getQueueResult(batch, ctx)), delays };
}

const ledger = (eventId: string) => ledgerOf(eventId, "status", "attempts", "last_http_status", "reason");

afterEach(() => {
  vi.restoreAllMocks();
});

describe("queue consumer", () => {
  it("acks when every destination succeeds and records sent", async () => {
    const [id] = await storeOrders(1);
    const { ga4, meta } = mockDestinations();
    const result = await consume([id]);
    expect(result.explicitAcks).toEqual(["msg-0"]);
    expect(result.retryMessages).toEqual([]);
    expect(ga4).toHaveLength(1);
    expect(meta).toHaveLength(1);
    expect(await ledger(id)).toMatchObject([
      { destination: "ga4", status: "sent", attempts: 1, last_http_status: 204 },
      { destination: "meta", status: "sent", attempts: 1, last_http_status: 200 },
    ]);
  });

  it("retries with a delay when GA4 answers 503, and never sends Meta again on the retry", async () => {
    const [id] = await storeOrders(1);
    let ga4Down = true;
    const { ga4, meta } = mockDestinations({
      ga4: () => (ga4Down ? new Response("unavailable", { status: 503 }) : undefined),
    });
    const first = await consume([id]);
    expect(first.explicitAcks).toEqual([]);
    expect(first.retryMessages).toHaveLength(1);
    expect(first.delays.get("msg-0")).toBeGreaterThanOrEqual(24);
    expect(first.delays.get("msg-0")).toBeLessThanOrEqual(36);
    expect(await ledger(id)).toMatchObject([
      { destination: "ga4", status: "retrying", last_http_status: 503 },
      { destination: "meta", status: "sent" },
    ]);

    ga4Down = false;
    const second = await consume([id], 2);
    expect(second.explicitAcks).toEqual(["msg-0"]);
    expect(ga4).toHaveLength(2);
    expect(meta).toHaveLength(1);
    expect(await ledger(id)).toMatchObject([
      { destination: "ga4", status: "sent", attempts: 2 },
      { destination: "meta", status: "sent", attempts: 1 },
    ]);
  });

  it("honours Retry-After on a 429", async () => {
    const [id] = await storeOrders(1);
    mockDestinations({
      ga4: () => new Response("slow down", { status: 429, headers: { "retry-after": "120" } }),
    });
    const result = await consume([id]);
    expect(result.retryMessages).toMatchObject([{ msgId: "msg-0" }]);
    expect(result.delays.get("msg-0")).toBe(120);
  });

  it("records Meta's invalid token (190) as failed, acks, and logs an error", async () => {
    const [id] = await storeOrders(1);
    mockDestinations({
      meta: () =>
        answers.json(
          {
            error: {
              message: "Invalid OAuth access token.",
              type: "OAuthException",
              code: 190,
              fbtrace_id: "t",
            },
          },
          401,
        ),
    });
    const before = globalThis.capturedLogLines.length;
    const result = await consume([id]);
    expect(result.explicitAcks).toEqual(["msg-0"]);
    const rows = await ledger(id);
    expect(rows[1]).toMatchObject({ destination: "meta", status: "failed", last_http_status: 401 });
    expect(String(rows[1].reason)).toMatch(/190/);
    const errors = globalThis.capturedLogLines.slice(before).filter((l) => l.includes('"level":"error"'));
    expect(errors.some((l) => l.includes("190") || l.includes("META_ACCESS_TOKEN"))).toBe(true);
  });

  it("delivers the rest of a Meta batch when one event poisons it", async () => {
    const ids = await storeOrders(3);
    const poison = ids[1].split(":").pop();
    const { meta } = mockDestinations({
      meta: (hit) =>
        hit.body.data.some((e) => e.event_id === poison)
          ? answers.json(
              { error: { message: "Invalid parameter", type: "OAuthException", code: 100, fbtrace_id: "t" } },
              400,
            )
          : undefined,
    });
    const result = await consume(ids);
    expect(result.explicitAcks.sort()).toEqual(["msg-0", "msg-1", "msg-2"]);
    const delivered = meta
      .filter((h) => h.body.data.every((e) => e.event_id !== poison))
      .flatMap((h) => h.body.data);
    expect(delivered.map((e) => e.event_id).sort()).toEqual(
      [ids[0], ids[2]].map((i) => i.split(":").pop()).sort(),
    );
    expect((await ledger(ids[1]))[1]).toMatchObject({ status: "failed", last_http_status: 400 });
    expect((await ledger(ids[0]))[1]).toMatchObject({ status: "sent" });
  });

  it("sends N GA4 requests and one Meta request for a batch of N orders", async () => {
    const ids = await storeOrders(12);
    const { ga4, meta } = mockDestinations();
    const result = await consume(ids);
    expect(result.explicitAcks).toHaveLength(12);
    expect(ga4).toHaveLength(12);
    expect(meta).toHaveLength(1);
    expect(meta[0].body.data).toHaveLength(12);
    expect(new Set(ga4.map((h) => h.body.events[0].params.transaction_id)).size).toBe(12);
  });

  it("acks a message whose body is not one of ours, and one whose event is gone", async () => {
    mockDestinations();
    const batch = createMessageBatch("tagrelay-events", [
      { id: "bad", timestamp: new Date(), attempts: 1, body: { nope: true } },
      { id: "gone", timestamp: new Date(), attempts: 1, body: { eventId: "shopify:x:purchase:404" } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(["bad", "gone"]);
  });

  it("records dead letters from the dead-letter queue with the last reason kept", async () => {
    const [id] = await storeOrders(1);
    mockDestinations({ ga4: () => new Response("down", { status: 502 }) });
    await consume([id]);
    const batch = createMessageBatch("tagrelay-dead", [
      { id: "d", timestamp: new Date(), attempts: 1, body: { eventId: id } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["d"]);
    expect(await ledger(id)).toMatchObject([
      { destination: "ga4", status: "dead", last_http_status: 502 },
      { destination: "meta", status: "sent" },
    ]);
  });
});
