#!/usr/bin/env node
// `npm start`: local development with no Cloudflare account. Creates .dev.vars from the
// committed example when missing (and adds settings the example gained since), applies
// migrations/ to the local D1, runs `wrangler dev` with any extra arguments
// (`npm start -- --port 8788`), and once it answers says whether its settings are valid.
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, copyFileSync, existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { blankSettings, compareSettingNames } from "./dev-vars.mjs";
import { checkHealth } from "./health.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const wrangler = fileURLToPath(new URL("../node_modules/.bin/wrangler", import.meta.url));
const devVars = new URL("../.dev.vars", import.meta.url);
const example = new URL("../.dev.vars.example", import.meta.url);
const say = (line) => console.log(`tagrelay: ${line}`);

if (!existsSync(devVars)) {
  copyFileSync(example, devVars);
  say("no .dev.vars found, created one from .dev.vars.example (development secrets only).");
} else {
  const { missing, unknown } = compareSettingNames(
    readFileSync(devVars, "utf8"),
    readFileSync(example, "utf8"),
  );
  if (missing.length) {
    appendFileSync(devVars, blankSettings(missing));
    say(`added to .dev.vars, blank (the default): ${missing.join(", ")}.`);
  }
  if (unknown.length) {
    say(
      `.dev.vars sets ${unknown.join(", ")}, which tagrelay does not read (a typo?); wrangler will call the types out of date while it does.`,
    );
  }
}

const migrations = spawnSync(wrangler, ["d1", "migrations", "apply", "DB", "--local"], {
  cwd: root,
  encoding: "utf8",
});
if (migrations.status !== 0) {
  process.stderr.write(migrations.stdout + migrations.stderr);
  process.exit(migrations.status ?? 1);
}
say("migrations/ applied to the local D1.");

const args = process.argv.slice(2);
const { values } = parseArgs({
  args,
  strict: false,
  options: { port: { type: "string" }, ip: { type: "string" } },
});
// Named explicitly, so a busy port is an error rather than another port the check below misses.
const port = typeof values.port === "string" ? values.port : "8787";
const host = typeof values.ip === "string" && values.ip !== "0.0.0.0" ? values.ip : "localhost";
/** Whether nothing listens on the port yet: otherwise /health would be another server's answer. */
const portFree = () =>
  new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(Number(port), host === "localhost" ? "127.0.0.1" : host, () =>
      probe.close(() => resolve(true)),
    );
  });
const checkWhenUp = await portFree();

const dev = spawn(wrangler, ["dev", ...(values.port ? [] : ["--port", port]), ...args], {
  cwd: root,
  stdio: "inherit",
});
// Ctrl-C reaches wrangler too (the terminal signals the whole group): wait for it to shut down.
process.on("SIGINT", () => {});
process.on("SIGTERM", () => dev.kill("SIGTERM"));
dev.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

const deadline = Date.now() + 90_000;
while (checkWhenUp && dev.exitCode === null && Date.now() < deadline) {
  const health = await checkHealth(`http://${host}:${port}`);
  if (health.answered) {
    if (health.ok) {
      const mode = health.health.destinations?.mode;
      say(
        [
          `settings valid, destinations ${mode}; \`npm run demo\` in a second terminal sends samples.`,
          ...health.lines,
        ].join(" "),
      );
    } else console.error(`\ntagrelay: ${health.lines.join("\ntagrelay: ")}\n`);
    break;
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
}
