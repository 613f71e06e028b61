import { createMessageBatch, env } from "cloudflare:test";
import { afterAll, describe, expect, it, vi } from "vitest";
import { CONVERSION_IDS } from "../../scripts/bench/conversion-ids.mjs";
import { replayDeliveries } from "../../src/admin/replay";
import { sweep } from "../../src/deliver/sweep";
import { DESTINATIONS } from "../../src/destinations/registry";
import worker from "../../src/index";
import { ALL_DESTINATIONS, allDestinationSettings } from "../fixtures/destinations";
import { MAGENTO_SHOP, magentoOrder, signedMagentoRequest } from "../fixtures/magento";
import { shopifyOrder } from "../fixtures/shopify";
import { wooOrder, wooRequest } from "../fixtures/woocommerce";
import { fetchWith, recordingQueue, shopifyRequest } from "../helpers";

/**
 * Nothing lost, nothing doubled, under faults: 300 orders from the three sources as 330
 * signed webhooks (10 % redelivered, some concurrently), a Queue producer that fails now and
 * then, destinations that fail 30 % with 5xx, 5 % with timeouts and 2 % with 429. This test
 * plays the Queue (batches, retries, the dead-letter queue after MAX_ATTEMPTS) and the Cron
 * Trigger, runs until quiescent, then balances the ledger. Then the destinations recover and
 * a replay drains every dead letter.
 */

const ORDERS = { shopify: 150, woocommerce: 75, magento: 75 };
const MAX_ATTEMPTS = 4; // fewer than wrangler.toml's retries, so dead letters do happen here
const BATCH = 50;
const MINUTE = 60_000;

/** A seeded generator, so a failure can be replayed exactly. */
function seeded(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = seeded(20261127);

type Delivery = { eventId: string; attempts: number };

/** The Queue, played by the test: messages waiting, and those that went to the dead-letter queue. */
const pending: Delivery[] = [];
let producerSends = 0;
let producerFailures = 0;
async function flakySendBatch(messages: Iterable<{ body: { eventId: string } }>) {
  producerSends++;
  if (random() < 0.05) {
    producerFailures++;
    throw new Error("Queue send failed (injected)");
  }
  for (const m of messages) pending.push({ eventId: m.body.eventId, attempts: 1 });
}
const flakyQueue = {
  send: (body: { eventId: string }) => flakySendBatch([{ body }]),
  sendBatch: flakySendBatch,
} as unknown as Queue;

/** Every destination at once, each on its fake at https://<name>.test. */
const NAMES = Object.keys(ALL_DESTINATIONS);
const SETTINGS = await allDestinationSettings();
/** What each destination accepted (answered 2xx): conversion id → times. */
const received = Object.fromEntries(NAMES.map((name) => [name, new Map<string, number>()]));
const injected = Object.fromEntries(NAMES.map((name) => [name, 0]));
let healthy = false;

function fault(): Response | "timeout" | undefined {
  if (healthy) return undefined;
  const roll = random();
  if (roll < 0.3) return new Response("injected", { status: 503 });
  if (roll < 0.35) return "timeout";
  if (roll < 0.37) return new Response("slow down", { status: 429, headers: { "retry-after": "7" } });
  return undefined;
}

function mockFlakyDestinations() {
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input as RequestInfo, init);
    const url = new URL(request.url);
    const name = url.host.replace(/\.test$/, "");
    const helper = Object.values(ALL_DESTINATIONS).find((d) => d.helperHost?.host === url.host);
    if (helper?.helperHost) return helper.helperHost.answer();
    const destination = DESTINATIONS.find((d) => d.name === name);
    const fake = ALL_DESTINATIONS[name];
    if (!destination || !fake) throw new Error(`unexpected outbound request to ${url.host}`);
    const body = JSON.parse(await request.text());
    const failure = fault();
    if (failure) {
      injected[name]++;
      if (failure === "timeout") throw new DOMException("The operation timed out.", "TimeoutError");
      return failure;
    }
    const ids = CONVERSION_IDS[destination.name](body);
    for (const id of ids) received[name].set(id, (received[name].get(id) ?? 0) + 1);
    const accepted = destination.acceptedAnswer(ids);
    return new Response(accepted.body || null, { status: accepted.status });
  });
}

async function consume(queue: string, deliveries: Delivery[]) {
  const batch = createMessageBatch(
    queue,
    deliveries.map((d, i) => ({
      id: `${i}`,
      timestamp: new Date(),
      attempts: d.attempts,
      body: { eventId: d.eventId },
    })),
  );
  const outcome = new Map<string, "ack" | "retry">();
  for (const message of batch.messages) {
    const { ack, retry } = { ack: message.ack.bind(message), retry: message.retry.bind(message) };
    message.ack = () => {
      outcome.set(message.id, "ack");
      ack();
    };
    message.retry = (options) => {
      outcome.set(message.id, "retry");
      retry(options);
    };
  }
  await worker.queue(batch, { ...env, ...SETTINGS, EVENTS_QUEUE: flakyQueue });
  return deliveries.map((d, i) => ({ ...d, result: outcome.get(`${i}`) }));
}

/** Delivers every waiting message; retried ones come back, the dead-letter queue takes the rest. */
async function drainQueue(): Promise<{ batches: number; deadLettered: number }> {
  let batches = 0;
  let deadLettered = 0;
  while (pending.length) {
    const results = await consume("tagrelay-events", pending.splice(0, BATCH));
    batches++;
    const dead: Delivery[] = [];
    for (const r of results) {
      if (r.result === "ack") continue;
      if (r.attempts >= MAX_ATTEMPTS) dead.push(r);
      else pending.push({ eventId: r.eventId, attempts: r.attempts + 1 });
    }
    if (dead.length) {
      deadLettered += dead.length;
      await consume("tagrelay-dead", dead);
    }
  }
  return { batches, deadLettered };
}

async function ledgerBalance(eventIds: string[]) {
  const rows: Array<{ event_id: string; destination: string; status: string }> = [];
  for (let i = 0; i < eventIds.length; i += 90) {
    const chunk = eventIds.slice(i, i + 90);
    const result = await env.DB.prepare(
      `SELECT event_id, destination, status FROM deliveries WHERE event_id IN (${chunk.map((_, j) => `?${j + 1}`).join(",")})`,
    )
      .bind(...chunk)
      .all<{ event_id: string; destination: string; status: string }>();
    rows.push(...result.results);
  }
  const balance: Record<string, Record<string, number>> = Object.fromEntries(NAMES.map((n) => [n, {}]));
  for (const row of rows)
    balance[row.destination][row.status] = (balance[row.destination][row.status] ?? 0) + 1;
  // A conversion is explained when its destination sent it or gave up on it (dead).
  const final = rows.filter((r) => r.status === "sent" || r.status === "dead").length;
  return { balance, unexplained: eventIds.length * NAMES.length - final };
}

const doubles = () =>
  Object.values(received)
    .flatMap((map) => [...map.values()])
    .filter((n) => n > 1).length;
const sum = (count: (name: string) => number) => NAMES.reduce((total, name) => total + count(name), 0);
const balanceLines = (balance: Record<string, Record<string, number>>) =>
  NAMES.map((name) => `  ${`${name}:`.padEnd(12)}${JSON.stringify(balance[name])}`);

/**
 * The run as three steps, each done once and after the steps before it, whichever test asks
 * first: so every test runs alone (`-t`) as well as in order, and sees the same seeded faults.
 */
function once<T>(step: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => {
    result ??= step();
    return result;
  };
}

const eventIds: string[] = [];
const report: string[] = [];

/** 330 signed webhooks for 300 orders through the Worker, with faults in the Queue producer. */
const ingest = once(async () => {
  const now = Date.now();
  const requests: Array<() => Promise<Request>> = [];
  for (let i = 0; i < ORDERS.shopify; i++) {
    const id = String(9_700_000_000_000_000_000n + BigInt(i));
    eventIds.push(`shopify:relay-test.myshopify.com:purchase:${id}`);
    requests.push(() => shopifyRequest(shopifyOrder({ id, createdAt: new Date(now).toISOString() })));
  }
  for (let i = 0; i < ORDERS.woocommerce; i++) {
    const id = 70_000 + i;
    eventIds.push(`woocommerce:shop.example:purchase:${id}`);
    requests.push(() => wooRequest(wooOrder({ id })));
  }
  for (let i = 0; i < ORDERS.magento; i++) {
    const entityId = String(80_000 + i);
    eventIds.push(`magento:${MAGENTO_SHOP}:purchase:${entityId}`);
    requests.push(() => signedMagentoRequest(JSON.stringify({ order: magentoOrder({ entityId }) })));
  }
  // 10 % redelivered: half right after the original, half concurrently with it.
  const redelivered = Array.from({ length: 30 }, (_, i) => requests[(i * 10) % requests.length]);
  const groups: Array<Array<() => Promise<Request>>> = [];
  for (let i = 0; i < requests.length; i += 10) groups.push(requests.slice(i, i + 10));
  redelivered.forEach((make, i) => {
    groups[i % groups.length].push(make);
  });

  let webhooks = 0;
  const answers = new Map<number, number>();
  for (const group of groups) {
    const responses = await Promise.all(
      group.map(async (make) => fetchWith(await make(), { EVENTS_QUEUE: flakyQueue })),
    );
    for (const r of responses) answers.set(r.status, (answers.get(r.status) ?? 0) + 1);
    webhooks += group.length;
  }
  const stored = await env.DB.prepare("SELECT COUNT(*) AS n FROM events").first<{ n: number }>();
  return { webhooks, answers: Object.fromEntries(answers), stored: stored?.n, producerFailures };
});

/** The Queue and the Cron Trigger, played until nothing is left to do; then the ledger's balance. */
const runUntilQuiescent = once(async () => {
  const { webhooks, answers } = await ingest();
  mockFlakyDestinations();
  let rounds = 0;
  let deadLettered = 0;
  let requeuedBySweep = 0;
  let clock = Date.now();
  for (;;) {
    rounds++;
    deadLettered += (await drainQueue()).deadLettered;
    clock += 11 * MINUTE;
    const swept = await sweep({ ...env, ...SETTINGS, EVENTS_QUEUE: flakyQueue }, clock);
    requeuedBySweep += swept.requeued;
    if (swept.requeued === 0 && pending.length === 0) break;
    if (rounds >= 20) throw new Error(`not quiescent after ${rounds} rounds`);
  }
  const { balance, unexplained } = await ledgerBalance(eventIds);
  const delivered = sum((name) => balance[name].sent ?? 0);
  const dead = sum((name) => balance[name].dead ?? 0);
  report.push(
    "fault injection ledger",
    `  webhooks ${webhooks} (all answered ${Object.keys(answers).join(",")}), orders ${eventIds.length}, destinations ${NAMES.length} (${NAMES.join(", ")}), conversions × destinations ${eventIds.length * NAMES.length}`,
    `  queue producer failures ${producerFailures} of ${producerSends} sends; re-enqueued by the sweep ${requeuedBySweep}; rounds ${rounds}`,
    `  injected destination failures: ${NAMES.map((name) => `${name} ${injected[name]}`).join(", ")}; dead-lettered messages ${deadLettered}`,
    ...balanceLines(balance),
    `  delivered ${delivered} + dead ${dead} = ${delivered + dead}; unexplained ${unexplained}; received twice ${doubles()}`,
  );
  return {
    rounds,
    balance,
    unexplained,
    delivered,
    dead,
    doubles: doubles(),
    received: Object.fromEntries(NAMES.map((name) => [name, received[name].size])),
    injected: sum((name) => injected[name]),
  };
});

/** The destinations recover and a replay drains every dead letter. */
const recoverAndReplay = once(async () => {
  await runUntilQuiescent();
  healthy = true;
  const queue = recordingQueue();
  const replay = await replayDeliveries({ DB: env.DB, EVENTS_QUEUE: queue }, { status: "dead" });
  for (const message of queue.sent as Array<{ eventId: string }>)
    pending.push({ eventId: message.eventId, attempts: 1 });
  await drainQueue();
  const { balance, unexplained } = await ledgerBalance(eventIds);
  report.push(
    `  after recovery and replay (${replay.deliveries} dead deliveries, ${replay.requeued} events requeued):`,
    ...balanceLines(balance),
    `  unexplained ${unexplained}; received twice ${doubles()}`,
  );
  return {
    balance,
    unexplained,
    doubles: doubles(),
    received: Object.fromEntries(NAMES.map((name) => [name, received[name].size])),
  };
});

describe("fault injection: nothing lost, nothing doubled", () => {
  afterAll(() => {
    vi.restoreAllMocks();
    globalThis.printReport(`\n${report.join("\n")}\n`);
  });

  // 330 requests through the whole Worker: the ceilings are for a loaded machine, not measurements.
  it("ingests 330 signed webhooks for 300 orders with faults in the Queue producer", async () => {
    const { webhooks, answers, stored, producerFailures } = await ingest();
    expect(webhooks).toBe(330);
    expect(answers).toEqual({ 200: 330 });
    expect(stored).toBe(300);
    expect(producerFailures).toBeGreaterThan(0);
  }, 30_000);

  it("runs until quiescent, then balances: every conversion delivered or dead, none twice", async () => {
    const { rounds, balance, unexplained, delivered, dead, doubles, received, injected } =
      await runUntilQuiescent();
    expect(rounds).toBeLessThan(20);
    expect(unexplained).toBe(0);
    expect(delivered + dead).toBe(eventIds.length * NAMES.length);
    expect(doubles).toBe(0);
    // Every conversion the ledger calls sent was received exactly once, and no dead one at all.
    for (const name of NAMES) expect(received[name], name).toBe(balance[name].sent ?? 0);
    expect(injected).toBeGreaterThan(0);
  }, 60_000);

  it("drains every dead letter to delivered once the destinations recover, still none twice", async () => {
    const { balance, unexplained, doubles, received } = await recoverAndReplay();
    for (const name of NAMES) {
      expect(balance[name], name).toEqual({ sent: eventIds.length });
      expect(received[name], name).toBe(eventIds.length);
    }
    expect(unexplained).toBe(0);
    expect(doubles).toBe(0);
  }, 60_000);
});
