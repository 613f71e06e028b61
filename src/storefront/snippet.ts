import { clickIdValue, parseGclCookie, parseRdtUuidCookie, parseUetCookie } from "../attribution/click-ids";
import { consentState, googleConsent } from "../attribution/consent";
import { parseGaCookie, parseGaSessionCookie } from "../attribution/ga-cookies";
import { landingParams } from "../attribution/landing";
import { CART_ATTRIBUTES, LANDING_ATTRIBUTES } from "../attribution/names";
import { sha256Hex } from "../lib/crypto";

/** The Worker's own parsers, stringified: the browser and the server read cookies the same way. */
const PARSERS = {
  parseGaCookie,
  parseGaSessionCookie,
  landingParams,
  consentState,
  googleConsent,
  clickIdValue,
  parseGclCookie,
  parseUetCookie,
  parseRdtUuidCookie,
};

/**
 * The ad platforms' cookies the snippet reads: [cart attribute, cookie, parser]. A landing parameter
 * of the tab wins over the cookie that holds the same id (the platform's tag wrote it from an earlier
 * or the same landing).
 */
const CLICK_COOKIES: ReadonlyArray<readonly [string, string, keyof typeof PARSERS]> = [
  [LANDING_ATTRIBUTES.gclid, "_gcl_aw", "parseGclCookie"],
  [LANDING_ATTRIBUTES.gbraid, "_gcl_gb", "parseGclCookie"],
  [LANDING_ATTRIBUTES.epik, "_epik", "clickIdValue"],
  [LANDING_ATTRIBUTES.msclkid, "_uetmsclkid", "parseUetCookie"],
  [CART_ATTRIBUTES.ttp, "_ttp", "clickIdValue"],
  [CART_ATTRIBUTES.scid, "_scid", "clickIdValue"],
  [CART_ATTRIBUTES.rdtUuid, "_rdt_uuid", "parseRdtUuidCookie"],
];

/** The parsers as browser code, each bound to its own name whatever a bundler renamed it to. */
export function snippetParsers(): string {
  return Object.entries(PARSERS)
    .map(([name, parser]) => `var ${name} = (${String(parser)});`)
    .join("\n");
}

/**
 * The storefront snippet: reads the GA, Meta, ad platforms' and consent state the page already holds
 * and writes it into Shopify cart attributes (which reach the order as note_attributes). It sets no cookie:
 * landing parameters live in sessionStorage, so they last as long as the tab. `/cart/update.js`
 * is called only for values that changed since this tab last wrote them to this cart.
 */
export function snippetSource(measurementId?: string): string {
  const stream = (measurementId ?? "").replace(/^G-/i, "");
  return `/* tagrelay storefront snippet: docs/attribution.md */
(function () {
  "use strict";
  ${snippetParsers()}
  var CART = ${JSON.stringify(CART_ATTRIBUTES)};
  var LANDING = ${JSON.stringify(LANDING_ATTRIBUTES)};
  var COOKIES = [${CLICK_COOKIES.map(([attribute, cookie, parser]) => `[${JSON.stringify(attribute)}, ${JSON.stringify(cookie)}, ${parser}]`).join(", ")}];
  var STREAM = ${JSON.stringify(stream)};
  var LANDING_KEY = "_tr_landing";
  var WRITTEN_KEY = "_tr_written";
  var writing = false;
  var again = false;

  function readCookies() {
    var jar = {};
    var parts = document.cookie ? document.cookie.split(";") : [];
    for (var i = 0; i < parts.length; i++) {
      var eq = parts[i].indexOf("=");
      if (eq < 0) continue;
      var name = parts[i].slice(0, eq).trim();
      var value = parts[i].slice(eq + 1).trim();
      try { value = decodeURIComponent(value); } catch (e) {}
      if (!(name in jar)) jar[name] = value;
    }
    return jar;
  }

  function load(key) {
    try { return JSON.parse(window.sessionStorage.getItem(key) || "{}") || {}; } catch (e) { return {}; }
  }

  function save(key, value) {
    try { window.sessionStorage.setItem(key, JSON.stringify(value)); } catch (e) {}
  }

  // A landing with click ids or utm_* starts a new attribution; later pages of the tab keep it.
  function landing() {
    var fresh = landingParams(window.location.search);
    if (Object.keys(fresh).length === 0) return load(LANDING_KEY);
    save(LANDING_KEY, fresh);
    return fresh;
  }

  function gaSessionCookie(jar) {
    if (STREAM && jar["_ga_" + STREAM]) return jar["_ga_" + STREAM];
    for (var name in jar) if (/^_ga_[A-Z0-9]+$/i.test(name)) return jar[name];
    return "";
  }

  function consent(values) {
    var shopify = {};
    var privacy = window.Shopify && window.Shopify.customerPrivacy;
    if (privacy && typeof privacy.currentVisitorConsent === "function") shopify = privacy.currentVisitorConsent() || {};
    var google = googleConsent(window.dataLayer, window.google_tag_data && window.google_tag_data.ics);
    values[CART.consentMarketing] = consentState(shopify.marketing) || google.ad_storage;
    values[CART.consentAnalytics] = consentState(shopify.analytics) || google.analytics_storage;
    values[CART.adUserData] = google.ad_user_data;
    values[CART.adPersonalization] = google.ad_personalization;
  }

  function collect(jar) {
    var values = {};
    values[CART.gaClientId] = parseGaCookie(jar._ga || "");
    var session = parseGaSessionCookie(gaSessionCookie(jar));
    if (session) {
      values[CART.gaSessionId] = session.sessionId;
      values[CART.gaSessionNumber] = session.sessionNumber;
    }
    values[CART.fbp] = jar._fbp;
    values[CART.fbc] = jar._fbc;
    var params = landing();
    for (var key in LANDING) values[LANDING[key]] = params[key];
    for (var i = 0; i < COOKIES.length; i++) values[COOKIES[i][0]] = values[COOKIES[i][0]] || COOKIES[i][2](jar[COOKIES[i][1]]);
    consent(values);
    return values;
  }

  function write() {
    if (writing) { again = true; return; }
    var jar = readCookies();
    var values = collect(jar);
    var written = load(WRITTEN_KEY);
    // A new cart (after an order, say) has none of the attributes: write everything again.
    var sameCart = written._cart === (jar.cart || "");
    var changed = {};
    var any = false;
    for (var name in values) {
      if (values[name] && (!sameCart || values[name] !== written[name])) { changed[name] = values[name]; any = true; }
    }
    if (!any || typeof window.fetch !== "function") return;
    writing = true;
    var root = (window.Shopify && window.Shopify.routes && window.Shopify.routes.root) || "/";
    window.fetch(root + "cart/update.js", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ attributes: changed })
    }).then(function (response) {
      if (!response.ok) return;
      var now = sameCart ? load(WRITTEN_KEY) : {};
      for (var n in changed) now[n] = changed[n];
      now._cart = jar.cart || "";
      save(WRITTEN_KEY, now);
    }).catch(function () {}).then(function () {
      writing = false;
      if (again) { again = false; write(); }
    });
  }

  write();
  // gtag and the Meta pixel may set their cookies after this runs; consent may arrive later too.
  setTimeout(write, 1500);
  setTimeout(write, 5000);
  document.addEventListener("visitorConsentCollected", write);
  if (window.Shopify && typeof window.Shopify.loadFeatures === "function" && !window.Shopify.customerPrivacy) {
    window.Shopify.loadFeatures([{ name: "consent-tracking-api", version: "0.1" }], function (error) {
      if (!error) write();
    });
  }
})();
`;
}

const SNIPPET_HEADERS = {
  "content-type": "application/javascript; charset=utf-8",
  "cache-control": "public, max-age=3600",
  "x-content-type-options": "nosniff",
};

const built = new Map<string, { text: string; etag: string }>();

async function snippetFor(measurementId: string | undefined) {
  const key = measurementId ?? "";
  const cached = built.get(key);
  if (cached) return cached;
  const text = snippetSource(measurementId);
  const entry = { text, etag: `"${(await sha256Hex(text)).slice(0, 32)}"` };
  built.set(key, entry);
  return entry;
}

/** GET /snippet.js: cacheable for an hour, revalidated by ETag; 304 when the browser already has it. */
export async function snippetResponse(
  ifNoneMatch: string | undefined,
  measurementId?: string,
): Promise<Response> {
  const { text, etag } = await snippetFor(measurementId);
  const headers = { ...SNIPPET_HEADERS, etag };
  const known = (ifNoneMatch ?? "").split(",").map((tag) => tag.trim().replace(/^W\//, ""));
  if (known.includes(etag) || known.includes("*")) return new Response(null, { status: 304, headers });
  return new Response(text, { status: 200, headers });
}
