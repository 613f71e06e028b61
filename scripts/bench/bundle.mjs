// Bundles scripts/bench/entry.ts (src/ modules and the test fixtures) into a temporary ESM
// file with the esbuild that ships with wrangler, and imports it into Node.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

// The fixtures import test/helpers.ts, which imports the vitest pool's virtual modules:
// the builders used here never touch them, so they become empty stand-ins.
const cloudflareStubs = {
  name: "cloudflare-stubs",
  setup(b) {
    b.onResolve({ filter: /^cloudflare:/ }, (args) => ({ path: args.path, namespace: "stub" }));
    b.onLoad({ filter: /.*/, namespace: "stub" }, () => ({
      contents: "export const env = {}; export const exports = {};",
      loader: "js",
    }));
  },
};

export async function importPipeline() {
  const out = join(mkdtempSync(join(tmpdir(), "tagrelay-bench-")), "pipeline.mjs");
  await build({
    entryPoints: [fileURLToPath(new URL("./entry.ts", import.meta.url))],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    mainFields: ["module", "main"],
    conditions: ["worker", "import"],
    outfile: out,
    logLevel: "error",
    plugins: [cloudflareStubs],
  });
  return import(pathToFileURL(out).href);
}
