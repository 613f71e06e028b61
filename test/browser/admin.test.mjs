import { execFile, spawn } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP, shopifyJson, shopifyOrder } from "../fixtures/shopify.ts";
import { chromiumInstalled, launchChromium } from "../node/chromium.mjs";

const hasChromium = chromiumInstalled("browser test");

const root = fileURLToPath(new URL("../..", import.meta.url));
const wrangler = join(root, "node_modules/.bin/wrangler");
const screenshots = join(root, "test-results");
const TOKEN = "browser-test-admin-token-0123456789";
const SECRET = "browser-test-shopify-secret";
const ORDER_IDS = ["9300000000000000001", "9300000000000000002", "9300000000000000003"];

const run = promisify(execFile);

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** GA4 always takes the hit; Meta rejects every event (code 100) until `meta.broken` is cleared. */
async function startDestinations() {
  const meta = { broken: true, hits: 0 };
  const server = createServer(async (req, res) => {
    for await (const _ of req);
    res.setHeader("content-type", "application/json");
    if (req.url.startsWith("/mp/collect")) return res.writeHead(204).end();
    meta.hits++;
    if (meta.broken) {
      return res
        .writeHead(400)
        .end(JSON.stringify({ error: { code: 100, message: "Invalid parameter", type: "OAuthException" } }));
    }
    res.writeHead(200).end(JSON.stringify({ events_received: 1 }));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { meta, base: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

async function waitFor(check, what, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe.skipIf(!hasChromium)("admin page in Chromium against wrangler dev", () => {
  let dir;
  let dev;
  let devOutput = "";
  let base;
  let destinations;
  let context;

  const post = async (order, { secret = SECRET, topic = "orders/create" } = {}) => {
    const body = shopifyJson(order);
    return fetch(`${base}/webhooks/shopify`, {
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        "x-shopify-topic": topic,
        "x-shopify-shop-domain": SHOP,
        "x-shopify-webhook-id": randomUUID(),
        "x-shopify-hmac-sha256": createHmac("sha256", secret).update(body).digest("base64"),
      },
    });
  };
  const api = async (path) =>
    (await fetch(`${base}/admin/api${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
  const d1 = async (sql) => {
    const persist = ["--local", "--persist-to", join(dir, "state")];
    const { stdout } = await run(wrangler, ["d1", "execute", "DB", ...persist, "--json", "--command", sql], {
      cwd: root,
    });
    return JSON.parse(stdout)[0].results;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "tagrelay-browser-"));
    destinations = await startDestinations();
    // Its own env file: the developer's .dev.vars is neither read nor touched.
    const envFile = join(dir, "browser.env");
    await writeFile(
      envFile,
      [
        `ADMIN_TOKEN=${TOKEN}`,
        `SHOPIFY_WEBHOOK_SECRET=${SECRET}`,
        `SHOPIFY_SHOP=${SHOP}`,
        "GA4_MEASUREMENT_ID=G-BROWSER",
        "GA4_API_SECRET=browser-ga4-secret",
        `GA4_ENDPOINT=${destinations.base}/mp/collect`,
        "META_PIXEL_ID=4242",
        "META_ACCESS_TOKEN=browser-meta-token",
        `META_ENDPOINT=${destinations.base}`,
      ].join("\n"),
    );
    const persist = ["--persist-to", join(dir, "state")];
    await run(wrangler, ["d1", "migrations", "apply", "DB", "--local", ...persist], {
      cwd: root,
    });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    dev = spawn(
      wrangler,
      [
        "dev",
        "--ip",
        "127.0.0.1",
        "--port",
        String(port),
        "--inspector-port",
        String(await freePort()),
        ...persist,
        "--env-file",
        envFile,
      ],
      { cwd: root, detached: true, env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" } },
    );
    for (const stream of [dev.stdout, dev.stderr]) stream.on("data", (chunk) => (devOutput += chunk));
    await waitFor(
      async () => (await fetch(`${base}/health`)).ok,
      `wrangler dev on ${base}\n${devOutput}`,
      40_000,
    );
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (dev?.exitCode === null) process.kill(-dev.pid, "SIGTERM");
    destinations?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("logs in, shows the counts D1 holds, tells an order's story and replays it", async () => {
    const orders = ORDER_IDS.map((id, i) =>
      shopifyOrder({ id, name: `#${9001 + i}`, createdAt: new Date().toISOString() }),
    );
    for (const order of orders) expect((await post(order)).status).toBe(200);
    expect(await (await post(orders[0], { topic: "orders/paid" })).json()).toMatchObject({
      status: "duplicate",
    });
    expect((await post(orders[1], { secret: "wrong" })).status).toBe(401);

    const settled = await waitFor(async () => {
      const { events } = await api("/events?source=shopify");
      const statuses = events.flatMap((e) => e.deliveries.map((d) => `${d.destination}:${d.status}`));
      return statuses.filter((s) => s === "ga4:sent" || s === "meta:failed").length === 6 && events;
    }, "GA4 sent and Meta failed for the three orders");
    expect(settled).toHaveLength(3);
    const [{ n: stored }] = await d1("SELECT COUNT(*) AS n FROM events WHERE source = 'shopify'");
    const failed = await d1(
      "SELECT COUNT(*) AS n FROM deliveries WHERE destination = 'meta' AND status = 'failed'",
    );
    expect([stored, failed[0].n]).toEqual([3, 3]);

    await mkdir(screenshots, { recursive: true });
    context = await launchChromium(join(dir, "profile"), { viewport: { width: 390, height: 844 } });
    const page = context.pages()[0] ?? (await context.newPage());
    // The admin's CSP allows inline styles and SVG, no script: the pages must need nothing it blocks.
    const violations = [];
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    const cell = async (name) =>
      (await page.locator(`[data-count="last 24 h:shopify:${name}"]`).textContent())?.trim();

    const login = await page.goto(`${base}/admin`);
    expect(login?.status()).toBe(401);
    await page.fill("#token", TOKEN);
    await Promise.all([page.waitForURL(`${base}/admin`), page.click("button[type=submit]")]);
    expect(await page.locator("h2", { hasText: "Deliveries" }).count()).toBe(1);
    expect({
      accepted: await cell("accepted"),
      duplicate: await cell("duplicate"),
      rejected: await cell("rejected"),
      events: await cell("events"),
    }).toEqual({ accepted: "3", duplicate: "1", rejected: "1", events: String(stored) });
    expect(await page.locator("svg[aria-label='meta deliveries by status']").count()).toBe(1);
    await page.screenshot({ path: join(screenshots, "admin-status.png"), fullPage: true });

    await page.fill("input[name=q]", "9002");
    await Promise.all([page.waitForURL(/q=9002/), page.click("form[role=search] button")]);
    await Promise.all([page.waitForURL(/\/admin\/events\//), page.click("text=#9002")]);
    const metaRow = page.locator("tr[data-destination=meta]");
    expect(await metaRow.textContent()).toContain("failed");
    expect(await metaRow.textContent()).toContain("Meta error 100");

    destinations.meta.broken = false;
    await Promise.all([page.waitForURL(/replayed=1/), page.click("text=Replay what was not sent")]);
    expect(await page.locator("[role=status]").textContent()).toContain("Replay queued for 1 order");
    await waitFor(async () => {
      await page.reload();
      return (await metaRow.textContent()).includes("sent");
    }, "the replayed Meta delivery to be sent");
    expect(await page.locator("tr[data-destination=ga4]").textContent()).toContain("sent");
    await page.screenshot({ path: join(screenshots, "admin-story.png"), fullPage: true });

    const sent = await d1(
      "SELECT destination, status, attempts FROM deliveries ORDER BY event_id, destination",
    );
    expect(sent.filter((r) => r.status === "sent")).toHaveLength(4);
    expect(sent.find((r) => r.destination === "meta" && r.status === "sent")?.attempts).toBe(2);

    // Signing out ends the session in D1: the cookie the browser held no longer opens the page.
    const [session] = (await context.cookies(`${base}/admin`)).filter((c) => c.name === "tagrelay_admin");
    expect(session?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await page.goto(`${base}/admin`);
    await page.click("text=Sign out");
    await page.waitForSelector("#token");
    const reused = await fetch(`${base}/admin`, { headers: { cookie: `tagrelay_admin=${session.value}` } });
    expect(reused.status).toBe(401);
    expect(await d1("SELECT COUNT(*) AS n FROM admin_sessions")).toEqual([{ n: 0 }]);
    expect(violations).toEqual([]);
  }, 120_000);
});
