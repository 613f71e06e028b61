import { execFile } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const root = new URL("../../", import.meta.url);
const wrangler = new URL("node_modules/.bin/wrangler", root).pathname;

describe("worker-configuration.d.ts", () => {
  it("is what `npm run types` writes from wrangler.toml and .dev.vars.example", async () => {
    const { scripts } = JSON.parse(readFileSync(new URL("package.json", root), "utf8"));
    const [command, subcommand, ...flags] = scripts.types.split(" ");
    expect([command, subcommand]).toEqual(["wrangler", "types"]);
    // Beside the committed file, so the `import("./src/index")` it writes is the same.
    const scratch = `worker-configuration.check-${process.pid}.d.ts`;
    try {
      await promisify(execFile)(wrangler, ["types", scratch, ...flags], {
        cwd: root.pathname,
        // As from a plain shell: names come from the committed files, none from the environment.
        env: {
          ...process.env,
          CLOUDFLARE_INCLUDE_PROCESS_ENV: "false",
          CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV: "true",
          WRANGLER_SEND_METRICS: "false",
          NO_COLOR: "1",
        },
      });
      // The header repeats the command line, which names the scratch file.
      const generated = readFileSync(new URL(scratch, root), "utf8").replace(` ${scratch}`, "");
      const committed = readFileSync(new URL("worker-configuration.d.ts", root), "utf8");
      expect(committed, "worker-configuration.d.ts is stale: run `npm run types`").toBe(generated);
    } finally {
      rmSync(new URL(scratch, root), { force: true });
    }
  });
});
