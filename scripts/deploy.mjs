#!/usr/bin/env node
// `npm run deploy [-- extra wrangler deploy args]`: applies the migrations the remote D1 has not
// had yet (`wrangler d1 migrations apply`, which records what it applied), then runs `wrangler deploy`.
// Refuses while wrangler.toml still holds the placeholder ids of a fresh clone.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The ids wrangler.toml ships with: all zeros, to be replaced by `wrangler d1 create` / `kv namespace create`. */
export function placeholderIds(toml) {
  return [...toml.matchAll(/^\s*(database_id|id)\s*=\s*"([0-]+)"/gm)].map((m) => m[1]);
}

function main() {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const placeholders = placeholderIds(readFileSync(new URL("../wrangler.toml", import.meta.url), "utf8"));
  if (placeholders.length) {
    console.error(
      `deploy: wrangler.toml still has placeholder ids (${placeholders.join(", ")}).\n` +
        "Create the resources first and paste their ids into wrangler.toml:\n" +
        "  npx wrangler d1 create tagrelay                    → database_id\n" +
        "  npx wrangler kv namespace create tagrelay-dedupe   → id\n" +
        "See docs/operations.md, “First deploy”.",
    );
    process.exit(1);
  }
  const wrangler = fileURLToPath(new URL("../node_modules/.bin/wrangler", import.meta.url));
  const run = (args) => spawnSync(wrangler, args, { cwd: root, stdio: "inherit" }).status ?? 1;
  const migrations = run(["d1", "migrations", "apply", "DB", "--remote"]);
  if (migrations !== 0) process.exit(migrations);
  process.exit(run(["deploy", ...process.argv.slice(2)]));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) main();
