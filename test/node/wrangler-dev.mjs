import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const WRANGLER = join(ROOT, "node_modules/.bin/wrangler");
const run = promisify(execFile);

export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Polls `check` until it returns something truthy; throws naming `what` after `timeoutMs`. */
export async function waitFor(check, what, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * `wrangler dev` on a free loopback port with its own D1 / KV state and its own env file
 * holding exactly `settings` (the developer's .dev.vars is neither read nor touched), the
 * migrations applied. Resolves once `/health` answers at all (a misconfigured Worker's 500 too).
 */
export async function startWranglerDev(settings) {
  const dir = await mkdtemp(join(tmpdir(), "tagrelay-dev-"));
  const envFile = join(dir, "test.env");
  await writeFile(
    envFile,
    Object.entries(settings)
      .map(([k, v]) => `${k}=${v}`)
      .join("\n"),
  );
  const persist = ["--persist-to", join(dir, "state")];
  await run(WRANGLER, ["d1", "migrations", "apply", "DB", "--local", ...persist], { cwd: ROOT });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const args = [
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--inspector-port",
    String(await freePort()),
  ];
  const dev = spawn(WRANGLER, [...args, ...persist, "--env-file", envFile], {
    cwd: ROOT,
    detached: true,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
  });
  let output = "";
  for (const stream of [dev.stdout, dev.stderr]) stream.on("data", (chunk) => (output += chunk));
  const stop = async () => {
    if (dev.exitCode === null) process.kill(-dev.pid, "SIGTERM");
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => (await fetch(`${base}/health`)).status > 0, `wrangler dev on ${base}`, 40_000);
  } catch (error) {
    await stop();
    throw new Error(`${error.message}\n${output}`);
  }
  /** One SQL query against this Worker's local D1. */
  const d1 = async (sql) => {
    const { stdout } = await run(
      WRANGLER,
      ["d1", "execute", "DB", "--local", ...persist, "--json", "--command", sql],
      {
        cwd: ROOT,
      },
    );
    return JSON.parse(stdout)[0].results;
  };
  return { base, dir, d1, stop, output: () => output };
}
