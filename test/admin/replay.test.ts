import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { replayDeliveries } from "../../src/admin/replay";
import worker from "../../src/index";
import { mockDestinations } from "../fixtures/destinations";
import { SHOP, shopifyOrder } from "../fixtures/shopify";
import { fetchWith, ledgerOf, postToWorker, recordingQueue, shopifyRequest } from "../helpers";
import { ADMIN_TOKEN, BASE, csrfOf, freshClientIp, login, postForm } from "./helpers";

let next = 6_200_000_000_000_000_000n;
const bearer = { authorization: `Bearer ${ADMIN_TOKEN}`, "cf-connecting-ip": freshClientIp() };

async function storeOrder(): Promise<string> {
  const id = String(next++);
  const order = shopifyOrder({ id, createdAt: new Date().toISOString() });
  const response = await fetchWith(await shopifyRequest(order), { EVENTS_QUEUE: recordingQueue() });
  expect(response.status).toBe(200);
  return `shopify:${SHOP}:purchase:${id}`;
}

async function consume(queue: string, eventIds: string[]) {
  const batch = createMessageBatch(
    queue,
    eventIds.map((eventId, i) => ({ id: `msg-${i}`, timestamp: new Date(), attempts: 1, body: { eventId } })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
}

const ledger = (eventId: string) => ledgerOf(eventId, "status", "attempts");

/** GA4 down until the Queue gives up: the dead-letter consumer records the delivery dead. */
async function deadAtGa4(): Promise<string> {
  const id = await storeOrder();
  mockDestinations({ ga4: () => new Response("down", { status: 502 }) });
  await consume("tagrelay-events", [id]);
  await consume("tagrelay-dead", [id]);
  vi.restoreAllMocks();
  expect(await ledger(id)).toMatchObject([
    { destination: "ga4", status: "dead", attempts: 1 },
    { destination: "meta", status: "sent", attempts: 1 },
  ]);
  return id;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("replay", () => {
  it("re-enqueues a dead delivery, keeps its attempts, and delivers it without re-sending Meta", async () => {
    const id = await deadAtGa4();
    const queue = recordingQueue();
    const result = await replayDeliveries({ DB: env.DB, EVENTS_QUEUE: queue }, { eventIds: [id] });
    expect(result).toEqual({ requeued: 1, deliveries: 1, queued: true });
    expect(queue.sent).toEqual([{ eventId: id }]);
    expect(await ledger(id)).toMatchObject([
      { destination: "ga4", status: "retrying", attempts: 1 },
      { destination: "meta", status: "sent", attempts: 1 },
    ]);

    const { ga4, meta } = mockDestinations();
    const consumed = await consume("tagrelay-events", [id]);
    expect(consumed.explicitAcks).toEqual(["msg-0"]);
    expect(ga4).toHaveLength(1);
    expect(meta).toHaveLength(0);
    expect(await ledger(id)).toMatchObject([
      { destination: "ga4", status: "sent", attempts: 2 },
      { destination: "meta", status: "sent", attempts: 1 },
    ]);
  });

  it("never re-sends a delivery that was sent, however often it is replayed", async () => {
    const id = await storeOrder();
    mockDestinations();
    await consume("tagrelay-events", [id]);
    expect(await ledger(id)).toMatchObject([{ status: "sent" }, { status: "sent" }]);

    const queue = recordingQueue();
    for (const request of [
      { eventIds: [id] },
      { status: "failed" as const },
      { status: "dead" as const },
      {},
    ]) {
      const result = await replayDeliveries({ DB: env.DB, EVENTS_QUEUE: queue }, request);
      expect(result.requeued).toBe(0);
    }
    expect(queue.sent).toEqual([]);

    vi.restoreAllMocks();
    const { ga4, meta } = mockDestinations();
    await consume("tagrelay-events", [id]);
    expect(ga4).toHaveLength(0);
    expect(meta).toHaveLength(0);
    expect(await ledger(id)).toMatchObject([
      { destination: "ga4", status: "sent", attempts: 1 },
      { destination: "meta", status: "sent", attempts: 1 },
    ]);
  });

  it("replays by status through the API, and through the real Queue the event is delivered again", async () => {
    const id = await deadAtGa4();
    const { ga4, meta } = mockDestinations();
    const response = await postToWorker(
      new Request("https://relay.test/admin/api/replay", {
        method: "POST",
        headers: { ...bearer, "content-type": "application/json" },
        body: JSON.stringify({ status: "dead", since: new Date(Date.now() - 60_000).toISOString() }),
      }),
    );
    expect(response.status).toBe(200);
    expect(await response.json<{ requeued: number }>()).toMatchObject({ queued: true });
    await vi.waitUntil(async () => (await ledger(id))[0]?.status === "sent", { timeout: 5000, interval: 20 });
    expect(ga4.filter((h) => h.body.events[0].params.transaction_id === id.split(":").pop())).toHaveLength(1);
    expect(meta.flatMap((h) => h.body.data).filter((e) => e.event_id === id.split(":").pop())).toHaveLength(
      0,
    );
  });

  it("refuses a malformed replay request", async () => {
    for (const body of [
      '{"status":"sent"}',
      '{"eventIds":[]}',
      '{"since":"yesterday-ish"}',
      '{"other":1}',
      `{"eventIds":${JSON.stringify(Array.from({ length: 101 }, (_, i) => `e${i}`))}}`,
    ]) {
      const response = await fetchWith(
        new Request(`${BASE}/admin/api/replay`, {
          method: "POST",
          headers: { ...bearer, "content-type": "application/json" },
          body,
        }),
      );
      expect(response.status).toBe(400);
    }
  });

  it("names what is wrong with a replay request without echoing it", async () => {
    const answer = async (body: string) =>
      (
        await fetchWith(
          new Request(`${BASE}/admin/api/replay`, {
            method: "POST",
            headers: { ...bearer, "content-type": "application/json" },
            body,
          }),
        )
      ).json();
    expect(await answer('{"status":"failed","<script>alert(1)</script>":1}')).toEqual({
      status: "rejected",
      reason: "body: unknown field",
    });
    expect(await answer('{"status":"<b>sent</b>"}')).toEqual({
      status: "rejected",
      reason: 'status: Invalid option: expected one of "failed"|"dead"',
    });
  });

  it("says no to a body that is not JSON, an empty body and one that names nothing: nothing is requeued", async () => {
    const dead = await deadAtGa4();
    const queue = recordingQueue();
    const answers: Array<[number, string]> = [];
    for (const body of [
      "not json",
      '{"status":"dead"',
      "",
      "   \n",
      "{}",
      '{"since":"2026-01-01T00:00:00Z"}',
      "null",
    ]) {
      const response = await fetchWith(
        new Request(`${BASE}/admin/api/replay`, {
          method: "POST",
          headers: { ...bearer, "content-type": "application/json" },
          body,
        }),
        { EVENTS_QUEUE: queue },
      );
      answers.push([response.status, (await response.json<{ reason: string }>()).reason]);
    }
    const how = 'send {"status":"failed"} or {"status":"dead"} to replay all of them, or {"eventIds":[…]}';
    expect(answers).toEqual([
      [400, "body: not JSON"],
      [400, "body: not JSON"],
      [400, `empty body: ${how}`],
      [400, `empty body: ${how}`],
      [400, `body: nothing to replay: ${how}`],
      [400, `body: nothing to replay: ${how}`],
      [400, "body: Invalid input: expected object, received null"],
    ]);
    expect(queue.sent).toEqual([]);
    expect(await ledger(dead)).toMatchObject([
      { destination: "ga4", status: "dead" },
      { destination: "meta", status: "sent" },
    ]);
  });

  it("the page's replay form needs a status or an event id: an empty form requeues nothing", async () => {
    const dead = await deadAtGa4();
    const queue = recordingQueue();
    const { cookie } = await login();
    const csrf = await csrfOf(cookie);
    const forms: Array<Record<string, string>> = [
      { csrf },
      { csrf, status: "" },
      { csrf, status: "sent" },
      { csrf, eventId: "" },
    ];
    for (const body of forms) {
      const response = await fetchWith(
        new Request(`${BASE}/admin/replay`, {
          method: "POST",
          body: new URLSearchParams(body),
          headers: { cookie },
          redirect: "manual",
        }),
        { EVENTS_QUEUE: queue },
      );
      expect([response.status, await response.json()]).toEqual([
        400,
        { status: "rejected", reason: "nothing to replay" },
      ]);
    }
    const csrfInHeaderOnly = await postForm("/admin/replay", cookie, {}, { "x-csrf-token": csrf });
    expect(csrfInHeaderOnly.status).toBe(400);
    expect(queue.sent).toEqual([]);
    expect((await ledger(dead))[0]).toMatchObject({ destination: "ga4", status: "dead" });
  });
});
