// 1. CPU per webhook: verify + parse + normalize (source.handle) and build the GA4 and Meta
// payloads, in Node 20 (V8, WebCrypto on globalThis.crypto) on the bundled src modules.
import { performance } from "node:perf_hooks";
import { HOSTILE_CASES } from "./hostile.mjs";
import { magentoDelivery, SECRETS, shopifyDelivery, shopifyOrderId, wooDelivery } from "./requests.mjs";

const CASES = [
  {
    name: "Shopify, 3 line items",
    make: (p) => shopifyDelivery(p, { orderId: shopifyOrderId(1), lines: 3 }),
  },
  {
    name: "Shopify, 30 line items",
    make: (p) => shopifyDelivery(p, { orderId: shopifyOrderId(2), lines: 30 }),
    targetUs: 1000,
  },
  {
    name: "Shopify, 250 line items",
    make: (p) => shopifyDelivery(p, { orderId: shopifyOrderId(3), lines: 250 }),
    targetUs: 5000,
  },
  { name: "WooCommerce, 3 line items", make: (p) => wooDelivery(p, { orderId: 4101 }) },
  { name: "Magento, 6 item rows", make: (p) => magentoDelivery(p, { orderId: 9101 }) },
  ...HOSTILE_CASES,
];

const percentile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/** One webhook through the pipeline; returns the answer it would get ("events", or status and reason). */
async function pipelineOnce(p, source, request, config, outcome = "events") {
  const verdict = await source.handle(request, config);
  const answer = verdict.outcome === "rejected" ? `${verdict.status} ${verdict.reason}` : verdict.outcome;
  if (verdict.outcome !== outcome) throw new Error(`expected ${outcome}, got ${answer}`);
  const now = new Date();
  for (const { event } of verdict.events ?? []) {
    await p.toGa4Payload(event, config, now);
    p.toMetaEvent(event, config);
  }
  return answer;
}

/** Median and p99 wall time per webhook, and CPU time (process.cpuUsage, all threads) per webhook. */
export async function measureCpu(p, { budgetMs = 1500, warmup = 200, minRuns = 50 } = {}) {
  const loaded = p.loadConfig({
    ...SECRETS,
    GA4_MEASUREMENT_ID: "G-BENCH00000",
    GA4_API_SECRET: "bench",
    META_PIXEL_ID: "100000000000000",
    META_ACCESS_TOKEN: "bench",
  });
  if (!loaded.ok) throw new Error(`config: ${loaded.reason.join("; ")}`);
  const rows = [];
  for (const c of CASES) {
    const delivery = c.make(p);
    const request = { headers: new Headers(delivery.headers), bytes: new Uint8Array(delivery.body) };
    const source = p.sources[delivery.source];
    const run = () => pipelineOnce(p, source, request, loaded.value, c.outcome);
    for (let i = 0; i < (c.warmup ?? warmup); i++) await run();
    const samples = [];
    let answer;
    const cpuStart = process.cpuUsage();
    const until = performance.now() + (c.budgetMs ?? budgetMs);
    while (performance.now() < until || samples.length < (c.minRuns ?? minRuns)) {
      const t0 = performance.now();
      answer = await run();
      samples.push((performance.now() - t0) * 1000);
    }
    const cpu = process.cpuUsage(cpuStart);
    samples.sort((a, b) => a - b);
    rows.push({
      name: c.name,
      bodyBytes: delivery.body.length,
      iterations: samples.length,
      medianUs: percentile(samples, 0.5),
      p99Us: percentile(samples, 0.99),
      cpuUs: (cpu.user + cpu.system) / samples.length,
      targetUs: c.targetUs,
      answer,
    });
  }
  return rows;
}
