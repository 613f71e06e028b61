/**
 * The Shopify customer-events pixel (Settings → Customer events → Add custom pixel), with this
 * relay's /collect and the GA4 stream filled in. It runs in Shopify's lax sandbox, where `analytics`,
 * `browser`, `init` and `api` are globals (shopify.dev/docs/api/web-pixels-api): cookies only through
 * `browser.cookie.get` (a Promise of the value, "" when absent), the page only through the event's
 * `context`. It posts text/plain, so the browser sends no CORS preflight, with `keepalive` (Shopify
 * deprecated `browser.sendBeacon` for it) and no credentials. Never an e-mail, phone, name or address.
 */
export function pixelSource(collectUrl: string, measurementId?: string): string {
  const stream = (measurementId ?? "").replace(/^G-/i, "");
  return `// tagrelay checkout pixel (docs/attribution.md). Paste all of it into Shopify admin → Settings →
// Customer events → Add custom pixel; Permission: Not required (consent is sent and applied by tagrelay).
(function () {
  "use strict";
  // Where the identifiers go: this relay's /collect.
  var ENDPOINT = ${JSON.stringify(collectUrl)};
  // GA4 keeps the session in _ga_<stream>: the measurement id without "G-".
  var STREAM = ${JSON.stringify(stream)};
  // Click ids a landing URL can carry, and the name /collect takes each by.
  var LANDING = { gclid: "gclid", gbraid: "gbraid", wbraid: "wbraid", ttclid: "ttclid", epik: "epik", ScCid: "scClickId", rdt_cid: "rdtCid", msclkid: "msclkid" };
  // Which click ids and cookies need marketing consent (the rest are GA's, which need analytics).
  var GA = { gaClientId: true, gaSessionId: true };
  // The landing of this tab's visit, kept in the shop's sessionStorage until checkout.
  var LANDING_KEY = "_tr_pixel_landing";
  // Consent as Shopify holds it at load, updated when the visitor answers the banner.
  var privacy = (init && init.customerPrivacy) || {};
  if (typeof api !== "undefined" && api.customerPrivacy && api.customerPrivacy.subscribe) {
    api.customerPrivacy.subscribe("visitorConsentCollected", function (event) {
      privacy = event.customerPrivacy || privacy;
    });
  }

  // The click ids in a URL, by /collect's names; an empty object when it has none.
  function clickIds(href) {
    var found = {};
    try {
      var query = new URL(href).searchParams;
      for (var name in LANDING) if (query.get(name)) found[LANDING[name]] = query.get(name).slice(0, 500);
    } catch (e) {}
    return found;
  }

  // Every page: a URL with click ids starts this tab's attribution, later pages keep it.
  analytics.subscribe("page_viewed", function (event) {
    var href = event.context && event.context.window && event.context.window.location.href;
    if (!href || Object.keys(clickIds(href)).length === 0) return;
    browser.sessionStorage.setItem(LANDING_KEY, href).catch(function () {});
  });

  // Reads one cookie of the shop's own domain ("" when absent).
  function cookie(name) {
    return browser.cookie.get(name).then(function (v) { return v || ""; }, function () { return ""; });
  }

  // Builds the post: the cookies, the landing's click ids, consent, the user agent, the checkout's keys.
  function post(event) {
    var checkout = (event.data && event.data.checkout) || {};
    if (!checkout.token) return;
    var shop = init && init.data && init.data.shop && init.data.shop.myshopifyDomain;
    var names = ["_ga", "_ga_" + STREAM, "_fbp", "_fbc", "_gcl_aw", "_ttp", "_epik", "_scid", "_rdt_uuid", "_uetmsclkid"];
    var reads = names.map(cookie);
    reads.push(browser.sessionStorage.getItem(LANDING_KEY).catch(function () { return ""; }));
    Promise.all(reads).then(function (v) {
      var page = event.context && event.context.window && event.context.window.location.href;
      var landing = v[10] || page || "";
      var ids = clickIds(landing);
      var body = {
        shop: shop,
        checkoutToken: checkout.token,
        orderId: checkout.order && checkout.order.id ? String(checkout.order.id) : undefined,
        gaClientId: v[0] || undefined,
        gaSessionId: STREAM ? v[1] || undefined : undefined,
        fbp: v[2] || undefined,
        fbc: v[3] || undefined,
        // _gcl_aw is "GCL.<time>.<gclid>"; a landing's own gclid wins.
        gclid: ids.gclid || v[4].split(".").slice(2).join(".") || undefined,
        gbraid: ids.gbraid,
        wbraid: ids.wbraid,
        ttclid: ids.ttclid,
        ttp: v[5] || undefined,
        epik: ids.epik || v[6] || undefined,
        scClickId: ids.scClickId,
        scid: v[7] || undefined,
        rdtCid: ids.rdtCid,
        rdtUuid: v[8] || undefined,
        // _uetmsclkid is "_uet<msclkid>".
        msclkid: ids.msclkid || v[9].replace(/^_uet/, "") || undefined,
        landingUrl: Object.keys(ids).length ? landing : undefined,
        userAgent: event.context && event.context.navigator ? event.context.navigator.userAgent : undefined,
        consent: { analytics: privacy.analyticsProcessingAllowed, marketing: privacy.marketingAllowed }
      };
      // A visitor who refused analytics sends no GA ids; one who refused marketing, no ad ids.
      for (var key in body) {
        if (key === "shop" || key === "checkoutToken" || key === "orderId" || key === "userAgent" || key === "consent") continue;
        var refused = GA[key] ? privacy.analyticsProcessingAllowed === false : privacy.marketingAllowed === false;
        if (refused) delete body[key];
      }
      return fetch(ENDPOINT, {
        method: "POST",
        keepalive: true,
        credentials: "omit",
        headers: { "Content-Type": "text/plain" },
        body: JSON.stringify(body)
      });
    }).catch(function () {});
  }

  // checkout_started gives the join early (the order's webhook can beat the thank-you page);
  // checkout_completed adds the order id. /collect merges the two posts.
  analytics.subscribe("checkout_started", post);
  analytics.subscribe("checkout_completed", post);
})();
`;
}

const SCRIPT_HEADERS = {
  "content-type": "application/javascript; charset=utf-8",
  "cache-control": "public, max-age=300",
  "x-content-type-options": "nosniff",
};

/** A script of this file as its GET answer: `/pixel.js` (to paste; no page loads it from here) or `/collect/woocommerce.js`. */
export const scriptResponse = (source: string) => new Response(source, { headers: SCRIPT_HEADERS });

/**
 * The WooCommerce thank-you snippet: on the order-received page (`…/order-received/<id>/?key=wc_order_…`)
 * it reads the order key from the URL and the same cookies from `document.cookie`, and posts them.
 * Added by the owner where the theme can print a script on that page (docs/attribution.md).
 */
export function woocommerceSnippetSource(collectUrl: string, measurementId?: string): string {
  const stream = (measurementId ?? "").replace(/^G-/i, "");
  return `/* tagrelay WooCommerce thank-you snippet (docs/attribution.md) */
(function () {
  "use strict";
  var ENDPOINT = ${JSON.stringify(collectUrl)};
  var STREAM = ${JSON.stringify(stream)};
  var key = new URLSearchParams(window.location.search).get("key") || "";
  if (!/^wc_order_[A-Za-z0-9]+$/.test(key)) return;
  var jar = {};
  (document.cookie ? document.cookie.split(";") : []).forEach(function (part) {
    var eq = part.indexOf("=");
    if (eq > 0) jar[part.slice(0, eq).trim()] = decodeURIComponent(part.slice(eq + 1).trim());
  });
  var body = {
    shop: window.location.origin,
    orderKey: key,
    gaClientId: jar._ga || undefined,
    gaSessionId: STREAM ? jar["_ga_" + STREAM] || undefined : undefined,
    fbp: jar._fbp || undefined,
    fbc: jar._fbc || undefined,
    gclid: (jar._gcl_aw || "").split(".").slice(2).join(".") || undefined,
    ttp: jar._ttp || undefined,
    epik: jar._epik || undefined,
    scid: jar._scid || undefined,
    rdtUuid: jar._rdt_uuid || undefined,
    msclkid: (jar._uetmsclkid || "").replace(/^_uet/, "") || undefined,
    userAgent: navigator.userAgent
  };
  fetch(ENDPOINT, { method: "POST", keepalive: true, credentials: "omit", headers: { "Content-Type": "text/plain" }, body: JSON.stringify(body) }).catch(function () {});
})();
`;
}
