#!/usr/bin/env node
// `npm run bench`: how fast, how cheap, and how close to the limit. Prints one markdown
// report and writes it to bench-results/latest.md. Exits non-zero only when the benchmark
// itself broke; a figure that misses its target is reported, not fatal.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { importPipeline } from "./bundle.mjs";
import { measureBundle } from "./bundle-size.mjs";
import { measureCost } from "./cost.mjs";
import { measureCpu } from "./cpu.mjs";
import { measureHttp } from "./http.mjs";
import { ROOT, tempDir } from "./local.mjs";
import { withSyncCrypto } from "./sync-crypto.mjs";

// Cloudflare list prices (USD, Workers Paid, beyond the monthly allowances), read 2026-11-27 from
// developers.cloudflare.com: workers/platform/pricing, kv/platform/pricing, d1/platform/pricing,
// queues/pricing.
export const PRICES = {
  date: "2026-11-27",
  request: 0.3 / 1e6,
  cpuMs: 0.02 / 1e6,
  kvRead: 0.5 / 1e6,
  kvWrite: 5 / 1e6,
  d1RowRead: 0.001 / 1e6,
  d1RowWritten: 1 / 1e6,
  queueOperation: 0.4 / 1e6,
};
const BATCH = 100;
const HTTP_TARGET_RATIO = 0.8;

const f0 = (n) => Math.round(n).toLocaleString("en-US");
const f1 = (n) => n.toFixed(1);
const f2 = (n) => n.toFixed(2);
const usd = (n) => `$${n < 0.01 && n > 0 ? n.toFixed(4) : n.toFixed(2)}`;
const table = (head, rows) =>
  [
    `| ${head.join(" | ")} |`,
    `|${head.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
const verdict = (ok) => (ok ? "met" : "**missed**");

function cpuSection({ webCrypto, syncCrypto }) {
  const rows = syncCrypto.map((r, i) => [
    r.name,
    `${f0(r.bodyBytes)} B`,
    f0(r.iterations),
    f0(r.medianUs),
    f0(r.p99Us),
    f0(r.cpuUs),
    f0(webCrypto[i].medianUs),
    r.targetUs ? `≤ ${f0(r.targetUs)} µs: ${verdict(r.medianUs <= r.targetUs)}` : "—",
    r.answer,
  ]);
  return [
    "## 1. CPU per webhook",
    "",
    "Measured in **Node " +
      process.versions.node +
      "** (V8, WebCrypto on `globalThis.crypto`) on the src modules bundled with esbuild: " +
      "`source.handle({headers, bytes}, config)` (verify HMAC, parse, zod, normalize, hash PII) then " +
      "`toGa4Payload` + `toMetaEvent` per event. Sequential, after 200 warm-up runs (2 for the hostile bodies, " +
      "which must be refused: scripts/bench/hostile.mjs); median and p99 wall " +
      "time per webhook, and process CPU time (all threads) divided by the iterations. Workers Free allows 10 ms CPU per request. " +
      "Node dispatches every WebCrypto call to its thread pool (~60 µs each) where workerd answers SHA-256 and HMAC " +
      "synchronously, so the main figures hash with node:crypto's synchronous functions (scripts/bench/sync-crypto.mjs); " +
      "the last column is the same pipeline on Node's own WebCrypto.",
    "",
    table(
      [
        "webhook",
        "body",
        "runs",
        "median µs",
        "p99 µs",
        "CPU µs / webhook",
        "median µs, Node WebCrypto",
        "target (median)",
        "answer",
      ],
      rows,
    ),
  ].join("\n");
}

function httpSection(http) {
  const [ours, bare, minimal] = http.rows;
  const rows = http.rows.map((r) => [
    r.label,
    f0(r.rps),
    f1(r.p50),
    f1(r.p99),
    f2(r.rps / bare.rps),
    f2(r.rps / minimal.rps),
  ]);
  const ratio = ours.rps / minimal.rps;
  return [
    "## 2. Ingest over HTTP on the local runtime",
    "",
    `\`wrangler dev\` (workerd, local KV / D1 / Queue, each Worker with its own fresh persist dir) on 127.0.0.1; ` +
      `${http.requests} signed Shopify orders/create webhooks (3 line items, every order unique, so every one is accepted) ` +
      `at concurrency ${http.concurrency} over keep-alive connections, after a warm-up. tagrelay runs with ` +
      "DESTINATIONS_MODE=dry-run and no Queue consumer, so only the webhook path is measured.",
    "",
    table(["Worker", "req/s", "p50 ms", "p99 ms", "× (a)", "× (b)"], rows),
    "",
    `Target: tagrelay ≥ ${HTTP_TARGET_RATIO} × (b) in throughput — ${ratio.toFixed(3)} × (b): ${verdict(ratio >= HTTP_TARGET_RATIO)}.`,
  ].join("\n");
}

function costSection(cost, cpu) {
  const head = [
    "webhook",
    "KV reads",
    "KV writes",
    "D1 round trips",
    "D1 statements",
    "D1 rows read",
    "D1 rows written",
    "Queue messages",
    "subrequests",
  ];
  const line = (name, c) => [
    name,
    f2(c.kvReads),
    f2(c.kvWrites),
    f2(c.d1RoundTrips),
    f2(c.d1Statements),
    f2(c.d1RowsRead),
    f2(c.d1RowsWritten),
    f2(c.queueMessages),
    f2(c.subrequests),
  ];
  const rows = cost.rows.map((r) => line(`${r.name} (n=${r.n})`, r.per));
  const flush = Object.fromEntries(
    Object.entries(cost.warmup.per).map(([k, v]) => [k, v - (cost.rows[0].per[k] ?? 0)]),
  );
  rows.push(line("+ webhook_counts flush (first webhook of an isolate, then ≤ 1 per 10 s)", flush));

  const duplicates = cost.rows.filter((r) => r.expected === "duplicate");
  const oneRead = duplicates.every((r) =>
    Object.entries(r.per).every(([k, v]) => (k === "kvReads" ? v === 1 : v === 0)),
  );

  const c = cost.consumer;
  const perEvent = (k) => c[k] / c.events;
  const accepted = cost.rows[0].per;
  const dup = duplicates[0].per;
  const cpuMs = cpu.syncCrypto[0].cpuUs / 1000;
  // Each message: 1 write (counted at send) + 1 read + 1 delete by the platform, per 64 KB.
  const queueOps = accepted.queueOperations * 3;
  const money = [
    ["Worker requests", 1 + 1 / BATCH, 1, PRICES.request, `webhook + 1/${BATCH} consumer invocation`],
    [
      "CPU ms (webhook pipeline, section 1)",
      cpuMs,
      cpuMs,
      PRICES.cpuMs,
      "Shopify 3 lines; consumer CPU not included",
    ],
    ["KV reads", accepted.kvReads, dup.kvReads, PRICES.kvRead, ""],
    ["KV writes", accepted.kvWrites, dup.kvWrites, PRICES.kvWrite, ""],
    [
      "D1 rows read",
      accepted.d1RowsRead + perEvent("d1RowsRead"),
      dup.d1RowsRead,
      PRICES.d1RowRead,
      `ingest ${f2(accepted.d1RowsRead)} + consumer ${f2(perEvent("d1RowsRead"))}`,
    ],
    [
      "D1 rows written",
      accepted.d1RowsWritten + perEvent("d1RowsWritten"),
      dup.d1RowsWritten,
      PRICES.d1RowWritten,
      `ingest ${f2(accepted.d1RowsWritten)} + consumer ${f2(perEvent("d1RowsWritten"))}`,
    ],
    [
      "Queue operations",
      queueOps,
      dup.queueOperations * 3,
      PRICES.queueOperation,
      "write + read + delete per message",
    ],
  ];
  const rowsPerOrder = accepted.d1RowsWritten + perEvent("d1RowsWritten");
  const totalAccepted = money.reduce((s, [, a, , p]) => s + a * p * 1e6, 0);
  const totalDup = money.reduce((s, [, , d, p]) => s + d * p * 1e6, 0);
  const moneyRows = money.map(([name, a, d, p, note]) => [
    name,
    f2(a),
    usd(a * p * 1e6),
    f2(d),
    usd(d * p * 1e6),
    `$${+(p * 1e6).toFixed(3)} / M`,
    note,
  ]);
  moneyRows.push(["**total**", "", `**${usd(totalAccepted)}**`, "", `**${usd(totalDup)}**`, "", ""]);

  return [
    "## 3. Cost per webhook",
    "",
    "Counted, not guessed: `bench/counting/worker.ts` runs tagrelay's own `app.fetch` in workerd (`wrangler dev`, local " +
      "KV / D1 / Queue) with counting wrappers around KV, D1, the Queue producer and `fetch`; D1 rows are D1's own " +
      "`meta.rows_read` / `meta.rows_written` (the local SQLite engine, which counts index rows as D1 bills them). " +
      "Webhooks are sent one at a time and `waitUntil` work is awaited, so each is counted whole.",
    "",
    table(head, rows),
    "",
    `A duplicate costs exactly one KV read and nothing else: **${oneRead ? "yes" : "no"}**.`,
    "",
    `Dollars per million webhooks at Cloudflare's list prices (Workers Paid, beyond the included allowances; prices read ${PRICES.date}). ` +
      `The consumer's share is section 4's batch divided by its ${c.events} events.`,
    "",
    table(
      ["item", "per accepted", "$ / M accepted", "per duplicate", "$ / M duplicates", "price", "note"],
      moneyRows,
    ),
    "",
    `**D1 rows written per accepted order, end to end** (ingest and one successful delivery to each of the ` +
      `${Object.keys(c.requests).filter((k) => k !== "google_token").length} destinations): ` +
      `**${f2(rowsPerOrder)}** (ingest ${f2(accepted.d1RowsWritten)} + consumer ${f2(perEvent("d1RowsWritten"))}; ` +
      `at most 6 wanted: **${rowsPerOrder <= 6 ? "yes" : "no"}**). ` +
      `**Outbound requests per accepted order: ${f2(perEvent("subrequests"))}** (GA4's one per order, and each ` +
      `batching destination's one request shared by the batch's ${c.events}). ` +
      `**Cost per million accepted orders: ${usd(totalAccepted)}.**`,
  ].join("\n");
}

/** What the platform's floor of requests is for a batch of `n` events, and why. */
const REQUEST_FLOOR = {
  ga4: (n) => [n, "one per event (client_id is per request)"],
  meta: () => [1, "one batch (≤ 1,000 events)"],
  tiktok: () => [1, "one batch (≤ 1,000 events)"],
  pinterest: () => [1, "one batch (≤ 1,000 events)"],
  google_ads: () => [1, "one batch (≤ 2,000 events)"],
  google_token: () => [1, "the access token, once per isolate and hour"],
  snapchat: () => [1, "one batch (≤ 1,000 events)"],
  reddit: () => [1, "one batch (≤ 1,000 events)"],
  microsoft: () => [1, "one batch (≤ 1,000 events)"],
};

function consumerSection(cost) {
  const c = cost.consumer;
  const kinds = Object.keys(REQUEST_FLOOR).filter((kind) => kind in c.requests);
  const floor = kinds.reduce((sum, kind) => sum + REQUEST_FLOOR[kind](c.events)[0], 0);
  const rows = [
    ...kinds.map((kind) => {
      const [minimum, note] = REQUEST_FLOOR[kind](c.events);
      const conversions = kind === "google_token" ? "" : `; ${f0(c.received[kind])} conversions received`;
      return [`${kind} requests`, f0(c.requests[kind]), f0(minimum), `${note}${conversions}`];
    }),
    ["outbound subrequests", f0(c.subrequests), f0(floor), "the sum of the floors above"],
    ["D1 round trips", f0(c.d1RoundTrips), "constant", "claim (returns the events), record"],
    ["D1 statements", f0(c.d1Statements), "—", ""],
    ["D1 rows read", f0(c.d1RowsRead), "—", ""],
    ["D1 rows written", f0(c.d1RowsWritten), "—", "one per event, whatever the number of destinations"],
    ["messages acked / retried", `${c.acked} / ${c.retried}`, `${c.events} / 0`, ""],
    ["wall time", `${f0(c.ms)} ms`, "—", "workerd, every destination on a loopback fake"],
  ];
  return [
    `## 4. The consumer, one batch of ${c.events} events, all eight destinations on`,
    "",
    "`consumeEvents` from src/deliver/consumer.ts called inside workerd (bench/counting/worker.ts) with a batch of the " +
      "section-3 Shopify events, counting D1 (round trips = `all`/`run`/`first`/`batch` calls) and `fetch`; " +
      "every destination's endpoint (and Google's token endpoint) points at a node:http fake on 127.0.0.1 " +
      "(scripts/bench/fake-destinations.mjs) that answers as the platform does when it takes every event.",
    "",
    table(["measure", "counted", "minimum", "note"], rows),
  ].join("\n");
}

function bundleSection(bundle) {
  const kib = (bytes) => `${f1(bytes / 1024)} KiB`;
  return [
    "## 5. The bundle",
    "",
    "`wrangler deploy --dry-run` of the Worker (scripts/bench/bundle-size.mjs): " +
      `**${f2(bundle.uploadKiB)} KiB, ${f2(bundle.gzipKiB)} KiB gzipped** as wrangler reports the upload. ` +
      "Bytes each package adds, from esbuild's metafile:",
    "",
    table(
      ["package", "in the bundle"],
      bundle.packages.map((p) => [p.name, kib(p.bytes)]),
    ),
  ].join("\n");
}

async function main() {
  const started = Date.now();
  const logDir = tempDir("bench-logs");
  console.error(`tagrelay bench: wrangler logs in ${logDir}`);
  const pipeline = await importPipeline();
  console.error("1/4 CPU per webhook (Node)…");
  const webCrypto = await measureCpu(pipeline);
  // A fresh module instance, so no HMAC key imported through Node's WebCrypto is cached.
  const syncCrypto = await withSyncCrypto(async () => measureCpu(await importPipeline()));
  const cpu = { webCrypto, syncCrypto };
  console.error("2/4 ingest over HTTP (wrangler dev ×3)…");
  const http = await measureHttp(pipeline, { logDir });
  console.error("3/4 binding operations and the consumer (wrangler dev, counting bindings)…");
  const cost = await measureCost(pipeline, { logDir, batch: BATCH });
  console.error("4/4 the bundle (wrangler deploy --dry-run)…");
  const bundle = measureBundle();
  const report = [
    `# tagrelay benchmarks — ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`,
    "",
    `Machine: ${cpus()[0]?.model.trim() ?? "unknown CPU"} × ${cpus().length}, Node ${process.versions.node}, ` +
      `wrangler ${(await import("wrangler/package.json", { with: { type: "json" } })).default.version}. ` +
      `Run time ${f0((Date.now() - started) / 1000)} s.`,
    "",
    cpuSection(cpu),
    "",
    httpSection(http),
    "",
    costSection(cost, cpu),
    "",
    consumerSection(cost),
    "",
    bundleSection(bundle),
    "",
  ].join("\n");
  console.log(report);
  const out = join(ROOT, "bench-results");
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "latest.md"), report);
  console.error(`written to ${join(out, "latest.md")}`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(`tagrelay bench broke: ${error.stack ?? error}`);
    process.exit(1);
  },
);
