#!/usr/bin/env node
// `npm run demo` — with `npm start` running, sends a signed sample order from each source (plus
// a refund and a duplicate) to the local Worker, waits for the Queue consumer, then prints each
// webhook's answer and the GA4 and Meta payloads that would have gone out (dry run), checking
// them against the golden files the tests hold.
import { spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { isDeepStrictEqual, parseArgs } from "node:util";
import { demoSamples, SECRET_NAMES, sampleHeaders, withoutClock } from "./samples.mjs";

const root = new URL("../../", import.meta.url);
const { values } = parseArgs({ options: { url: { type: "string", default: "http://localhost:8787" } } });
const base = values.url.replace(/\/+$/, "");

function devVars() {
  let text;
  try {
    text = readFileSync(new URL(".dev.vars", root), "utf8");
  } catch {
    fail("no .dev.vars: run `npm start` first (it creates one from .dev.vars.example).");
  }
  return Object.fromEntries(
    [...text.matchAll(/^[ \t]*([A-Z0-9_]+)[ \t]*=[ \t]*(.*?)[ \t]*$/gm)].map(([, k, v]) => [
      k,
      v.replace(/^"(.*)"$/, "$1"),
    ]),
  );
}

function fail(message) {
  console.error(`demo: ${message}`);
  process.exit(1);
}

/** The local D1 that `npm start` uses, read through wrangler. */
function queryLocalD1(sql) {
  const wrangler = new URL("node_modules/.bin/wrangler", root).pathname;
  const run = spawnSync(wrangler, ["d1", "execute", "DB", "--local", "--json", "--command", sql], {
    cwd: root.pathname,
    encoding: "utf8",
  });
  if (run.status !== 0) fail(`could not read the local D1: ${run.stderr.slice(0, 300)}`);
  return JSON.parse(run.stdout)[0].results;
}

const quote = (s) => `'${s.replaceAll("'", "''")}'`;

async function waitForLedger(eventIds, timeoutMs = 30_000) {
  const list = eventIds.map(quote).join(",");
  const sql = `SELECT event_id, destination, status, reason, request_body FROM deliveries WHERE event_id IN (${list}) ORDER BY event_id, destination`;
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

const vars = devVars();
const health = await fetch(`${base}/health`).catch(() => undefined);
if (!health?.ok) fail(`nothing answers at ${base}/health: start the Worker with \`npm start\` first.`);

const samples = demoSamples();
console.log(`tagrelay demo → ${base}  (destinations: ${vars.DESTINATIONS_MODE ?? "live"})\n`);
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
}

const eventIds = samples.flatMap((s) => s.eventIds);
console.log("\nwaiting for the Queue consumer…");
const rows = await waitForLedger(eventIds);

let mismatches = 0;
for (const sample of samples.filter((s) => s.eventIds.length)) {
  const golden = JSON.parse(readFileSync(new URL(`test/golden/demo/${sample.name}.json`, root), "utf8"));
  for (const eventId of sample.eventIds) {
    const outcome = Object.fromEntries(
      rows
        .filter((r) => r.event_id === eventId)
        .map((r) => [
          r.destination,
          r.request_body
            ? { status: r.status, body: withoutClock(JSON.parse(r.request_body)) }
            : { status: r.status, reason: r.reason },
        ]),
    );
    console.log(`\n== ${sample.name}: ${eventId}`);
    for (const row of rows.filter((r) => r.event_id === eventId)) {
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
if (vars.DESTINATIONS_MODE !== "dry-run") {
  console.log("\n(destinations are live: the payloads above were sent for real)");
}
process.exit(mismatches ? 1 : 0);
