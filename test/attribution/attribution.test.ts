import { describe, expect, it } from "vitest";
import {
  CART_ATTRIBUTES,
  capturedAttribution,
  clickIdValue,
  consentState,
  fbcFromFbclid,
  googleConsent,
  KEPT_LANDING_PARAMS,
  keptLandingUrl,
  LANDING_ATTRIBUTES,
  landingParams,
  parseGaCookie,
  parseGaSessionCookie,
  parseGclCookie,
  parseRdtUuidCookie,
  parseUetCookie,
} from "../../src/attribution";
import { shopifyAttribution } from "../../src/sources/shopify/attribution";
import { ShopifyOrder } from "../../src/sources/shopify/schema";
import {
  CLICK_ID_CASES,
  CONSENT_STATE_CASES,
  GA_COOKIE_CASES,
  GA_SESSION_CASES,
  GCL_COOKIE_CASES,
  GOOGLE_CONSENT_CASES,
  LANDING_CASES,
  RDT_UUID_CASES,
  UET_COOKIE_CASES,
} from "../fixtures/attribution";
import { SHOP, shopifyOrder } from "../fixtures/shopify";

describe("cookie and URL parsers", () => {
  it.each(GA_COOKIE_CASES)("_ga %j → client id %j", (cookie, expected) => {
    expect(parseGaCookie(cookie)).toBe(expected);
  });
  it.each(GA_SESSION_CASES)("_ga_<stream> %j → %j", (cookie, expected) => {
    expect(parseGaSessionCookie(cookie)).toEqual(expected);
  });
  it.each(LANDING_CASES)("landing query %j", (search, expected) => {
    expect(landingParams(search)).toEqual(expected);
  });
  it.each(CONSENT_STATE_CASES)("consent value %j → %j", (value, expected) => {
    expect(consentState(value)).toBe(expected);
  });
  it.each(GOOGLE_CONSENT_CASES)("Google consent mode: %s", (_, dataLayer, ics, expected) => {
    expect(googleConsent(dataLayer, ics)).toEqual(expected);
  });
  it.each(CLICK_ID_CASES)("click id %j → %j", (value, expected) => {
    expect(clickIdValue(value)).toBe(expected);
  });
  it.each(GCL_COOKIE_CASES)("_gcl_aw / _gcl_gb %j → %j", (cookie, expected) => {
    expect(parseGclCookie(cookie)).toBe(expected);
  });
  it.each(UET_COOKIE_CASES)("_uetmsclkid %j → %j", (cookie, expected) => {
    expect(parseUetCookie(cookie)).toBe(expected);
  });
  it.each(RDT_UUID_CASES)("_rdt_uuid %j → %j", (cookie, expected) => {
    expect(parseRdtUuidCookie(cookie)).toBe(expected);
  });
});

describe("fbcFromFbclid", () => {
  it.each<[string, string | number, string | undefined]>([
    ["IwAR0Abc-Def", "2026-11-27T10:15:00-05:00", "fb.1.1795792500000.IwAR0Abc-Def"],
    ["IwAR0Abc-Def", 1700000000123, "fb.1.1700000000123.IwAR0Abc-Def"],
    [" IwAR0x ", 1700000000000, "fb.1.1700000000000.IwAR0x"],
    ["", 1700000000000, undefined],
    ["IwAR0x", "not a date", undefined],
  ])("%j at %j → %j", (fbclid, seenAt, expected) => {
    expect(fbcFromFbclid(fbclid, seenAt)).toBe(expected);
  });
});

describe("keptLandingUrl: what is stored of a landing URL", () => {
  const LONG = "x".repeat(990);
  it.each<[string | undefined, string | undefined]>([
    [
      "https://shop.example/products/x?utm_source=news&gclid=abc&email=jane%40example.com&token=s3cr3t#frag",
      "https://shop.example/products/x?utm_source=news&gclid=abc",
    ],
    [
      "https://jane:pa55@shop.example:8443/p?utm_medium=email&utm_campaign=spring%20sale&utm_term=tee&utm_content=hero&x=1",
      "https://shop.example:8443/p?utm_medium=email&utm_campaign=spring%20sale&utm_term=tee&utm_content=hero",
    ],
    [
      "https://shop.example/?fbclid=F&gbraid=G&wbraid=W&ttclid=T&msclkid=M&epik=E&ScCid=S&rdt_cid=R&sccid=lower",
      "https://shop.example/?fbclid=F&gbraid=G&wbraid=W&ttclid=T&msclkid=M&epik=E&ScCid=S&rdt_cid=R",
    ],
    ["https://shop.example/p?gclid=&utm_source=a&utm_source=b&key=k", "https://shop.example/p?utm_source=a"],
    ["https://shop.example/p?email=jane%40example.com", "https://shop.example/p"],
    ["http://www.example.com?source=abc", "http://www.example.com/"],
    ["  https://shop.example/p#utm_source=frag  ", "https://shop.example/p"],
    [`https://shop.example/p?utm_source=a&gclid=${LONG}`, "https://shop.example/p?utm_source=a"],
    [`https://shop.example/${LONG}${LONG}?utm_source=a`, "https://shop.example/"],
    ["/products/x?utm_source=news", undefined],
    ["products/x", undefined],
    ["javascript:alert(1)", undefined],
    ["mailto:jane@example.com", undefined],
    ["not a url", undefined],
    ["", undefined],
    [undefined, undefined],
  ])("%j → %j", (landing, expected) => {
    expect(keptLandingUrl(landing)).toBe(expected);
  });

  it("keeps every parameter the snippet captures", () => {
    const captured = Object.keys(
      landingParams(
        Object.keys(LANDING_ATTRIBUTES)
          .map((k) => `${k}=v`)
          .join("&"),
      ),
    );
    expect(captured).toHaveLength(14);
    for (const name of captured) expect(KEPT_LANDING_PARAMS).toContain(name);
  });
});

const CREATED_AT = "2026-11-27T10:15:00-05:00";
const CREATED_MS = Date.parse(CREATED_AT);

describe("capturedAttribution", () => {
  it("reads the snippet's attributes, consent included", () => {
    const values = new Map([
      [CART_ATTRIBUTES.gaClientId, "1234567890.1700000000"],
      [CART_ATTRIBUTES.gaSessionId, "1747132561"],
      [CART_ATTRIBUTES.gaSessionNumber, "7"],
      [CART_ATTRIBUTES.fbp, "fb.1.1700000000000.1111111111"],
      [CART_ATTRIBUTES.fbc, "fb.1.1700000000000.IwAR_cookie"],
      [LANDING_ATTRIBUTES.gclid, "EAIa_test"],
      [LANDING_ATTRIBUTES.fbclid, "IwAR_landing"],
      [CART_ATTRIBUTES.consentMarketing, "denied"],
      [CART_ATTRIBUTES.consentAnalytics, "granted"],
      [CART_ATTRIBUTES.adPersonalization, "granted"],
    ]);
    expect(capturedAttribution(values, "https://shop.example/?utm_source=x", CREATED_AT)).toEqual({
      attribution: {
        gaClientId: "1234567890.1700000000",
        gaSessionId: "1747132561",
        fbp: "fb.1.1700000000000.1111111111",
        fbc: "fb.1.1700000000000.IwAR_cookie",
        gclid: "EAIa_test",
        landingUrl: "https://shop.example/?utm_source=x",
      },
      consent: {
        marketing: "denied",
        analytics: "granted",
        adUserData: "denied",
        adPersonalization: "granted",
      },
    });
  });

  it("keeps accepting the older names, and prefers the snippet's", () => {
    const older = new Map([
      ["_ga_client_id", "111.222"],
      ["_sid", "1700000123"],
      ["_fbp", "fb.1.1.2"],
      ["_fbc", "fb.1.3.IwAR_old"],
      ["_gclid", "G_old"],
    ]);
    expect(capturedAttribution(older, undefined, CREATED_AT).attribution).toEqual({
      gaClientId: "111.222",
      gaSessionId: "1700000123",
      fbp: "fb.1.1.2",
      fbc: "fb.1.3.IwAR_old",
      gclid: "G_old",
    });
    const both = new Map([
      ...older,
      [CART_ATTRIBUTES.gaClientId, "333.444"],
      [CART_ATTRIBUTES.fbp, "fb.1.5.6"],
    ]);
    expect(capturedAttribution(both, undefined, CREATED_AT).attribution).toMatchObject({
      gaClientId: "333.444",
      fbp: "fb.1.5.6",
    });
    expect(capturedAttribution(new Map([["_cid", "9.8"]]), undefined, CREATED_AT).attribution).toEqual({
      gaClientId: "9.8",
    });
  });

  it("reads raw cookie values: _ga → client id, _ga_<stream> (GS1 or GS2) → session id", () => {
    const raw = new Map([
      ["_ga", "GA1.1.1234567890.1700000000"],
      ["_ga_ABC123", "GS2.1.s1747132561$o1$g0$t1747132655$j0$l0$h0"],
    ]);
    expect(capturedAttribution(raw, undefined, CREATED_AT).attribution).toEqual({
      gaClientId: "1234567890.1700000000",
      gaSessionId: "1747132561",
    });
    const gs1 = new Map([
      ["_cid", "GA1.2.5.6"],
      ["_sid", "GS1.1.1746825440.14.0.1746825440.0.0.0"],
    ]);
    expect(capturedAttribution(gs1, undefined, CREATED_AT).attribution).toEqual({
      gaClientId: "5.6",
      gaSessionId: "1746825440",
    });
  });

  it("builds an fbc from the landing URL's fbclid, dated at the order, only when none was captured", () => {
    const landing = "https://shop.example/p?fbclid=IwAR_landing&gclid=EAIa_landing";
    expect(capturedAttribution(new Map(), landing, CREATED_AT).attribution).toEqual({
      fbc: `fb.1.${CREATED_MS}.IwAR_landing`,
      gclid: "EAIa_landing",
      landingUrl: landing,
    });
    const captured = new Map([["_fbc", "fb.1.1700000000000.IwAR_cookie"]]);
    expect(capturedAttribution(captured, landing, CREATED_AT).attribution.fbc).toBe(
      "fb.1.1700000000000.IwAR_cookie",
    );
    const snippetClick = new Map([[LANDING_ATTRIBUTES.fbclid, "IwAR_tab"]]);
    expect(capturedAttribution(snippetClick, landing, CREATED_AT).attribution.fbc).toBe(
      `fb.1.${CREATED_MS}.IwAR_tab`,
    );
  });

  it("reads every click and browser id the snippet writes", () => {
    const values = new Map([
      [LANDING_ATTRIBUTES.gclid, "EAIa_snippet"],
      [LANDING_ATTRIBUTES.gbraid, "0AAAAAD_gb"],
      [LANDING_ATTRIBUTES.wbraid, "CkcK_wb"],
      [LANDING_ATTRIBUTES.ttclid, "E.C.P.tt_click"],
      [CART_ATTRIBUTES.ttp, "01K1A8BXG7CFS8QC92XKKJD081_.tt.1"],
      [LANDING_ATTRIBUTES.epik, "dj0yJnU9epik"],
      [LANDING_ATTRIBUTES.ScCid, "sc-click-1"],
      [CART_ATTRIBUTES.scid, "e34d7eea-bd50-4164-862b-325f48b7245b"],
      [LANDING_ATTRIBUTES.rdt_cid, "rdt-click-1"],
      [CART_ATTRIBUTES.rdtUuid, "1676347848701.70269df5-4a9b-4791-8503-90e836217254"],
      [LANDING_ATTRIBUTES.msclkid, "b4458f42c1b214060f81e89d7a9da3bb"],
    ]);
    expect(capturedAttribution(values, undefined, CREATED_AT).attribution).toEqual({
      gclid: "EAIa_snippet",
      gbraid: "0AAAAAD_gb",
      wbraid: "CkcK_wb",
      ttclid: "E.C.P.tt_click",
      ttp: "01K1A8BXG7CFS8QC92XKKJD081_.tt.1",
      epik: "dj0yJnU9epik",
      scClickId: "sc-click-1",
      scid: "e34d7eea-bd50-4164-862b-325f48b7245b",
      rdtCid: "rdt-click-1",
      rdtUuid: "1676347848701.70269df5-4a9b-4791-8503-90e836217254",
      msclkid: "b4458f42c1b214060f81e89d7a9da3bb",
    });
  });

  it("reduces the platforms' own cookies, copied into an order under their names, to the ids", () => {
    const cookies = new Map([
      ["_gcl_aw", "GCL.1676348385.CjwKCAiA_aw"],
      ["_gcl_gb", "GCL.1676348385.0AAAAAD_gb"],
      ["_ttp", "KsD1j70yQE35rPrmL8O1Mz0Zg1-"],
      ["_epik", "dj0yJnU9cookie"],
      ["_scid", "9LVd1yPd6f1KSk8K_0gppcjKGVzfLCFX"],
      ["_rdt_uuid", "1762075874081.ee3d8dd2-22ed-4ff4-a0de-5fdbf3d06761"],
      ["_uetmsclkid", "_uetde75ae184597150d5b6ac93cd9bc909f"],
    ]);
    expect(capturedAttribution(cookies, undefined, CREATED_AT).attribution).toEqual({
      gclid: "CjwKCAiA_aw",
      gbraid: "0AAAAAD_gb",
      ttp: "KsD1j70yQE35rPrmL8O1Mz0Zg1-",
      epik: "dj0yJnU9cookie",
      scid: "9LVd1yPd6f1KSk8K_0gppcjKGVzfLCFX",
      rdtUuid: "1762075874081.ee3d8dd2-22ed-4ff4-a0de-5fdbf3d06761",
      msclkid: "de75ae184597150d5b6ac93cd9bc909f",
    });
    // The snippet's attribute wins over a cookie copied by another tool.
    const both = new Map([
      ...cookies,
      [LANDING_ATTRIBUTES.gclid, "EAIa_snippet"],
      [CART_ATTRIBUTES.ttp, "ttp_snippet"],
    ]);
    expect(capturedAttribution(both, undefined, CREATED_AT).attribution).toMatchObject({
      gclid: "EAIa_snippet",
      ttp: "ttp_snippet",
    });
  });

  it("takes a click id no attribute carries from the landing URL, and a captured one first", () => {
    const landing =
      "https://shop.example/p?gclid=G_url&gbraid=GB_url&wbraid=WB_url&ttclid=TT_url&epik=EP_url&ScCid=SC_url&rdt_cid=RD_url&msclkid=MS_url";
    expect(capturedAttribution(new Map(), landing, CREATED_AT).attribution).toEqual({
      gclid: "G_url",
      gbraid: "GB_url",
      wbraid: "WB_url",
      ttclid: "TT_url",
      epik: "EP_url",
      scClickId: "SC_url",
      rdtCid: "RD_url",
      msclkid: "MS_url",
      landingUrl: landing,
    });
    const captured = new Map([
      [LANDING_ATTRIBUTES.ttclid, "TT_tab"],
      ["_uetmsclkid", "_uetMS_cookie"],
    ]);
    expect(capturedAttribution(captured, landing, CREATED_AT).attribution).toMatchObject({
      ttclid: "TT_tab",
      msclkid: "MS_cookie",
      gclid: "G_url",
    });
  });

  it("drops an attribute that is not an id of its kind, and then falls back to the landing URL", () => {
    const values = new Map([
      [LANDING_ATTRIBUTES.gclid, "not one token"],
      [LANDING_ATTRIBUTES.msclkid, "x".repeat(501)],
      [CART_ATTRIBUTES.ttp, "<img src=x>"],
      [CART_ATTRIBUTES.rdtUuid, "1676347848701.not-a-uuid"],
      ["_gcl_gb", "0AAAAAD_not_a_cookie"],
      ["_uetmsclkid", "b4458f42c1b214060f81e89d7a9da3bb"],
    ]);
    expect(capturedAttribution(values, "https://shop.example/?gclid=G_url", CREATED_AT).attribution).toEqual({
      gclid: "G_url",
      landingUrl: "https://shop.example/?gclid=G_url",
    });
  });

  it("maps Shopify's yes/no and lets marketing stand in for Google's ad consents", () => {
    const shopifyOnly = new Map([
      [CART_ATTRIBUTES.consentMarketing, "no"],
      [CART_ATTRIBUTES.consentAnalytics, "yes"],
    ]);
    expect(capturedAttribution(shopifyOnly, undefined, CREATED_AT).consent).toEqual({
      marketing: "denied",
      analytics: "granted",
      adUserData: "denied",
      adPersonalization: "denied",
    });
    expect(capturedAttribution(new Map(), undefined, CREATED_AT).consent).toEqual({});
  });
});

describe("shopifyAttribution", () => {
  it("reads note_attributes and landing_site from an order", () => {
    const order = ShopifyOrder.parse({
      ...shopifyOrder({ createdAt: CREATED_AT }),
      note_attributes: [
        { name: "_tr_ga_cid", value: "1234567890.1700000000" },
        { name: "_tr_ga_sid", value: "1747132561" },
        { name: "_tr_fbp", value: "fb.1.1700000000000.1111111111" },
        { name: "_tr_consent_marketing", value: "granted" },
        { name: "gift_message", value: "Happy birthday" },
      ],
    });
    expect(shopifyAttribution(order, SHOP)).toEqual({
      attribution: {
        gaClientId: "1234567890.1700000000",
        gaSessionId: "1747132561",
        fbp: "fb.1.1700000000000.1111111111",
        fbc: `fb.1.${CREATED_MS}.IwAR0abc`,
        landingUrl: `https://${SHOP}/products/ipod?utm_source=newsletter&fbclid=IwAR0abc`,
      },
      consent: { marketing: "granted", adUserData: "granted", adPersonalization: "granted" },
    });
  });

  it("keeps only the site, path, utm_* and click ids of a relative landing_site", () => {
    const order = ShopifyOrder.parse({
      ...shopifyOrder({ createdAt: CREATED_AT }),
      landing_site: "/products/x?utm_source=news&gclid=abc&email=jane%40example.com&token=s3cr3t#frag",
    });
    expect(shopifyAttribution(order, SHOP).attribution).toMatchObject({
      gclid: "abc",
      landingUrl: "https://relay-test.myshopify.com/products/x?utm_source=news&gclid=abc",
    });
    const odd = (landing_site: string) =>
      shopifyAttribution(ShopifyOrder.parse({ ...shopifyOrder({}), landing_site }), SHOP).attribution
        .landingUrl;
    expect(odd("//evil.example/p?utm_source=a")).toBe(
      "https://relay-test.myshopify.com//evil.example/p?utm_source=a",
    );
    expect(odd("jane@example.com")).toBeUndefined();
  });

  it("reads the reference order's tracking note_attributes", () => {
    const reference = {
      note_attributes: [
        { name: "_cid", value: "1234567890.1700000000" },
        { name: "_sid", value: "1700000123" },
        { name: "_fbp", value: "fb.1.1700000000000.1234567890" },
        { name: "_fbc", value: "fb.1.1700000000000.IwAR_example" },
        { name: "_gclid", value: "EAIaIQobChMI_example" },
      ],
      landing_site: "http://www.example.com?source=abc",
    };
    const order = ShopifyOrder.parse({ ...shopifyOrder({ createdAt: CREATED_AT }), ...reference });
    expect(shopifyAttribution(order, SHOP).attribution).toEqual({
      gaClientId: "1234567890.1700000000",
      gaSessionId: "1700000123",
      fbp: "fb.1.1700000000000.1234567890",
      fbc: "fb.1.1700000000000.IwAR_example",
      gclid: "EAIaIQobChMI_example",
      // `source` is neither a utm_* nor a click id: not kept.
      landingUrl: "http://www.example.com/",
    });
  });
});
