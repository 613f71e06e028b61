import { execFile } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP, shopifyJson, shopifyOrder, shopifyRefund } from "../fixtures/shopify.ts";
import { chromiumInstalled, launchChromium } from "../node/chromium.mjs";
import { ROOT, startWranglerDev, waitFor } from "../node/wrangler-dev.mjs";

const hasChromium = chromiumInstalled("operator browser test");
const screenshots = join(ROOT, "test-results");
const TOKEN = "operator-test-admin-token-0123456789";
const SECRET = "operator-test-shopify-secret";
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

async function signIn(page, base) {
  await page.goto(`${base}/admin`);
  await page.fill("#token", TOKEN);
  await Promise.all([page.waitForURL(`${base}/admin`), page.click("button[type=submit]")]);
}

/** Nothing on the page, and nothing inside the orders or deliveries table, needs sideways scrolling. */
async function expectNoSidewaysScroll(page) {
  const widths = await page.evaluate(() => ({
    page: document.scrollingElement.scrollWidth - window.innerWidth,
    tables: [...document.querySelectorAll(".cards-wrap")].map((el) => el.scrollWidth - el.clientWidth),
  }));
  expect(widths.page).toBeLessThanOrEqual(0);
  for (const overflow of widths.tables) expect(overflow).toBeLessThanOrEqual(0);
}

/**
 * For one describe block: a Worker with the Shopify and admin settings plus `settings`, and a
 * Chromium page signed in to its admin, opened on demand at a viewport. Both end with the block.
 */
function useRelay(settings) {
  const relay = {};
  beforeAll(async () => {
    relay.dir = await mkdtemp(join(tmpdir(), "tagrelay-operator-"));
    relay.worker = await startWranglerDev({
      ADMIN_TOKEN: TOKEN,
      SHOPIFY_WEBHOOK_SECRET: SECRET,
      SHOPIFY_SHOP: SHOP,
      ...settings,
    });
  }, 60_000);
  afterAll(async () => {
    await relay.context?.close();
    await relay.worker?.stop();
    if (relay.dir) await rm(relay.dir, { recursive: true, force: true });
  });
  relay.signedInPage = async (viewport) => {
    await mkdir(screenshots, { recursive: true });
    relay.context = await launchChromium(join(relay.dir, "profile"), { viewport });
    const page = relay.context.pages()[0] ?? (await relay.context.newPage());
    await signIn(page, relay.worker.base);
    return page;
  };
  return relay;
}

/** A Shopify webhook signed with `secret`, posted to the Worker at `base`. */
function postShopify(base, body, topic, secret = SECRET) {
  const text = shopifyJson(body);
  return fetch(`${base}/webhooks/shopify`, {
    method: "POST",
    body: text,
    headers: {
      "content-type": "application/json",
      "x-shopify-topic": topic,
      "x-shopify-shop-domain": SHOP,
      "x-shopify-webhook-id": randomUUID(),
      "x-shopify-hmac-sha256": createHmac("sha256", secret).update(text).digest("base64"),
    },
  });
}

describe.skipIf(!hasChromium)("a misconfigured relay, in the browser and the demo", () => {
  const relay = useRelay({ DESTINATIONS_MODE: "dryrun" });

  it("says so from /health, the demo, a webhook and /admin", async () => {
    const { worker } = relay;
    const health = await fetch(`${worker.base}/health`);
    expect(health.status).toBe(500);
    expect(await health.json()).toEqual({
      status: "misconfigured",
      version: "0.1.0",
      problems: ['DESTINATIONS_MODE: Invalid option: expected one of "live"|"dry-run"'],
    });

    const demo = await promisify(execFile)(
      process.execPath,
      ["scripts/demo/index.mjs", "--url", worker.base],
      {
        cwd: ROOT,
      },
    ).catch((error) => error);
    expect(demo.code).toBe(1);
    expect(demo.stderr).toBe(
      [
        "demo: the Worker's settings are invalid, so every webhook answers 503 until they are fixed:",
        '  DESTINATIONS_MODE: Invalid option: expected one of "live"|"dry-run"',
        'Fix them in .dev.vars (a blank setting takes its default, README "Configuration"), then restart `npm start`.',
        "",
      ].join("\n"),
    );

    const webhook = await fetch(`${worker.base}/webhooks/shopify`, { method: "POST", body: "{}" });
    expect(webhook.status).toBe(503);
    expect(await webhook.json()).toEqual({
      status: "error",
      reason: "relay misconfigured",
      see: "the Worker's log (wrangler tail) names the setting to fix; GET /health lists every problem",
    });

    const page = await relay.signedInPage(PHONE);
    expect(await page.locator("h1").textContent()).toBe("tagrelay: settings need fixing");
    expect(await page.locator("[role=alert] li").allTextContents()).toEqual([
      'DESTINATIONS_MODE: Invalid option: expected one of "live"|"dry-run"',
    ]);
    await expectNoSidewaysScroll(page);
    await page.screenshot({ path: join(screenshots, "admin-misconfigured.png"), fullPage: true });
  }, 60_000);
});

describe.skipIf(!hasChromium)("the admin in dry-run mode, on a phone and a desktop", () => {
  const ORDER_ID = "9400000000000000001";
  const refundEvent = `shopify:${SHOP}:refund:9400000000000000901`;
  const relay = useRelay({
    DESTINATIONS_MODE: "dry-run",
    GA4_MEASUREMENT_ID: "G-OPERATOR",
    GA4_API_SECRET: "operator-ga4-secret",
    META_PIXEL_ID: "4343",
    META_ACCESS_TOKEN: "operator-meta-token",
    META_TEST_EVENT_CODE: "TEST4343",
  });

  const post = (body, topic, secret = SECRET) => postShopify(relay.worker.base, body, topic, secret);

  // Two orders, a refund of the first, and a forged copy of the second, all settled by the consumer.
  beforeAll(async () => {
    const now = new Date().toISOString();
    const orders = [
      shopifyOrder({ id: ORDER_ID, name: "#9401", createdAt: now }),
      shopifyOrder({ id: "9400000000000000002", name: "#9402", createdAt: now }),
    ];
    for (const order of orders) expect((await post(order, "orders/create")).status).toBe(200);
    const refund = shopifyRefund({ id: "9400000000000000901", orderId: ORDER_ID });
    expect((await post(refund, "refunds/create")).status).toBe(200);
    expect((await post(orders[1], "orders/create", "not-the-shop-secret")).status).toBe(401);
    await waitFor(async () => {
      const [{ n }] = await relay.worker.d1(
        "SELECT COUNT(*) AS n FROM deliveries WHERE status NOT IN ('sending', 'retrying')",
      );
      return n === 6;
    }, "the consumer to settle 3 events × 2 destinations");
  }, 90_000);

  it("shows the mode banner, orders as cards with order, value and each destination, and a wrapped story", async () => {
    const { worker } = relay;
    const page = await relay.signedInPage(PHONE);
    expect(await page.locator("[data-banner=mode] li").allTextContents()).toEqual([
      "Dry run (DESTINATIONS_MODE=dry-run): nothing is sent to any destination; each order's story shows what would have been sent.",
      "Meta test events (META_TEST_EVENT_CODE): events go to Events Manager → Test events and do not count in reports.",
    ]);
    expect(await page.locator("select[name=source] option").allTextContents()).toEqual([
      "any source",
      "shopify",
    ]);

    // Search by the order's number: the refund is found with it, shown under that number.
    await page.fill("input[name=q]", "#9401");
    await Promise.all([page.waitForURL(/q=%239401/), page.click("form[role=search] button")]);
    const cards = page.locator("table[data-table=orders] tr[data-event]");
    expect(await cards.count()).toBe(2);
    const refundCard = page.locator(`tr[data-event="${refundEvent}"]`);
    expect(await refundCard.locator("a").textContent()).toBe("#9401");
    const card = await refundCard.evaluate((row) => ({
      right: row.getBoundingClientRect().right,
      viewport: window.innerWidth,
      // Each labelled cell as the phone shows it: its label (drawn by CSS) and its text.
      cells: [...row.querySelectorAll("td[data-label]")].map((td) => [
        getComputedStyle(td, "::before").content,
        // biome-ignore lint/performance/useDomNodeTextContent: the text as shown, a line per block
        td.innerText.trim(),
      ]),
    }));
    expect(card.right).toBeLessThanOrEqual(card.viewport);
    expect(card.cells).toEqual([
      ['"kind: "', "refund"],
      ['"value: "', "14.84 USD"],
      ['"ga4: "', "dry-run"],
      ['"meta: "', "skipped\nMETA_REFUNDS is skip: Meta has no refund event"],
    ]);
    await expectNoSidewaysScroll(page);
    await page.screenshot({ path: join(screenshots, "admin-phone-orders.png"), fullPage: true });

    await Promise.all([page.waitForURL(/\/admin\/events\//), refundCard.locator("a").click()]);
    expect(await page.locator("h1").textContent()).toBe("Order #9401");
    expect(await page.locator("[data-banner=mode]").count()).toBe(1);
    const reason = await page.locator("tr[data-destination=meta] td.reason").evaluate((cell) => ({
      text: cell.textContent,
      right: cell.getBoundingClientRect().right,
      lines: Math.round(
        cell.getBoundingClientRect().height / Number.parseFloat(getComputedStyle(cell).lineHeight),
      ),
      viewport: window.innerWidth,
    }));
    expect(reason.text).toBe("META_REFUNDS is skip: Meta has no refund event");
    expect(reason.right).toBeLessThanOrEqual(reason.viewport);
    expect(reason.lines).toBeGreaterThanOrEqual(1);
    await expectNoSidewaysScroll(page);
    await page.screenshot({ path: join(screenshots, "admin-phone-story.png"), fullPage: true });

    await page.setViewportSize(DESKTOP);
    await page.screenshot({ path: join(screenshots, "admin-desktop-story.png"), fullPage: true });
    await page.goto(`${worker.base}/admin`);
    expect(await page.locator("table[data-table=orders] tr.head").isVisible()).toBe(true);
    await expectNoSidewaysScroll(page);
    await page.screenshot({ path: join(screenshots, "admin-desktop-orders.png"), fullPage: true });
  }, 60_000);
});

describe.skipIf(!hasChromium)("an order's story in live mode: what was sent and what came back", () => {
  const ORDER_ID = "9400000000000000077";
  // How the Graph API refuses a bad parameter: final, not retried.
  const META_REFUSAL = {
    error: {
      message: "Invalid parameter",
      type: "OAuthException",
      code: 100,
      error_user_msg: "The currency code XYZ is not supported.",
      fbtrace_id: "AoperatorTrace",
    },
  };
  const platform = { hits: [] };
  // GA4 and Meta stand-ins on loopback: GA4 takes the hit (204, no body); Meta refuses it as the
  // Graph API refuses a bad parameter, which is final.
  beforeAll(async () => {
    platform.server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => {
        body += chunk;
      });
      request.on("end", () => {
        platform.hits.push({ url: request.url, body });
        if (request.url.startsWith("/mp/collect")) {
          response.writeHead(204).end();
          return;
        }
        response.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify(META_REFUSAL));
      });
    });
    await new Promise((resolve) => platform.server.listen(0, "127.0.0.1", resolve));
  });
  afterAll(() => new Promise((resolve) => platform.server?.close(resolve)));

  const port = () => platform.server.address().port;
  const relay = useRelay({
    GA4_MEASUREMENT_ID: "G-LIVE",
    GA4_API_SECRET: "operator-live-ga4-secret",
    META_PIXEL_ID: "5656",
    META_ACCESS_TOKEN: "operator-live-meta-token",
    // Read when the Worker starts, after the stand-in listens (beforeAll hooks run in order).
    get GA4_ENDPOINT() {
      return `http://127.0.0.1:${port()}/mp/collect`;
    },
    get META_ENDPOINT() {
      return `http://127.0.0.1:${port()}`;
    },
  });

  it("shows each destination's request body, redacted, and the platform's answer, on a phone", async () => {
    const order = shopifyOrder({ id: ORDER_ID, name: "#9477", createdAt: new Date().toISOString() });
    const webhook = await postShopify(relay.worker.base, order, "orders/create");
    expect(webhook.status).toBe(200);
    const eventId = `shopify:${SHOP}:purchase:${ORDER_ID}`;
    await waitFor(async () => {
      const rows = await relay.worker.d1(
        `SELECT COUNT(*) AS n FROM deliveries WHERE event_id = '${eventId}' AND status IN ('sent', 'failed')`,
      );
      return rows[0].n === 2;
    }, "GA4 sent and Meta failed");
    // The stand-ins really were called, with the secrets where the platforms take them.
    expect(platform.hits.map((h) => h.url.split("?")[0]).sort()).toEqual([
      "/mp/collect",
      "/v26.0/5656/events",
    ]);

    const page = await relay.signedInPage(PHONE);
    await page.goto(`${relay.worker.base}/admin/events/${encodeURIComponent(eventId)}`);
    expect(
      await page.locator("[data-exchanges]").evaluateAll((els) => els.map((e) => e.dataset.exchanges)),
    ).toEqual(["ga4", "meta"]);
    const ga4 = page.locator("[data-exchanges=ga4] details[open]");
    expect(await ga4.locator("[data-answer-status]").textContent()).toBe("HTTP 204");
    expect(await ga4.locator("[data-answer]").textContent()).toBe("(empty body)");
    const ga4Body = JSON.parse(await ga4.locator("[data-request]").textContent());
    expect(ga4Body.events[0].name).toBe("purchase");
    expect(ga4Body.events[0].params.transaction_id).toBe(ORDER_ID);
    const meta = page.locator("[data-exchanges=meta] details[open]");
    expect(await meta.locator("[data-answer-status]").textContent()).toBe("HTTP 400");
    expect(JSON.parse(await meta.locator("[data-answer]").textContent())).toEqual(META_REFUSAL);
    const metaBody = JSON.parse(await meta.locator("[data-request]").textContent());
    expect(metaBody.access_token).toBe("[redacted]");
    expect(metaBody.data).toHaveLength(1);
    expect(metaBody.data[0].event_id).toBe(ORDER_ID);
    // No secret anywhere on the page.
    const html = await page.content();
    for (const secret of ["operator-live-ga4-secret", "operator-live-meta-token"]) {
      expect(html).not.toContain(secret);
    }
    await expectNoSidewaysScroll(page);
    await page.screenshot({ path: join(screenshots, "admin-phone-story-sent.png"), fullPage: true });
    await page.setViewportSize(DESKTOP);
    await page.screenshot({ path: join(screenshots, "admin-desktop-story-sent.png"), fullPage: true });
  }, 90_000);
});
