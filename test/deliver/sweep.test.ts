import { createExecutionContext, createScheduledController, env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { sweep } from "../../src/deliver/sweep";
import worker from "../../src/index";
import { shopifyOrder } from "../fixtures/shopify";
import { countRows, fetchWith, putLedgerEntry, recordingQueue, shopifyRequest } from "../helpers";

afterEach(() => {
  vi.restoreAllMocks();
});

const MINUTE = 60_000;

async function store(id: string, queue = recordingQueue()) {
  const order = shopifyOrder({ id, createdAt: new Date().toISOString() });
  await fetchWith(await shopifyRequest(order, { shop: "sweep.myshopify.com" }), {
    SHOPIFY_SHOP: "sweep.myshopify.com",
    EVENTS_QUEUE: queue,
  });
  return `shopify:sweep.myshopify.com:purchase:${id}`;
}

describe("outbox sweep", () => {
  it("re-enqueues an event whose Queue send failed, once it is 10 minutes old, and clears the marker", async () => {
    const eventId = await store("9400000000000000001", recordingQueue(true));
    const queue = recordingQueue();
    const early = await sweep({ ...env, EVENTS_QUEUE: queue }, Date.now() + 5 * MINUTE);
    expect(early.requeued).toBe(0);
    const later = await sweep({ ...env, EVENTS_QUEUE: queue }, Date.now() + 11 * MINUTE);
    expect(later.requeued).toBeGreaterThanOrEqual(1);
    expect(queue.sent).toContainEqual({ eventId });
    const row = await env.DB.prepare("SELECT enqueue_error FROM events WHERE id = ?1").bind(eventId).first();
    expect(row).toEqual({ enqueue_error: null });
  });

  it("re-enqueues a retry the Queue lost, and leaves final deliveries alone", async () => {
    const lost = await store("9400000000000000002");
    const done = await store("9400000000000000003");
    const t = Date.now();
    await putLedgerEntry(lost, "ga4", { status: "retrying", next_attempt_at: t - 5 * MINUTE });
    await putLedgerEntry(lost, "meta", { status: "sent" });
    await putLedgerEntry(done, "ga4", { status: "sent" });
    await putLedgerEntry(done, "meta", { status: "sent" });
    const queue = recordingQueue();
    await sweep({ ...env, EVENTS_QUEUE: queue }, t + 40 * MINUTE);
    expect(queue.sent).toContainEqual({ eventId: lost });
    expect(queue.sent).not.toContainEqual({ eventId: done });
  });

  it("purges events and ledger rows past RETENTION_DAYS", async () => {
    const eventId = await store("9400000000000000004");
    await putLedgerEntry(eventId, "ga4", { status: "sent" });
    const result = await sweep({ ...env, EVENTS_QUEUE: recordingQueue() }, Date.now() + 31 * 86_400_000);
    expect(result.purged).toBeGreaterThanOrEqual(1);
    expect(await countRows("events", "id = ?1", eventId)).toBe(0);
    expect(await countRows("deliveries", "event_id = ?1", eventId)).toBe(0);
  });

  it("runs from the Cron Trigger at the controller's scheduledTime", async () => {
    const before = globalThis.capturedLogLines.length;
    const eventId = await store("9400000000000000005", recordingQueue(true));
    // Received 5 minutes ago: not stranded now, stranded at a scheduledTime 6 minutes from now.
    // Events of earlier tests are seconds old, so this run finds this one event and nothing else.
    const now = Date.now();
    await env.DB.prepare("UPDATE events SET received_at = ?1 WHERE id = ?2")
      .bind(new Date(now - 5 * MINUTE).toISOString(), eventId)
      .run();
    const queue = recordingQueue();
    const controller = createScheduledController({
      scheduledTime: new Date(now + 6 * MINUTE),
      cron: "*/10 * * * *",
    });
    await worker.scheduled(controller, { ...env, EVENTS_QUEUE: queue }, createExecutionContext());
    expect(queue.sent).toEqual([{ eventId }]);
    const row = await env.DB.prepare("SELECT enqueue_error FROM events WHERE id = ?1").bind(eventId).first();
    expect(row).toEqual({ enqueue_error: null });
    const sweeps = globalThis.capturedLogLines
      .slice(before)
      .filter((l) => l.includes('"msg":"sweep"'))
      .map((l) => JSON.parse(l));
    expect(sweeps).toEqual([
      {
        level: "info",
        msg: "sweep",
        requeued: 1,
        purged: 0,
        clientCleared: 0,
        collectedPurged: 0,
        collectedClientCleared: 0,
      },
    ]);
  });
});
