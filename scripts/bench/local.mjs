// Local-runtime plumbing shared by `npm run bench` and `npm run load`: free loopback ports,
// `wrangler dev` in its own process group with its own persist dir, the D1 schema, a
// keep-alive HTTP client with fixed concurrency, and a fake GA4 / Meta server.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CONVERSION_IDS } from "./conversion-ids.mjs";
import { NEWER_DESTINATIONS, newerDestinationRequest, newerDestinationVars } from "./fake-destinations.mjs";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const WRANGLER = join(ROOT, "node_modules/.bin/wrangler");
const LOOPBACK = "127.0.0.1";
// Loopback only: no metrics, and no fetch of the `Request.cf` object from workers.cloudflare.com.
const WRANGLER_ENV = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  NO_COLOR: "1",
  CI: "1",
};

const running = new Set();
function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}
// Whatever happens to this script, no wrangler it started outlives it.
process.on("exit", () => {
  for (const child of running) killGroup(child, "SIGKILL");
});
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => process.exit(130));
}

export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), `tagrelay-${prefix}-`));
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, LOOPBACK, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * A frozen build of a Worker in `dir`: `wrangler deploy --dry-run` bundles it once and the
 * config run by `wrangler dev` points at that bundle (no_bundle), so edits to src/ made while
 * a run is going on neither reload the runtime (which empties the local Queue) nor change
 * what is measured. Without `consumers`, the Queue consumers are left out.
 */
export function frozenConfig(dir, sourceConfig, { consumers = true } = {}) {
  const base = dirname(sourceConfig);
  let toml = readFileSync(sourceConfig, "utf8")
    .replace(/^main\s*=\s*"([^"]+)"/m, (_, main) => `main = ${JSON.stringify(resolve(base, main))}`)
    .replace(
      /^migrations_dir\s*=\s*"([^"]+)"/m,
      (_, dir) => `migrations_dir = ${JSON.stringify(resolve(base, dir))}`,
    );
  if (!consumers) toml = toml.replace(/^\[\[queues\.consumers\]\][\s\S]*?(?=^\[|(?![\s\S]))/gm, "");
  const source = join(dir, "source.toml");
  writeFileSync(source, toml);
  const built = spawnSync(
    WRANGLER,
    ["deploy", "--dry-run", "--outdir", join(dir, "dist"), "--config", source],
    { cwd: ROOT, env: WRANGLER_ENV, encoding: "utf8", timeout: 90_000 },
  );
  if (built.status !== 0) throw new Error(`build failed: ${built.stderr || built.stdout || built.error}`);
  const bundle = readdirSync(join(dir, "dist")).find((f) => f.endsWith(".js"));
  if (!bundle) throw new Error(`build failed: no bundle in ${join(dir, "dist")}`);
  const frozen = toml
    .replace(/^main\s*=\s*"[^"]+"/m, `main = ${JSON.stringify(join(dir, "dist", bundle))}\nno_bundle = true`)
    .replace(/^\[\[rules\]\][\s\S]*?(?=^\[|(?![\s\S]))/gm, "");
  const path = join(dir, "wrangler.toml");
  writeFileSync(path, frozen);
  return path;
}

/** The project's own wrangler.toml, frozen (see frozenConfig). */
export function projectConfig(dir, options) {
  return frozenConfig(dir, join(ROOT, "wrangler.toml"), options);
}

/** `wrangler d1 <command> DB --local` against the D1 of `persistTo`, failing loudly. */
function d1Execute(configPath, persistTo, args, what, command = ["execute"]) {
  const result = spawnSync(
    WRANGLER,
    ["d1", ...command, "DB", "--local", "--persist-to", persistTo, "--config", configPath, ...args],
    { cwd: ROOT, env: WRANGLER_ENV, encoding: "utf8", timeout: 90_000, maxBuffer: 256 * 1024 * 1024 },
  );
  if (result.status !== 0) throw new Error(`${what}: ${result.stderr || result.stdout || result.error}`);
  return result.stdout;
}

/** Applies migrations/ to the local D1 of `persistTo`, as `npm start` does. */
export function applyMigrations(configPath, persistTo) {
  d1Execute(configPath, persistTo, [], "migrations not applied", ["migrations", "apply"]);
}

/** Runs one SQL query against the local D1 of `persistTo` (with the Worker stopped) and returns its rows. */
export function queryD1(configPath, persistTo, sql) {
  return JSON.parse(d1Execute(configPath, persistTo, ["--json", "--command", sql], "query failed"))[0]
    .results;
}

/** `wrangler dev` on a free loopback port; resolves once it answers. stop() kills its process group. */
export async function startWorker({
  name,
  configPath,
  persistTo,
  vars = {},
  logDir,
  readyTimeoutMs = 90_000,
}) {
  const port = await freePort();
  const inspectorPort = await freePort();
  mkdirSync(logDir, { recursive: true });
  const log = join(logDir, `${name}.log`);
  const out = openSync(log, "w");
  const args = [
    "dev",
    "--config",
    configPath,
    "--local",
    "--ip",
    LOOPBACK,
    "--port",
    String(port),
    "--inspector-port",
    String(inspectorPort),
    "--persist-to",
    persistTo,
    "--show-interactive-dev-session=false",
    "--log-level",
    process.env.TAGRELAY_WRANGLER_LOG_LEVEL ?? "warn",
    ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
  ];
  const child = spawn(WRANGLER, args, {
    cwd: ROOT,
    env: WRANGLER_ENV,
    detached: true,
    stdio: ["ignore", out, out],
  });
  running.add(child);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const url = `http://${LOOPBACK}:${port}`;
  const stop = async () => {
    if (!running.has(child)) return;
    killGroup(child, "SIGTERM");
    const gone = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
    if (!gone) killGroup(child, "SIGKILL");
    running.delete(child);
  };
  const deadline = Date.now() + readyTimeoutMs;
  let ready = false;
  while (!ready && Date.now() < deadline && child.exitCode === null) {
    ready = await fetch(`${url}/__ready`, { signal: AbortSignal.timeout(2000) }).then(
      () => true,
      () => false,
    );
    if (!ready) await sleep(250);
  }
  if (!ready) {
    await stop();
    throw new Error(`${name}: wrangler dev did not answer within ${readyTimeoutMs} ms (log: ${log})`);
  }
  return { name, url, log, stop, exitCode: () => child.exitCode ?? child.signalCode };
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Posts every delivery with `concurrency` requests in flight over keep-alive connections.
 * Each result: status (0 when no answer), latency in ms, the answer's text.
 */
export async function postAll(baseUrl, deliveries, { concurrency, timeoutMs = 30_000 }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const results = new Array(deliveries.length);
  let next = 0;
  const started = performance.now();
  const one = (d) =>
    new Promise((resolve) => {
      const t0 = performance.now();
      const req = http.request(
        `${baseUrl}${d.path}`,
        {
          method: "POST",
          agent,
          headers: { ...d.headers, "content-length": d.body.length },
          timeout: timeoutMs,
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (chunk) => {
            text += chunk;
          });
          res.on("end", () => resolve({ status: res.statusCode, ms: performance.now() - t0, text }));
        },
      );
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", (error) => resolve({ status: 0, ms: performance.now() - t0, text: error.message }));
      req.end(d.body);
    });
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < deliveries.length) {
        const i = next++;
        results[i] = await one(deliveries[i]);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { results, seconds };
}

export function latencySummary(results, seconds) {
  const ms = results.map((r) => r.ms).sort((a, b) => a - b);
  const at = (q) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))];
  return { requests: results.length, rps: results.length / seconds, p50: at(0.5), p99: at(0.99), seconds };
}

/**
 * A stand-in for the destinations on loopback: GA4 and Meta, and the six newer ones at
 * `<base>/dest/<name>` (fake-destinations.mjs; `vars` turns them on). `answer(kind, ids)` picks the
 * status of each request; every conversion id received is recorded with the status it was answered.
 */
export async function startFakeDestinations({ answer = () => 200 } = {}) {
  const kinds = ["ga4", "meta", ...Object.keys(NEWER_DESTINATIONS), "google_token"];
  const received = Object.fromEntries(kinds.map((k) => [k, []]));
  const requests = Object.fromEntries(kinds.map((k) => [k, 0]));
  const server = http.createServer((req, res) => {
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => {
      text += chunk;
    });
    req.on("end", () => {
      let body;
      try {
        body = JSON.parse(text);
      } catch {
        body = {};
      }
      const newer = newerDestinationRequest(req.url, body);
      const kind = newer?.kind ?? (req.url.startsWith("/mp/") ? "ga4" : "meta");
      const ids = newer?.ids ?? CONVERSION_IDS[kind](body);
      requests[kind]++;
      const status = kind === "google_token" ? 200 : answer(kind, ids);
      for (const id of ids) received[kind].push({ id, status });
      if (status >= 300) {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: "fake outage", code: 2, is_transient: true } }));
      } else if (kind === "ga4") {
        res.writeHead(204);
        res.end();
      } else {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(newer?.answer ?? { events_received: ids.length, fbtrace_id: "fake" }));
      }
    });
  });
  await new Promise((resolve) => server.listen(0, LOOPBACK, resolve));
  const { port } = server.address();
  const base = `http://${LOOPBACK}:${port}`;
  return {
    received,
    requests,
    ga4Endpoint: `${base}/mp/collect`,
    metaEndpoint: base,
    /** The six newer destinations' settings, each pointed at this stand-in. */
    newerVars: () => newerDestinationVars(base),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}
