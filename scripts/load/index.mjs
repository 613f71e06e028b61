#!/usr/bin/env node
// `npm run load`: nothing lost, nothing doubled. Thousands of signed webhooks (Shopify,
// WooCommerce, Magento; ~10 % duplicates, some racing their original) at a fixed concurrency
// into the Worker under `wrangler dev` (own persist dir, Queue consumer running), GA4 and Meta
// played by a loopback fake that fails some first attempts with a 503. Then it waits until
// the ledger is quiet and balances it. Exits 1 when the ledger does not balance.
import { join } from "node:path";
import { importPipeline } from "../bench/bundle.mjs";
import { DESTINATION_VARS } from "../bench/cost.mjs";
import {
  applyMigrations,
  postAll,
  projectConfig,
  queryD1,
  removeDir,
  sleep,
  startFakeDestinations,
  startWorker,
  tempDir,
} from "../bench/local.mjs";
import {
  magentoDelivery,
  SECRETS,
  shopifyDelivery,
  shopifyOrderId,
  shopifyRefundDelivery,
  wooDelivery,
} from "../bench/requests.mjs";

const PLAN = {
  shopify: 1300,
  woocommerce: 700,
  magento: 600,
  shopifyRefunds: 50,
  shopifyTest: 50,
  duplicates: 300,
};
const CONCURRENCY = 8;
const QUIET_LIMIT_MS = 100_000;
const SWEEP_AFTER_MS = 45_000;
const ADMIN_TOKEN = "load-admin-token-0123456789abcdef";
/** One in this many GA4 conversions, and the first Meta batch, get a 503 on their first attempt. */
const GA4_FAIL_ONE_IN = 40;
const FINAL = new Set(["sent", "failed", "skipped", "expired", "dead", "dry-run"]);

/** A small seeded PRNG, so every run sends the same mix in the same order. */
function random(seed) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The deliveries to send and, per conversion, how each destination should end. */
function plan(p) {
  const rand = random(20261127);
  const originals = [];
  for (let i = 0; i < PLAN.shopify; i++)
    originals.push(shopifyDelivery(p, { orderId: shopifyOrderId(10_000 + i) }));
  for (let i = 0; i < PLAN.shopifyTest; i++)
    originals.push({
      ...shopifyDelivery(p, { orderId: shopifyOrderId(50_000 + i), test: true }),
      test: true,
    });
  for (let i = 0; i < PLAN.woocommerce; i++) originals.push(wooDelivery(p, { orderId: 200_001 + i }));
  for (let i = 0; i < PLAN.magento; i++) originals.push(magentoDelivery(p, { orderId: 300_001 + i }));
  for (let i = originals.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [originals[i], originals[j]] = [originals[j], originals[i]];
  }
  // Refunds of the first Shopify orders, sent after their purchases.
  const refunds = Array.from({ length: PLAN.shopifyRefunds }, (_, i) =>
    shopifyRefundDelivery(p, { refundId: String(600_000 + i), orderId: shopifyOrderId(10_000 + i) }),
  );
  const sequence = [...originals];
  refunds.forEach((r, i) => {
    sequence.splice(Math.min(sequence.length, 400 + i * 40), 0, r);
  });
  // Duplicates: half right behind their original (racing it at this concurrency), half later (KV's job).
  for (let i = 0; i < PLAN.duplicates; i++) {
    const at = Math.floor(rand() * originals.length);
    const o = originals[at];
    const again =
      o.source === "shopify"
        ? {
            ...shopifyDelivery(p, {
              orderId: o.eventId.split(":").pop(),
              topic: "orders/paid",
              test: o.test,
            }),
          }
        : o.source === "woocommerce"
          ? wooDelivery(p, { orderId: Number(o.eventId.split(":").pop()) })
          : magentoDelivery(p, { orderId: Number(o.eventId.split(":").pop()) });
    const index = sequence.indexOf(o);
    const racing = i % 2 === 0;
    sequence.splice(
      racing ? index + 1 : Math.min(sequence.length, index + 200 + Math.floor(rand() * 400)),
      0,
      {
        ...again,
        duplicate: true,
      },
    );
  }
  return sequence;
}

/** The fake's key for a conversion: what GA4 / Meta themselves identify it by. */
function destinationKey(destination, kind, orderId, refundEvent) {
  if (destination === "ga4") return `${kind}:${orderId}`;
  return kind === "purchase" ? `Purchase:${orderId}` : `Refund:refund:${refundEvent}`;
}

async function adminStats(url) {
  const response = await fetch(`${url}/admin/api/stats`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`admin stats: HTTP ${response.status}`);
  return response.json();
}

/**
 * The outbox sweep (the Cron Trigger), fired through wrangler dev's scheduled endpoint with a
 * time 31 minutes ahead, so that whatever the local Queue lost counts as stranded or overdue.
 */
async function fireSweep(url) {
  const time = Date.now() + 31 * 60_000;
  const response = await fetch(`${url}/cdn-cgi/handler/scheduled?time=${time}`, {
    signal: AbortSignal.timeout(30_000),
  });
  return response.status;
}

/**
 * Until every expected (event, destination) pair is final in the ledger, or the time limit.
 * When the ledger stops moving for SWEEP_AFTER_MS with pairs still open, the outbox sweep is
 * fired once, as the Cron Trigger would in production.
 */
async function waitQuiet(worker, fake, expectedPairs) {
  const started = Date.now();
  let last = "";
  let stableSince = Date.now();
  let sweptAt;
  while (Date.now() - started < QUIET_LIMIT_MS) {
    await sleep(1000);
    let done = false;
    let note;
    try {
      const stats = await adminStats(worker.url);
      let total = 0;
      let open = 0;
      for (const d of stats.deliveries)
        for (const [status, n] of Object.entries(d.counts)) {
          total += n;
          if (!FINAL.has(status)) open += n;
        }
      note = `${total}/${expectedPairs} ledger rows, ${open} open`;
      done = total >= expectedPairs && open === 0;
    } catch (error) {
      if (worker.exitCode() !== null)
        throw new Error(`wrangler dev exited during the run (${worker.exitCode()}); log: ${worker.log}`);
      // No admin API: the fake server's traffic standing still for 10 s stands in for "quiet".
      note = `${error.message}; fake server ${fake.received.ga4.length}/${fake.received.meta.length}`;
      done = Date.now() - stableSince > 10_000;
    }
    const progress = `${note} ${fake.received.ga4.length}/${fake.received.meta.length}`;
    if (progress !== last) [last, stableSince] = [progress, Date.now()];
    const seconds = Math.round((Date.now() - started) / 1000);
    if (done || seconds % 10 === 0) console.error(`  waiting for the consumer: ${note} (${seconds} s)`);
    if (done) return { quiet: true, ms: Date.now() - started, sweptAt };
    if (sweptAt === undefined && Date.now() - stableSince > SWEEP_AFTER_MS) {
      sweptAt = Date.now() - started;
      console.error(`  ledger stalled: firing the outbox sweep (HTTP ${await fireSweep(worker.url)})`);
      stableSince = Date.now();
    }
  }
  return { quiet: false, ms: Date.now() - started, sweptAt };
}

function countBy(items, key) {
  const out = {};
  for (const item of items) {
    const k = key(item);
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

async function main() {
  const started = Date.now();
  const dir = tempDir("load");
  const persistTo = join(dir, "state");
  const logDir = join(dir, "logs");
  const ga4Failed = new Set();
  let metaFailed = false;
  const fake = await startFakeDestinations({
    answer(kind, ids) {
      if (kind === "meta") {
        if (metaFailed) return 200;
        metaFailed = true;
        return 503;
      }
      const id = ids[0];
      const pick = [...id].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % GA4_FAIL_ONE_IN === 0;
      if (pick && !ga4Failed.has(id)) {
        ga4Failed.add(id);
        return 503;
      }
      return 200;
    },
  });
  let worker;
  let exitCode = 1;
  try {
    const p = await importPipeline();
    const deliveries = plan(p);
    const unique = new Map();
    for (const d of deliveries) if (!d.duplicate) unique.set(d.eventId, d);
    console.error(
      `tagrelay load: ${deliveries.length} webhooks, ${unique.size} conversions; state in ${dir}`,
    );

    const configPath = projectConfig(dir, { consumers: true });
    applyMigrations(configPath, persistTo);
    worker = await startWorker({
      name: "tagrelay",
      configPath,
      persistTo,
      logDir,
      vars: {
        ...SECRETS,
        ...DESTINATION_VARS,
        ADMIN_TOKEN,
        GA4_ENDPOINT: fake.ga4Endpoint,
        META_ENDPOINT: fake.metaEndpoint,
      },
    });

    const sent = await postAll(worker.url, deliveries, { concurrency: CONCURRENCY, timeoutMs: 30_000 });
    const answers = sent.results.map((r, i) => {
      let body = {};
      try {
        body = JSON.parse(r.text);
      } catch {
        // Not JSON: reported by status.
      }
      return { ...r, body, delivery: deliveries[i] };
    });
    const non2xx = answers.filter((a) => a.status < 200 || a.status >= 300);
    const acceptedIds = answers.flatMap((a) =>
      (a.body.events ?? []).filter((e) => e.status === "accepted").map((e) => e.id),
    );
    const acceptedTwice = Object.entries(countBy(acceptedIds, (id) => id)).filter(([, n]) => n > 1);
    console.error(
      `  sent in ${sent.seconds.toFixed(1)} s (${Math.round(deliveries.length / sent.seconds)} req/s)`,
    );

    const expectedPairs = unique.size * 2;
    const quiet = await waitQuiet(worker, fake, expectedPairs);
    await worker.stop();

    const rows = queryD1(
      configPath,
      persistTo,
      `SELECT e.id, e.kind, e.order_id AS orderId, e.payload AS payload, d.destination, d.status, d.reason, d.attempts
       FROM events e LEFT JOIN deliveries d ON d.event_id = e.id`,
    );
    const stored = new Map();
    for (const r of rows) {
      if (!stored.has(r.id))
        stored.set(r.id, { kind: r.kind, orderId: r.orderId, payload: r.payload, ledger: {} });
      if (r.destination) stored.get(r.id).ledger[r.destination] = r;
    }
    const missing = [...unique.keys()].filter((id) => !stored.has(id));
    const unexpected = [...stored.keys()].filter((id) => !unique.has(id));

    const destinations = {};
    const unexplained = [];
    for (const destination of ["ga4", "meta"]) {
      const statuses = {};
      const reasons = {};
      const sentKeys = new Set();
      for (const [id, e] of stored) {
        const row = e.ledger[destination];
        const status = row?.status ?? "no ledger row";
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (!FINAL.has(status)) unexplained.push(`${destination} ${id}: ${status}`);
        else if (status !== "sent") {
          const reason = `${status}: ${row.reason ?? "(no reason)"}`;
          reasons[reason] = (reasons[reason] ?? 0) + 1;
          if (!row.reason) unexplained.push(`${destination} ${id}: ${status} without a reason`);
        }
        const refundEvent = e.kind === "refund" ? JSON.parse(e.payload).refund?.id : undefined;
        if (status === "sent") sentKeys.add(destinationKey(destination, e.kind, e.orderId, refundEvent));
      }
      const ok = fake.received[destination].filter((r) => r.status < 300);
      const okCounts = countBy(ok, (r) => r.id);
      const receivedTwice = Object.values(okCounts).filter((n) => n > 1).length;
      const okKeys = new Set(Object.keys(okCounts));
      const sentNotReceived = [...sentKeys].filter((k) => !okKeys.has(k)).length;
      const receivedNotSent = [...okKeys].filter((k) => !sentKeys.has(k)).length;
      destinations[destination] = {
        statuses,
        reasons,
        requests: fake.requests[destination],
        injected503: fake.received[destination].filter((r) => r.status >= 500).length,
        conversionsReceived: okKeys.size,
        receivedTwice,
        sentNotReceived,
        receivedNotSent,
      };
      if (receivedTwice || sentNotReceived || receivedNotSent)
        unexplained.push(
          `${destination}: ${receivedTwice} received twice, ${sentNotReceived} sent but not received, ${receivedNotSent} received but not sent`,
        );
    }
    for (const id of missing) unexplained.push(`lost: ${id}`);
    for (const id of unexpected) unexplained.push(`not sent by this run: ${id}`);
    for (const [id, n] of acceptedTwice) unexplained.push(`accepted ${n} times: ${id}`);
    if (!quiet.quiet) unexplained.push(`not quiet after ${QUIET_LIMIT_MS / 1000} s`);

    const summary = {
      webhooks: deliveries.length,
      conversions: unique.size,
      duplicatesSent: deliveries.filter((d) => d.duplicate).length,
      concurrency: CONCURRENCY,
      sendSeconds: sent.seconds,
      throughput: deliveries.length / sent.seconds,
      answers: countBy(answers, (a) => (a.status === 200 ? a.body.status : `HTTP ${a.status}`)),
      non2xx: countBy(non2xx, (a) => `${a.status} ${a.body.reason ?? a.text.slice(0, 80)}`),
      eventsStored: stored.size,
      missing: missing.length,
      quietAfterMs: quiet.ms,
      sweptAt: quiet.sweptAt,
      destinations,
      unexplained: unexplained.length,
      totalSeconds: (Date.now() - started) / 1000,
    };
    print(summary, unexplained);
    exitCode = unexplained.length === 0 ? 0 : 1;
    if (exitCode === 0) removeDir(dir);
    else console.error(`kept for inspection: ${dir}`);
  } catch (error) {
    console.error(`tagrelay load broke: ${error.stack ?? error}`);
    console.error(`kept for inspection: ${dir}`);
    exitCode = 2;
  } finally {
    await worker?.stop();
    await fake.close();
  }
  process.exit(exitCode);
}

function print(s, unexplained) {
  const lines = [
    `tagrelay load — ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`,
    `webhooks sent            ${s.webhooks} (${s.conversions} conversions + ${s.duplicatesSent} duplicates), concurrency ${s.concurrency}`,
    `send time / throughput   ${s.sendSeconds.toFixed(1)} s / ${s.throughput.toFixed(0)} webhooks/s`,
    `answers                  ${Object.entries(s.answers)
      .map(([k, n]) => `${k} ${n}`)
      .join(", ")}`,
    `non-2xx by reason        ${Object.keys(s.non2xx).length ? JSON.stringify(s.non2xx) : "none"}`,
    `events stored            ${s.eventsStored} (expected ${s.conversions}, missing ${s.missing})`,
    `quiet after              ${(s.quietAfterMs / 1000).toFixed(0)} s (limit ${QUIET_LIMIT_MS / 1000} s); outbox sweep ${
      s.sweptAt === undefined
        ? "not needed"
        : `fired after ${(s.sweptAt / 1000).toFixed(0)} s (ledger had stalled)`
    }`,
  ];
  for (const [name, d] of Object.entries(s.destinations)) {
    lines.push(
      `${name.padEnd(5)} ledger               ${Object.entries(d.statuses)
        .map(([k, n]) => `${k} ${n}`)
        .join(", ")}`,
      `${name.padEnd(5)} not sent, reasons    ${Object.keys(d.reasons).length ? "" : "none"}`,
      ...Object.entries(d.reasons).map(([r, n]) => `        ${String(n).padStart(5)}  ${r}`),
      `${name.padEnd(5)} fake server          ${d.requests} requests, ${d.injected503} conversions answered 503 (retried), ` +
        `${d.conversionsReceived} conversions accepted, ${d.receivedTwice} received twice`,
    );
  }
  lines.push(
    `balance                  ${s.conversions} conversions = per destination: sent + skipped/expired/failed (with reason) + dead; unexplained ${s.unexplained}`,
    `total run time           ${s.totalSeconds.toFixed(0)} s`,
  );
  if (unexplained.length) lines.push("UNEXPLAINED:", ...unexplained.slice(0, 30).map((u) => `  ${u}`));
  console.log(lines.join("\n"));
}

main();
