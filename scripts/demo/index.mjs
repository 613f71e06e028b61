#!/usr/bin/env node
// `npm run demo` — with `npm start` running, sends a signed sample order from each source (plus
// a refund and a duplicate) to the local Worker, waits for the Queue consumer, then prints each
// webhook's answer and the GA4 and Meta payloads that would have gone out (dry run), checking
// them against the golden files the tests hold. `--fresh` first forgets the samples' orders (their
// rows in the local D1 and their KV keys), so they are accepted and delivered again.
import { spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual, parseArgs } from "node:util";
import { parseDevVars } from "../dev-vars.mjs";
import { checkHealth } from "../health.mjs";
import { demoSamples, SECRET_NAMES, sampleHeaders, withoutClock } from "./samples.mjs";

const root = new URL("../../", import.meta.url);
const { values } = parseArgs({
  options: {
    url: { type: "string", default: "http://localhost:8787" },
    fresh: { type: "boolean", default: false },
  },
});
const base = values.url.replace(/\/+$/, "");
const wrangler = new URL("node_modules/.bin/wrangler", root).pathname;

function fail(message) {
  console.error(`demo: ${message}`);
  process.exit(1);
}

function devVars() {
  try {
    return parseDevVars(readFileSync(new URL(".dev.vars", root), "utf8"));
  } catch {
    return fail("no .dev.vars: run `npm start` first (it creates one from .dev.vars.example).");
  }
}

/**
 * `wrangler <args>` against the local state `npm start` uses (.wrangler/state). The running Worker
 * writes the same SQLite files, so a busy database is waited for and tried again.
 */
function localWrangler(args, what) {
  for (let attempt = 1; ; attempt++) {
    const run = spawnSync(wrangler, args, { cwd: root.pathname, encoding: "utf8" });
    if (run.status === 0) return run.stdout;
    if (attempt >= 10 || !/SQLITE_BUSY|database is locked/.test(run.stderr + run.stdout)) {
      fail(`could not ${what}: ${(run.stderr || run.stdout).slice(0, 300)}`);
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
  }
}

const queryLocalD1 = (sql) =>
  JSON.parse(
    localWrangler(["d1", "execute", "DB", "--local", "--json", "--command", sql], "read the local D1"),
  )[0].results;

const quote = (s) => `'${s.replaceAll("'", "''")}'`;

/** Forgets the samples' conversions: their outbox rows (and ledgers) and their KV dedupe keys. */
function forget(eventIds) {
  queryLocalD1(`DELETE FROM events WHERE id IN (${eventIds.map(quote).join(",")})`);
  const dir = mkdtempSync(join(tmpdir(), "tagrelay-demo-"));
  const keys = join(dir, "keys.json");
  writeFileSync(keys, JSON.stringify(eventIds.map((id) => `seen:${id}`)));
  localWrangler(["kv", "bulk", "delete", keys, "--binding", "DEDUPE_KV", "--local", "--force"], "clear KV");
  rmSync(dir, { recursive: true, force: true });
}

async function waitForLedger(eventIds, timeoutMs = 30_000) {
  const sql = `SELECT d.event_id, d.destination, d.status, d.reason, d.request_body, e.received_at
    FROM deliveries d JOIN events e ON e.id = d.event_id
    WHERE d.event_id IN (${eventIds.map(quote).join(",")}) ORDER BY d.event_id, d.destination`;
  const started = Date.now();
  for (;;) {
    const rows = queryLocalD1(sql);
    const settled = rows.filter((r) => r.status !== "sending" && r.status !== "retrying");
    const perEvent = new Set(settled.map((r) => r.event_id));
    if (eventIds.every((id) => perEvent.has(id)) && settled.length === rows.length) return rows;
    if (Date.now() - started > timeoutMs)
      fail("the Queue consumer did not finish within 30 s; is `npm start` running?");
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

const samples = demoSamples();
const eventIds = samples.flatMap((s) => s.eventIds);
// Before asking the Worker anything: a connection it left idle while wrangler ran may be closed.
if (values.fresh) {
  forget(eventIds);
  console.log("forgot the demo's orders in the local D1 and KV (--fresh)");
}
const health = await checkHealth(base);
if (!health.answered) fail(`nothing answers at ${base}/health: start the Worker with \`npm start\` first.`);
if (!health.ok) fail(health.lines.join("\n"));
const vars = devVars();

console.log(`tagrelay demo → ${base}  (destinations: ${health.health.destinations?.mode})\n`);
const earlier = new Set();
for (const sample of samples) {
  const secret = vars[SECRET_NAMES[sample.source]];
  if (!secret) fail(`${SECRET_NAMES[sample.source]} is not set in .dev.vars`);
  const signature = createHmac("sha256", secret).update(sample.body, "utf8").digest("base64");
  const response = await fetch(`${base}/webhooks/${sample.source}`, {
    method: "POST",
    headers: sampleHeaders(sample, signature),
    body: sample.body,
  });
  const answer = await response.text();
  console.log(`POST /webhooks/${sample.source} (${sample.name}) → ${response.status} ${answer}`);
  // A sample meant to be new that comes back a duplicate was stored by an earlier run.
  if (sample.expect === "accepted" && /"status":"duplicate"/.test(answer)) {
    for (const id of sample.eventIds) earlier.add(id);
  }
}
if (earlier.size) {
  console.log(
    "\nThese orders were stored by an earlier run, so they were duplicates now: what follows is that run's" +
      " ledger and payloads. `npm run demo -- --fresh` forgets them first and sends them as new orders.",
  );
}

console.log("\nwaiting for the Queue consumer…");
const rows = await waitForLedger(eventIds);

let mismatches = 0;
for (const sample of samples.filter((s) => s.eventIds.length)) {
  const golden = JSON.parse(readFileSync(new URL(`test/golden/demo/${sample.name}.json`, root), "utf8"));
  for (const eventId of sample.eventIds) {
    const ledger = rows.filter((r) => r.event_id === eventId);
    const outcome = Object.fromEntries(
      ledger.map((r) => [
        r.destination,
        r.request_body
          ? { status: r.status, body: withoutClock(JSON.parse(r.request_body)) }
          : { status: r.status, reason: r.reason },
      ]),
    );
    const from = earlier.has(eventId) ? ` (earlier run, received ${ledger[0]?.received_at})` : "";
    console.log(`\n== ${sample.name}: ${eventId}${from}`);
    for (const row of ledger) {
      console.log(`-- ${row.destination}: ${row.status}${row.reason ? ` (${row.reason})` : ""}`);
      if (row.request_body) console.log(JSON.stringify(JSON.parse(row.request_body), null, 2));
    }
    const same = isDeepStrictEqual(outcome, golden);
    if (!same) mismatches++;
    console.log(
      same
        ? `✓ matches test/golden/demo/${sample.name}.json (time fields aside)`
        : `✗ differs from test/golden/demo/${sample.name}.json`,
    );
  }
}
if (health.health.destinations?.mode !== "dry-run") {
  console.log("\n(destinations are live: the payloads above were sent for real)");
}
process.exit(mismatches ? 1 : 0);
