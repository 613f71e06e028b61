// The Worker as `wrangler deploy` would upload it, built with `--dry-run` into a scratch folder:
// its size as wrangler reports it, and how many of its bytes each package is (esbuild's metafile).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const WRANGLER = join(ROOT, "node_modules/.bin/wrangler");

/** `node_modules/zod/v4/core/api.js` → `zod`; zod's locales apart (`zod/locales`); this repository's files → `src`. */
function packageOf(input) {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(input);
  if (!match) return "src";
  return match[1] === "zod" && match[2].includes("locales/") ? "zod/locales" : match[1];
}

/**
 * Builds the Worker once. Returns the upload and gzip sizes in KiB as wrangler prints them, the
 * bundle's bytes, every input file in it, and the bytes each package adds, largest first.
 */
export function measureBundle() {
  const dir = mkdtempSync(join(tmpdir(), "tagrelay-bundle-"));
  try {
    const meta = join(dir, "meta.json");
    const built = spawnSync(
      WRANGLER,
      ["deploy", "--dry-run", "--outdir", join(dir, "out"), "--metafile", meta],
      {
        cwd: ROOT,
        env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", CI: "1" },
        encoding: "utf8",
        timeout: 120_000,
      },
    );
    const output = `${built.stdout}${built.stderr}`;
    const total = /Total Upload:\s*([\d.]+) KiB \/ gzip:\s*([\d.]+) KiB/.exec(output);
    if (built.status !== 0 || !total)
      throw new Error(`wrangler deploy --dry-run failed: ${output.slice(-800)}`);
    const { outputs } = JSON.parse(readFileSync(meta, "utf8"));
    const bundle = Object.entries(outputs).find(([path]) => path.endsWith(".js"))?.[1];
    if (!bundle) throw new Error(`no bundle in ${meta}`);
    const byPackage = new Map();
    for (const [input, { bytesInOutput }] of Object.entries(bundle.inputs)) {
      const name = packageOf(input);
      byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
    }
    return {
      uploadKiB: Number(total[1]),
      gzipKiB: Number(total[2]),
      bytes: bundle.bytes,
      inputs: Object.keys(bundle.inputs),
      packages: [...byPackage].sort((a, b) => b[1] - a[1]).map(([name, bytes]) => ({ name, bytes })),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
