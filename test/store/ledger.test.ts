import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { countingD1, type D1Tally } from "../../bench/counting/d1";
import worker from "../../src/index";
import { claimDeliveries, LEASE_MS, recordOutcomes } from "../../src/store/ledger";
import { mockDestinations } from "../fixtures/destinations";
import { SHOP, shopifyOrder } from "../fixtures/shopify";
import { fetchWith, freshIds, ledgerOf, putLedgerEntry, recordingQueue, shopifyRequest } from "../helpers";

const nextId = freshIds(7_100_000_000_000_000_000n);

/** A fresh order stored through the real webhook path (not queued); returns its event id. */
async function storeOrder(overrides: Partial<Env> = {}): Promise<string> {
  const id = nextId();
  const response = await fetchWith(
    await shopifyRequest(shopifyOrder({ id, createdAt: new Date().toISOString() })),
    { EVENTS_QUEUE: recordingQueue(), ...overrides },
  );
  expect(await response.json()).toMatchObject({ status: "accepted" });
  return `shopify:${SHOP}:purchase:${id}`;
}

async function consume(eventIds: string[], overrides: Partial<Env> = {}, prefix = "msg") {
  const batch = createMessageBatch(
    "tagrelay-events",
    eventIds.map((eventId, i) => ({
      id: `${prefix}-${i}`,
      timestamp: new Date(),
      attempts: 1,
      body: { eventId },
    })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, { ...env, ...overrides });
  return getQueueResult(batch, ctx);
}

const tally = (): D1Tally => ({ d1RoundTrips: 0, d1Statements: 0, d1RowsRead: 0, d1RowsWritten: 0 });

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the ledger in the event's row", () => {
  it("writes 5 D1 rows for an accepted order delivered to GA4 and Meta: 3 at ingest, 1 claim, 1 record", async () => {
    // The isolate writes its webhook counters at most every 10 s: this first order takes that write.
    await storeOrder();
    const ingest = tally();
    const eventId = await storeOrder({ DB: countingD1(env.DB, ingest) });
    expect(ingest).toMatchObject({ d1RoundTrips: 1, d1RowsWritten: 3 });

    const { ga4, meta } = mockDestinations();
    const consumer = tally();
    const result = await consume([eventId], { DB: countingD1(env.DB, consumer) });
    expect(result.explicitAcks).toEqual(["msg-0"]);
    expect([ga4.length, meta.length]).toEqual([1, 1]);
    expect(consumer).toMatchObject({ d1RoundTrips: 2, d1Statements: 2, d1RowsWritten: 2 });
    expect(await ledgerOf(eventId)).toEqual([
      { destination: "ga4", status: "sent" },
      { destination: "meta", status: "sent" },
    ]);
  });

  it("lets two consumers of one event send each destination once", async () => {
    const eventId = await storeOrder();
    const { ga4, meta } = mockDestinations();
    const [first, second] = await Promise.all([consume([eventId], {}, "a"), consume([eventId], {}, "b")]);
    expect([ga4.length, meta.length]).toEqual([1, 1]);
    expect(await ledgerOf(eventId, "status", "attempts")).toEqual([
      { destination: "ga4", status: "sent", attempts: 1 },
      { destination: "meta", status: "sent", attempts: 1 },
    ]);
    // The one that claimed acks; the other acks too (all final) or looks again after the lease.
    expect(first.explicitAcks.length + first.retryMessages.length).toBe(1);
    expect(second.explicitAcks.length + second.retryMessages.length).toBe(1);
  });

  it("claims only what is claimable: a sent entry stays, a retrying one is taken, a live lease is left", async () => {
    const eventId = await storeOrder();
    const now = Date.now();
    await putLedgerEntry(eventId, "meta", { status: "sent" });
    await putLedgerEntry(eventId, "ga4", { status: "retrying", attempts: 2, next_attempt_at: now - 1 });
    const claim = await claimDeliveries(env.DB, [eventId], ["ga4", "meta"], now);
    expect(claim.claimed).toEqual([{ eventId, destination: "ga4" }]);
    expect(claim.ledgers.get(eventId)?.get("ga4")).toMatchObject({
      status: "sending",
      attempts: 3,
      lease_until: now + LEASE_MS,
      claim: claim.token,
    });
    const again = await claimDeliveries(env.DB, [eventId], ["ga4", "meta"], now + 1000);
    expect(again.claimed).toEqual([]);
    expect(again.ledgers.get(eventId)?.get("ga4")).toMatchObject({ status: "sending", claim: claim.token });
  });

  it("does not let a consumer whose lease lapsed overwrite the one that took over", async () => {
    const eventId = await storeOrder();
    const now = Date.now();
    const stale = await claimDeliveries(env.DB, [eventId], ["ga4"], now);
    const taker = await claimDeliveries(env.DB, [eventId], ["ga4"], now + LEASE_MS + 1);
    expect(taker.claimed).toEqual([{ eventId, destination: "ga4" }]);

    await recordOutcomes(
      env.DB,
      stale,
      [{ eventId, destination: "ga4", outcome: { status: "failed", httpStatus: 400, reason: "late" } }],
      ["ga4"],
      now + LEASE_MS + 2,
    );
    expect(await ledgerOf(eventId, "status", "attempts", "reason")).toEqual([
      { destination: "ga4", status: "sending", attempts: 2, reason: null },
    ]);

    await recordOutcomes(
      env.DB,
      taker,
      [{ eventId, destination: "ga4", outcome: { status: "sent", httpStatus: 204 } }],
      ["ga4"],
      now + LEASE_MS + 3,
    );
    expect(await ledgerOf(eventId, "status", "attempts", "last_http_status")).toEqual([
      { destination: "ga4", status: "sent", attempts: 2, last_http_status: 204 },
    ]);
  });

  it("keeps due_at at the earliest retry, and clears it and the client data once everything is final", async () => {
    const eventId = await storeOrder();
    const now = Date.now();
    const row = () =>
      env.DB.prepare("SELECT due_at, json_extract(payload, '$.client') AS client FROM events WHERE id = ?1")
        .bind(eventId)
        .first<{ due_at: number | null; client: string }>();
    const first = await claimDeliveries(env.DB, [eventId], ["ga4", "meta"], now);
    await recordOutcomes(
      env.DB,
      first,
      [
        {
          eventId,
          destination: "ga4",
          outcome: { status: "retry", reason: "503" },
          nextAttemptAt: now + 30_000,
        },
        { eventId, destination: "meta", outcome: { status: "sent", httpStatus: 200 } },
      ],
      ["ga4", "meta"],
      now,
    );
    expect(await row()).toMatchObject({ due_at: now + 30_000 });
    expect(JSON.parse((await row())?.client ?? "null")).not.toEqual({});

    const second = await claimDeliveries(env.DB, [eventId], ["ga4", "meta"], now + 30_000);
    expect(second.claimed).toEqual([{ eventId, destination: "ga4" }]);
    await recordOutcomes(
      env.DB,
      second,
      [{ eventId, destination: "ga4", outcome: { status: "sent", httpStatus: 204 } }],
      ["ga4", "meta"],
      now + 30_000,
    );
    expect(await row()).toEqual({ due_at: null, client: "{}" });
  });
});
