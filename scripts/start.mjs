#!/usr/bin/env node
// `npm start`: local development with no Cloudflare account. Creates .dev.vars from the
// committed example when missing, applies migrations/ to the local D1, then runs
// `wrangler dev` with any extra arguments (`npm start -- --port 8788`).
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const wrangler = fileURLToPath(new URL("../node_modules/.bin/wrangler", import.meta.url));
const run = (args) => spawnSync(wrangler, args, { cwd: root, stdio: "inherit" });

if (!existsSync(new URL("../.dev.vars", import.meta.url))) {
  copyFileSync(new URL("../.dev.vars.example", import.meta.url), new URL("../.dev.vars", import.meta.url));
  console.log("tagrelay: no .dev.vars found, created one from .dev.vars.example (development secrets only).");
}

const migrations = spawnSync(wrangler, ["d1", "migrations", "apply", "DB", "--local"], {
  cwd: root,
  encoding: "utf8",
});
if (migrations.status !== 0) {
  process.stderr.write(migrations.stdout + migrations.stderr);
  process.exit(migrations.status ?? 1);
}
console.log("tagrelay: migrations/ applied to the local D1.");

const dev = run(["dev", ...process.argv.slice(2)]);
process.exit(dev.status ?? 0);
