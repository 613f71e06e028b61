import { createHmac, randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP, shopifyJson, shopifyOrder } from "../fixtures/shopify.ts";
import { chromiumInstalled, launchChromium } from "../node/chromium.mjs";
import { ROOT, startWranglerDev, waitFor } from "../node/wrangler-dev.mjs";

const hasChromium = chromiumInstalled("browser test");

const screenshots = join(ROOT, "test-results");
const TOKEN = "browser-test-admin-token-0123456789";
const SECRET = "browser-test-shopify-secret";
const ORDER_IDS = ["9300000000000000001", "9300000000000000002", "9300000000000000003"];

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

describe.skipIf(!hasChromium)("admin page in Chromium against wrangler dev", () => {
  let dir;
  let worker;
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
  const d1 = (sql) => worker.d1(sql);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "tagrelay-browser-"));
    destinations = await startDestinations();
    worker = await startWranglerDev({
      ADMIN_TOKEN: TOKEN,
      SHOPIFY_WEBHOOK_SECRET: SECRET,
      SHOPIFY_SHOP: SHOP,
      GA4_MEASUREMENT_ID: "G-BROWSER",
      GA4_API_SECRET: "browser-ga4-secret",
      GA4_ENDPOINT: `${destinations.base}/mp/collect`,
      META_PIXEL_ID: "4242",
      META_ACCESS_TOKEN: "browser-meta-token",
      META_ENDPOINT: destinations.base,
    });
    base = worker.base;
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await worker?.stop();
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
    // The 401 above, with what to check: the page shows the log line's hint.
    expect(await page.locator("ul.rejections[data-source=shopify] .hint").first().textContent()).toContain(
      "check SHOPIFY_WEBHOOK_SECRET",
    );
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
