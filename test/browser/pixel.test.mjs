import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP } from "../fixtures/shopify.ts";
import { chromiumInstalled, launchChromium } from "../node/chromium.mjs";
import { startWranglerDev, waitFor } from "../node/wrangler-dev.mjs";

const hasChromium = chromiumInstalled("checkout pixel browser test");
const TOKEN = "c0ffee00c0ffee00c0ffee00c0ffee00";
/** The ad ids the pixel posts from the preset cookies and landing below, stored as posted. */
const AD_IDS = {
  fbp: "fb.1.1700000000200.987654321",
  fbc: "fb.1.1700000000200.IwAR_browser",
  gclid: "EAIa_landing",
  ttclid: "TT_landing",
  ttp: "ttp_cookie_value",
  msclkid: "msclk_cookie",
  landingUrl:
    "https://relay-test.myshopify.com/products/tee?ttclid=TT_landing&gclid=EAIa_landing&utm_source=ads",
};

/**
 * A stub of Shopify's lax pixel sandbox: the globals a custom pixel gets (`analytics`, `browser`,
 * `init`, `api`), cookies served from a preset jar as `browser.cookie.get` does (a Promise of the
 * value, "" when absent), sessionStorage through `browser.sessionStorage`; then the served pixel's
 * code, run as Shopify runs a custom pixel's; then the events a checkout publishes.
 */
function sandboxPage(pixelCode) {
  return `<!doctype html><html><head><script>
  var handlers = {};
  var jar = {
    _ga: "GA1.1.987654321.1700000200",
    _ga_TEST123: "GS2.1.s1747111111$o4$g1$t1747111200$j0$l0$h0",
    _ga_OTHER: "GS2.1.s1000000000$o1$g0$t1000000001$j0$l0$h0",
    _fbp: "fb.1.1700000000200.987654321",
    _fbc: "fb.1.1700000000200.IwAR_browser",
    _gcl_aw: "GCL.1700000200.EAIa_cookie",
    _ttp: "ttp_cookie_value",
    _uetmsclkid: "_uetmsclk_cookie"
  };
  var session = {};
  var analytics = { subscribe: function (name, fn) { (handlers[name] = handlers[name] || []).push(fn); } };
  var browser = {
    cookie: { get: function (name) { return Promise.resolve(jar[name] || ""); } },
    sessionStorage: {
      getItem: function (k) { return Promise.resolve(session[k] || null); },
      setItem: function (k, v) { session[k] = v; return Promise.resolve(); }
    }
  };
  var init = {
    customerPrivacy: { analyticsProcessingAllowed: true, marketingAllowed: true, preferencesProcessingAllowed: true, saleOfDataAllowed: true },
    data: { shop: { myshopifyDomain: ${JSON.stringify(SHOP)} }, customer: { email: "john@example.com", phone: "+14155550123" } }
  };
  var api = { customerPrivacy: { subscribe: function (name, fn) { handlers[name] = [fn]; } } };
  function publish(name, event) { (handlers[name] || []).forEach(function (fn) { fn(event); }); }
  function context(href) {
    return { window: { location: { href: href } }, navigator: { userAgent: navigator.userAgent }, document: { title: "t" } };
  }
</script>
<script>${pixelCode}</script>
</head><body>checkout</body></html>`;
}

describe.skipIf(!hasChromium)("the served checkout pixel in a stub of Shopify's sandbox", () => {
  let worker;
  let server;
  let origin;
  let profile;
  let context;

  beforeAll(async () => {
    worker = await startWranglerDev({
      SHOPIFY_WEBHOOK_SECRET: "pixel-test-shopify-secret",
      SHOPIFY_SHOP: SHOP,
      GA4_MEASUREMENT_ID: "G-TEST123",
    });
    const pixel = await (await fetch(`${worker.base}/pixel.js`)).text();
    server = createServer((_request, response) => {
      response.writeHead(200, { "content-type": "text/html" });
      response.end(sandboxPage(pixel));
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${server.address().port}`;
    profile = await mkdtemp(join(tmpdir(), "tagrelay-pixel-"));
    context = await launchChromium(profile);
  }, 90_000);

  afterAll(async () => {
    await context?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
    await worker?.stop();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  it("posts the cookies, the landing's click ids, consent and the checkout's keys to /collect", async () => {
    const page = await context.newPage();
    const posts = [];
    page.on("request", (request) => {
      if (request.url() === `${worker.base}/collect`) posts.push(request);
    });
    await page.goto(`${origin}/checkouts/cn/abc`);
    await page.evaluate(
      ({ token }) => {
        // A landing with click ids, then the checkout: Shopify publishes these as the visitor goes.
        publish("page_viewed", {
          context: context(
            "https://relay-test.myshopify.com/products/tee?ttclid=TT_landing&gclid=EAIa_landing&utm_source=ads",
          ),
        });
        publish("page_viewed", { context: context("https://relay-test.myshopify.com/cart") });
        publish("checkout_completed", {
          context: context("https://relay-test.myshopify.com/checkouts/cn/abc/thank-you"),
          data: {
            checkout: {
              token,
              email: "john@example.com",
              phone: "+14155550123",
              billingAddress: { firstName: "John", address1: "221B Baker Street" },
              order: { id: "gid://shopify/OrderIdentity/5500000000000001" },
            },
          },
        });
      },
      { token: TOKEN },
    );
    await waitFor(async () => posts.length === 1 && (await posts[0].response()), "the pixel's post", 10_000);
    const [post] = posts;
    expect(post.method()).toBe("POST");
    expect((await post.response()).status()).toBe(204);
    expect(post.headers()["content-type"]).toBe("text/plain");
    const body = JSON.parse(post.postData());
    expect(body).toEqual({
      shop: SHOP,
      checkoutToken: TOKEN,
      orderId: "gid://shopify/OrderIdentity/5500000000000001",
      gaClientId: "GA1.1.987654321.1700000200",
      gaSessionId: "GS2.1.s1747111111$o4$g1$t1747111200$j0$l0$h0",
      ...AD_IDS,
      userAgent: await page.evaluate(() => navigator.userAgent),
      consent: { analytics: true, marketing: true },
    });
    for (const personal of ["john@example.com", "4155550123", "Baker", "John"]) {
      expect(post.postData()).not.toContain(personal);
    }

    // The Worker stored it, keyed by the token's hash, never the token.
    const rows = await worker.d1("SELECT shop, key_hash, identifiers, order_id FROM collected_identifiers");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ shop: SHOP, order_id: "5500000000000001" });
    expect(rows[0].key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(rows[0].identifiers).attribution).toEqual({
      gaClientId: "987654321.1700000200",
      gaSessionId: "1747111111",
      ...AD_IDS,
    });
    await page.close();
  }, 60_000);

  it("sends no ad ids for a visitor who refused marketing, and follows a consent given later", async () => {
    const page = await context.newPage();
    const bodies = [];
    page.on("request", (request) => {
      if (request.url() === `${worker.base}/collect`) bodies.push(JSON.parse(request.postData()));
    });
    await page.goto(`${origin}/checkouts/cn/def`);
    await page.evaluate(() => {
      init.customerPrivacy = { analyticsProcessingAllowed: true, marketingAllowed: false };
    });
    // The pixel read init at load: reload it with the refusal in place.
    const pixel = await (await fetch(`${worker.base}/pixel.js`)).text();
    await page.evaluate((code) => {
      handlers = {};
      const script = document.createElement("script");
      script.textContent = code;
      document.head.appendChild(script);
      publish("checkout_started", {
        context: context("https://relay-test.myshopify.com/checkouts/cn/def"),
        data: { checkout: { token: "d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0" } },
      });
    }, pixel);
    await waitFor(async () => bodies.length === 1, "the refused visitor's post", 10_000);
    expect(bodies[0]).toEqual({
      shop: SHOP,
      checkoutToken: "d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0",
      gaClientId: "GA1.1.987654321.1700000200",
      gaSessionId: "GS2.1.s1747111111$o4$g1$t1747111200$j0$l0$h0",
      userAgent: expect.any(String),
      consent: { analytics: true, marketing: false },
    });

    await page.evaluate(() => {
      publish("visitorConsentCollected", {
        customerPrivacy: { analyticsProcessingAllowed: true, marketingAllowed: true },
      });
      publish("checkout_completed", {
        context: context("https://relay-test.myshopify.com/checkouts/cn/def/thank-you"),
        data: { checkout: { token: "d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0" } },
      });
    });
    await waitFor(async () => bodies.length === 2, "the post after consent", 10_000);
    expect(bodies[1]).toMatchObject({ fbp: "fb.1.1700000000200.987654321", consent: { marketing: true } });
    await page.close();
  }, 60_000);
});
