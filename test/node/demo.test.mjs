import { execFile } from "node:child_process";
import { createServer } from "node:http";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blankSettings, compareSettingNames, parseDevVars } from "../../scripts/dev-vars.mjs";
import { freePort, ROOT } from "./wrangler-dev.mjs";

/** `npm run demo -- --url <url>`: its exit code and what it printed. */
const demo = (url) =>
  promisify(execFile)(process.execPath, ["scripts/demo/index.mjs", "--url", url], { cwd: ROOT }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    ({ code, stdout, stderr }) => ({ code, stdout, stderr }),
  );

describe("npm run demo before it sends anything", () => {
  let server;
  let base;

  beforeAll(async () => {
    // What a Worker with DESTINATIONS_MODE=dryrun answers on /health (src/app.ts).
    server = createServer((req, res) => {
      res.setHeader("content-type", "application/json");
      if (req.url !== "/health") return res.writeHead(404).end("{}");
      res
        .writeHead(500)
        .end(
          '{"status":"misconfigured","version":"0.1.0","problems":["DESTINATIONS_MODE: Invalid option: expected one of \\"live\\"|\\"dry-run\\""]}',
        );
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${server.address().port}`;
  });

  afterAll(() => server?.close());

  it("prints the problems /health names when a setting is invalid", async () => {
    expect(await demo(base)).toEqual({
      code: 1,
      stdout: "",
      stderr: [
        "demo: the Worker's settings are invalid, so every webhook answers 503 until they are fixed:",
        '  DESTINATIONS_MODE: Invalid option: expected one of "live"|"dry-run"',
        'Fix them in .dev.vars (a blank setting takes its default, README "Configuration"), then restart `npm start`.',
        "",
      ].join("\n"),
    });
  });

  it("says to start the Worker only when nothing answers", async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`;
    expect(await demo(nobody)).toEqual({
      code: 1,
      stdout: "",
      stderr: `demo: nothing answers at ${nobody}/health: start the Worker with \`npm start\` first.\n`,
    });
  });
});

describe(".dev.vars kept in step with .dev.vars.example (npm start)", () => {
  const example =
    "# comment\nDESTINATIONS_MODE=dry-run\nSHOPIFY_SHOP=demo-shop.myshopify.com\nRETENTION_DAYS=\n";

  it("finds the settings a developer's copy lacks and the names the example does not list", () => {
    const mine = 'DESTINATIONS_MODE="live"\nSHOPIFY_SECRET=typo-of-a-setting\n';
    expect(parseDevVars(mine)).toEqual({ DESTINATIONS_MODE: "live", SHOPIFY_SECRET: "typo-of-a-setting" });
    expect(compareSettingNames(mine, example)).toEqual({
      missing: ["SHOPIFY_SHOP", "RETENTION_DAYS"],
      unknown: ["SHOPIFY_SECRET"],
    });
    expect(compareSettingNames(example, example)).toEqual({ missing: [], unknown: [] });
  });

  it("appends the missing ones blank, so they take their defaults", () => {
    expect(blankSettings(["SHOPIFY_SHOP", "RETENTION_DAYS"])).toBe(
      '\n# Added by `npm start`: settings this version reads; blank takes the default (README "Configuration").\nSHOPIFY_SHOP=\nRETENTION_DAYS=\n',
    );
  });
});
