// 2. Ingest over HTTP on the local runtime (`wrangler dev`, workerd): tagrelay's
// /webhooks/shopify against (a) bench/bare and (b) bench/minimal, same requests, same client.
import { join } from "node:path";
import { DESTINATION_VARS } from "./cost.mjs";
import {
  applyMigrations,
  latencySummary,
  postAll,
  projectConfig,
  ROOT,
  removeDir,
  startWorker,
  tempDir,
} from "./local.mjs";
import { SECRETS, shopifyDelivery, shopifyOrderId } from "./requests.mjs";

/** Unique Shopify orders (3 line items), signed before the clock starts. */
function deliveries(p, from, count) {
  return Array.from({ length: count }, (_, i) =>
    shopifyDelivery(p, { orderId: shopifyOrderId(from + i), lines: 3 }),
  );
}

async function measureTarget(p, target, { requests, warmup, concurrency, logDir }) {
  const dir = tempDir(`http-${target.name}`);
  const persistTo = join(dir, "state");
  let worker;
  try {
    const configPath = target.config(dir);
    if (target.schema) applyMigrations(configPath, persistTo);
    worker = await startWorker({ name: target.name, configPath, persistTo, logDir, vars: target.vars });
    const base = 1_000_000;
    await postAll(worker.url, deliveries(p, base, warmup), { concurrency });
    const batch = deliveries(p, base + warmup, requests);
    const { results, seconds } = await postAll(worker.url, batch, { concurrency, timeoutMs: 30_000 });
    const accepted = results.filter(
      (r) => r.status === 200 && JSON.parse(r.text).status === "accepted",
    ).length;
    if (accepted !== requests) {
      const other = results.find((r) => r.status !== 200 || JSON.parse(r.text).status !== "accepted");
      throw new Error(
        `${target.name}: ${requests - accepted} of ${requests} not accepted (e.g. ${other?.status} ${other?.text.slice(0, 200)})`,
      );
    }
    return { name: target.name, label: target.label, accepted, ...latencySummary(results, seconds) };
  } finally {
    await worker?.stop();
    removeDir(dir);
  }
}

export async function measureHttp(p, { requests = 600, warmup = 60, concurrency = 8, logDir }) {
  const targets = [
    {
      name: "tagrelay",
      label: "tagrelay /webhooks/shopify",
      schema: true,
      // The project's wrangler.toml without its Queue consumers: this measures the webhook path
      // alone (section 4 counts the consumer).
      config: (dir) => projectConfig(dir, { consumers: false }),
      vars: { ...SECRETS, ...DESTINATION_VARS, DESTINATIONS_MODE: "dry-run" },
    },
    { name: "bare", label: "(a) bench/bare: 200 only", config: () => join(ROOT, "bench/bare/wrangler.toml") },
    {
      name: "minimal",
      label: "(b) bench/minimal: same binding calls",
      schema: true,
      config: () => join(ROOT, "bench/minimal/wrangler.toml"),
    },
  ];
  const rows = [];
  for (const target of targets)
    rows.push(await measureTarget(p, target, { requests, warmup, concurrency, logDir }));
  return { concurrency, requests, rows };
}
