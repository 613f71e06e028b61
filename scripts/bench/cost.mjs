// 3. Binding operations per webhook and 4. the consumer's work per batch, counted inside
// workerd: bench/counting/worker.ts runs tagrelay's real handlers on `wrangler dev` with
// counting wrappers around KV, D1 (rows from D1's own meta), the Queue and fetch.
import { join } from "node:path";
import {
  applyMigrations,
  frozenConfig,
  postAll,
  ROOT,
  removeDir,
  startFakeDestinations,
  startWorker,
  tempDir,
} from "./local.mjs";
import { magentoDelivery, SECRETS, shopifyDelivery, shopifyOrderId, wooDelivery } from "./requests.mjs";

export const DESTINATION_VARS = {
  GA4_MEASUREMENT_ID: "G-BENCH00000",
  GA4_API_SECRET: "bench-ga4-secret",
  META_PIXEL_ID: "100000000000000",
  META_ACCESS_TOKEN: "bench-meta-token",
};

const FIELDS = [
  "kvReads",
  "kvWrites",
  "kvOther",
  "d1RoundTrips",
  "d1Statements",
  "d1RowsRead",
  "d1RowsWritten",
  "queueSendCalls",
  "queueMessages",
  "queueOperations",
  "subrequests",
];

async function call(worker, path, body) {
  const response = await fetch(`${worker.url}${path}`, {
    method: "POST",
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

/** Sends the deliveries one at a time and returns the counts per delivery and the answers seen. */
async function scenario(worker, deliveries, expected) {
  await call(worker, "/__bench/reset");
  const { results } = await postAll(worker.url, deliveries, { concurrency: 1 });
  const counts = await call(worker, "/__bench/counts");
  const statuses = results.map((r) => (r.status === 200 ? JSON.parse(r.text).status : `HTTP ${r.status}`));
  const unexpected = statuses.filter((s) => s !== expected);
  if (unexpected.length) throw new Error(`expected ${expected}, got ${[...new Set(unexpected)].join(", ")}`);
  const per = Object.fromEntries(FIELDS.map((f) => [f, counts[f] / deliveries.length]));
  return { n: deliveries.length, per };
}

export async function measureCost(p, { logDir, batch = 100 }) {
  const fake = await startFakeDestinations();
  const dir = tempDir("counting");
  const persistTo = join(dir, "state");
  let worker;
  try {
    const configPath = frozenConfig(dir, join(ROOT, "bench/counting/wrangler.toml"));
    applyMigrations(configPath, persistTo);
    worker = await startWorker({
      name: "counting",
      configPath,
      persistTo,
      logDir,
      vars: {
        ...SECRETS,
        ...DESTINATION_VARS,
        GA4_ENDPOINT: fake.ga4Endpoint,
        META_ENDPOINT: fake.metaEndpoint,
        // All eight destinations on, so section 4 counts what each one costs.
        ...fake.newerVars(),
      },
    });
    // The isolate's first webhook also writes the webhook counters (at most once per 10 s).
    const warmup = await scenario(worker, [shopifyDelivery(p, { orderId: shopifyOrderId(0) })], "accepted");
    const shopifyIds = Array.from({ length: batch }, (_, i) => shopifyOrderId(1 + i));
    const rows = [];
    const run = async (name, deliveries, expected) =>
      rows.push({ name, expected, ...(await scenario(worker, deliveries, expected)) });
    await run(
      "Shopify orders/create, new order",
      shopifyIds.map((orderId) => shopifyDelivery(p, { orderId })),
      "accepted",
    );
    await run(
      "Shopify orders/paid, same orders (duplicate)",
      shopifyIds.map((orderId) => shopifyDelivery(p, { orderId, topic: "orders/paid" })),
      "duplicate",
    );
    const wooIds = Array.from({ length: 20 }, (_, i) => 50_001 + i);
    await run(
      "WooCommerce order.updated, new order",
      wooIds.map((orderId) => wooDelivery(p, { orderId })),
      "accepted",
    );
    await run(
      "WooCommerce order.updated, again (duplicate)",
      wooIds.map((orderId) => wooDelivery(p, { orderId })),
      "duplicate",
    );
    const magentoIds = Array.from({ length: 20 }, (_, i) => 90_001 + i);
    await run(
      "Magento order save, new order",
      magentoIds.map((orderId) => magentoDelivery(p, { orderId })),
      "accepted",
    );

    // 4. One consumer batch of the accepted Shopify events, the eight destinations on a loopback fake.
    await call(worker, "/__bench/reset");
    const eventIds = shopifyIds.map((id) => shopifyDelivery(p, { orderId: id }).eventId);
    const consumed = await call(worker, "/__bench/consume", { eventIds });
    const counts = await call(worker, "/__bench/counts");
    const consumer = {
      events: eventIds.length,
      acked: consumed.acked,
      retried: consumed.retried,
      ms: consumed.ms,
      ga4Requests: fake.requests.ga4,
      metaRequests: fake.requests.meta,
      requests: { ...fake.requests },
      received: Object.fromEntries(Object.entries(fake.received).map(([kind, list]) => [kind, list.length])),
      subrequests: counts.subrequests,
      d1RoundTrips: counts.d1RoundTrips,
      d1Statements: counts.d1Statements,
      d1RowsRead: counts.d1RowsRead,
      d1RowsWritten: counts.d1RowsWritten,
      kvReads: counts.kvReads,
      kvWrites: counts.kvWrites,
      queueMessages: counts.queueMessages,
    };
    return { warmup, rows, consumer, workerd: true };
  } finally {
    await worker?.stop();
    await fake.close();
    removeDir(dir);
  }
}
