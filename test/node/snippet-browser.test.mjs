import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snippetSource } from "../../src/storefront/snippet.ts";
import { chromiumInstalled, launchChromium } from "./chromium.mjs";

const hasChromium = chromiumInstalled("snippet browser test");

/** A storefront page: Google consent mode commands, optionally Shopify's privacy API, then the snippet. */
function page(shopify) {
  return `<!doctype html><html><head>
<script>
  window.dataLayer = window.dataLayer || [];
  function gtag() { dataLayer.push(arguments); }
  gtag("consent", "default", { ad_storage: "denied", analytics_storage: "denied", ad_user_data: "denied", ad_personalization: "denied" });
  gtag("consent", "update", { ad_storage: "granted", analytics_storage: "granted", ad_user_data: "granted", ad_personalization: "denied" });
  ${shopify}
</script>
<script src="/snippet.js" defer></script>
</head><body>a storefront page</body></html>`;
}

const SHOPIFY_DENIED = `window.Shopify = {
  routes: { root: "/en/" },
  customerPrivacy: { currentVisitorConsent: function () { return { marketing: "no", analytics: "yes", preferences: "", sale_of_data: "" }; } }
};`;

/**
 * A storefront on 127.0.0.1 (port 0): `/snippet.js` serves the snippet, `…/cart/update.js` records
 * what it is sent, every other path is a page.
 */
async function startStorefront() {
  const updates = [];
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (url.pathname === "/snippet.js") {
      response.writeHead(200, { "content-type": "application/javascript" });
      response.end(snippetSource("G-TEST123"));
      return;
    }
    if (url.pathname.endsWith("/cart/update.js") && request.method === "POST") {
      let body = "";
      for await (const chunk of request) body += chunk;
      updates.push({ path: url.pathname, attributes: JSON.parse(body).attributes });
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ token: "cart-1", attributes: {} }));
      return;
    }
    response.writeHead(200, { "content-type": "text/html" });
    response.end(page(url.searchParams.has("shopify") ? SHOPIFY_DENIED : ""));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    updates,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

describe.skipIf(!hasChromium)("storefront snippet in Chromium", () => {
  let storefront;
  let updates;
  let origin;
  let profile;
  let context;

  beforeAll(async () => {
    storefront = await startStorefront();
    ({ origin, updates } = storefront);
    profile = mkdtempSync(join(tmpdir(), "tagrelay-chromium-"));
    context = await launchChromium(profile);
    await context.addCookies([
      { name: "_ga", value: "GA1.1.1234567890.1700000000", url: origin },
      { name: "_ga_OTHER99", value: "GS2.1.s1111111111$o2$g0$t1111111112$j0$l0$h0", url: origin },
      { name: "_ga_TEST123", value: "GS2.1.s1747132561$o7$g1$t1747132655$j60$l0$h0", url: origin },
      { name: "_fbp", value: "fb.1.1700000000000.1111111111", url: origin },
      { name: "_fbc", value: "fb.1.1700000000000.IwAR_cookie", url: origin },
      { name: "_gcl_aw", value: "GCL.1700000000.EAIa_cookie", url: origin },
      { name: "_gcl_gb", value: "GCL.1700000000.0AAAAAD_gb_cookie", url: origin },
      { name: "_ttp", value: "01K1A8BXG7CFS8QC92XKKJD081_.tt.1", url: origin },
      { name: "_epik", value: "dj0yJnU9epik_cookie", url: origin },
      { name: "_scid", value: "e34d7eea-bd50-4164-862b-325f48b7245b", url: origin },
      { name: "_rdt_uuid", value: "1676347848701.70269df5-4a9b-4791-8503-90e836217254", url: origin },
      { name: "_uetmsclkid", value: "_uetde75ae184597150d5b6ac93cd9bc909f", url: origin },
    ]);
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await storefront?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  const waitForUpdates = (count) =>
    expect.poll(() => updates.length, { timeout: 10_000, interval: 50 }).toBe(count);

  it("posts the cookies, the landing parameters and consent to /cart/update.js, once", async () => {
    const tab = await context.newPage();
    await tab.goto(
      `${origin}/products/tee?gclid=EAIa_test&fbclid=IwAR_landing&utm_source=newsletter&utm_medium=email&utm_campaign=spring` +
        "&ttclid=E.C.P.tt_landing&ScCid=sc_landing&rdt_cid=rdt_landing&wbraid=wb_landing&epik=not%20one%20token",
    );
    await waitForUpdates(1);
    expect(updates[0]).toEqual({
      path: "/cart/update.js",
      attributes: {
        _tr_ga_cid: "1234567890.1700000000",
        _tr_ga_sid: "1747132561",
        _tr_ga_sn: "7",
        _tr_fbp: "fb.1.1700000000000.1111111111",
        _tr_fbc: "fb.1.1700000000000.IwAR_cookie",
        _tr_gclid: "EAIa_test",
        _tr_fbclid: "IwAR_landing",
        _tr_gbraid: "0AAAAAD_gb_cookie",
        _tr_wbraid: "wb_landing",
        _tr_ttclid: "E.C.P.tt_landing",
        _tr_ttp: "01K1A8BXG7CFS8QC92XKKJD081_.tt.1",
        _tr_epik: "dj0yJnU9epik_cookie",
        _tr_ScCid: "sc_landing",
        _tr_scid: "e34d7eea-bd50-4164-862b-325f48b7245b",
        _tr_rdt_cid: "rdt_landing",
        _tr_rdt_uuid: "1676347848701.70269df5-4a9b-4791-8503-90e836217254",
        _tr_msclkid: "de75ae184597150d5b6ac93cd9bc909f",
        _tr_utm_source: "newsletter",
        _tr_utm_medium: "email",
        _tr_utm_campaign: "spring",
        _tr_consent_marketing: "granted",
        _tr_consent_analytics: "granted",
        _tr_ad_user_data: "granted",
        _tr_ad_personalization: "denied",
      },
    });

    // Another page of the same tab: the landing values survive in sessionStorage and nothing changed.
    await tab.goto(`${origin}/cart`);
    await tab.waitForTimeout(2_000);
    expect(updates).toHaveLength(1);
    expect(JSON.parse((await tab.evaluate(() => sessionStorage.getItem("_tr_landing"))) ?? "{}")).toEqual({
      gclid: "EAIa_test",
      wbraid: "wb_landing",
      fbclid: "IwAR_landing",
      ttclid: "E.C.P.tt_landing",
      ScCid: "sc_landing",
      rdt_cid: "rdt_landing",
      utm_source: "newsletter",
      utm_medium: "email",
      utm_campaign: "spring",
    });

    // A changed cookie is written alone.
    await context.addCookies([{ name: "_fbp", value: "fb.1.1700000000000.2222222222", url: origin }]);
    await tab.goto(`${origin}/collections/all`);
    await waitForUpdates(2);
    expect(updates[1]).toEqual({
      path: "/cart/update.js",
      attributes: { _tr_fbp: "fb.1.1700000000000.2222222222" },
    });

    const cookieNames = (await context.cookies(origin)).map((c) => c.name).sort();
    expect(cookieNames).toEqual([
      "_epik",
      "_fbc",
      "_fbp",
      "_ga",
      "_ga_OTHER99",
      "_ga_TEST123",
      "_gcl_aw",
      "_gcl_gb",
      "_rdt_uuid",
      "_scid",
      "_ttp",
      "_uetmsclkid",
    ]);
    await tab.close();
  }, 30_000);

  it("prefers Shopify's Customer Privacy API for marketing and analytics, under the shop's route root", async () => {
    const tab = await context.newPage();
    await tab.goto(`${origin}/en/products/tee?shopify=1`);
    await waitForUpdates(3);
    expect(updates[2].path).toBe("/en/cart/update.js");
    expect(updates[2].attributes).toMatchObject({
      _tr_ga_cid: "1234567890.1700000000",
      _tr_consent_marketing: "denied",
      _tr_consent_analytics: "granted",
      _tr_ad_user_data: "granted",
    });
    // A new tab has no landing parameters: the click ids come from the platforms' cookies alone.
    expect(updates[2].attributes).toMatchObject({
      _tr_gclid: "EAIa_cookie",
      _tr_gbraid: "0AAAAAD_gb_cookie",
      _tr_msclkid: "de75ae184597150d5b6ac93cd9bc909f",
    });
    expect(updates[2].attributes).not.toHaveProperty("_tr_ttclid");
    await tab.close();
  }, 30_000);
});
