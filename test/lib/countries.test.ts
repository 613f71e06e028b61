import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config";
import { COUNTRIES } from "../../src/lib/countries";
import { callingCode, countryCode } from "../../src/lib/places";
import { shopify } from "../../src/sources/shopify";
import { SHOP, shopifyOrder } from "../fixtures/shopify";
import { SHOPIFY_SECRET, shopifyRequest } from "../helpers";

describe("ISO 3166-1 table", () => {
  const rows = Object.entries(COUNTRIES);

  it("has every officially assigned code once: 249 alpha-2, 249 alpha-3", () => {
    expect(new Set(rows.map(([alpha2]) => alpha2)).size).toBe(249);
    expect(new Set(rows.map(([, [, alpha3]]) => alpha3)).size).toBe(249);
    for (const [alpha2, [calling, alpha3]] of rows) {
      expect(alpha2).toMatch(/^[a-z]{2}$/);
      expect(alpha3).toMatch(/^[a-z]{3}$/);
      expect(calling).toMatch(/^[1-9]\d{0,2}$/);
    }
  });

  it("reads every code and name of a row as that row's country, never another's", () => {
    for (const [alpha2, [, alpha3, ...names]] of rows) {
      for (const value of [alpha2, alpha2.toUpperCase(), alpha3, alpha3.toUpperCase(), ...names]) {
        expect([value, countryCode(value)]).toEqual([value, alpha2]);
      }
    }
  });
});

describe("countryCode", () => {
  it.each([
    ["Korea, Republic of", "kr"],
    ["South Korea", "kr"],
    ["Republic of Korea", "kr"],
    ["Korea, Democratic People's Republic of", "kp"],
    ["Côte d'Ivoire", "ci"],
    ["COTE D’IVOIRE", "ci"],
    ["Cote d'Ivoire", "ci"],
    ["Ivory Coast", "ci"],
    ["CIV", "ci"],
    ["Viet Nam", "vn"],
    ["Vietnam", "vn"],
    ["Russian Federation", "ru"],
    ["Russia", "ru"],
    ["Iran, Islamic Republic of", "ir"],
    ["Türkiye", "tr"],
    ["Turkey", "tr"],
    ["Czechia", "cz"],
    ["Czech Republic", "cz"],
    ["Åland Islands", "ax"],
    ["Aland Islands", "ax"],
    ["United States", "us"],
    ["USA", "us"],
    ["U.S.", "us"],
    ["UK", "gb"],
    ["Congo", "cg"],
    ["Congo, The Democratic Republic of the", "cd"],
    ["DR Congo", "cd"],
    ["Bosnia & Herzegovina", "ba"],
    ["St. Kitts & Nevis", "kn"],
    ["Gambia, The", "gm"],
    ["The Bahamas", "bs"],
    ["Guinea-Bissau", "gw"],
    ["Guinea Bissau", "gw"],
    ["Holy See (Vatican City State)", "va"],
    ["Taiwan, Province of China", "tw"],
    ["Curaçao", "cw"],
    ["Deutschland", "de"],
    ["de", "de"],
    [" PR ", "pr"],
    ["XX", undefined],
    ["zz", undefined],
    ["XK", undefined],
    ["EU", undefined],
    ["Kosovo", undefined],
    ["Virgin Islands", undefined],
    ["", undefined],
    [null, undefined],
  ])("%j → %j", (input, expected) => {
    expect(countryCode(input)).toBe(expected);
  });
});

describe("callingCode", () => {
  it.each([
    ["kr", "82"],
    ["ci", "225"],
    ["pr", "1"],
    ["kz", "7"],
    ["ax", "358"],
    ["va", "39"],
    ["xx", undefined],
    [undefined, undefined],
  ])("%j → %j", (input, expected) => {
    expect(callingCode(input)).toBe(expected);
  });
});

describe("an unknown country through the Shopify source", () => {
  async function identityOf(countryCode: string) {
    const loaded = loadConfig({ SHOPIFY_WEBHOOK_SECRET: SHOPIFY_SECRET, SHOPIFY_SHOP: SHOP });
    if (!loaded.ok) throw new Error(loaded.reason.join());
    const order = shopifyOrder();
    order.billing_address.country_code = countryCode;
    const request = await shopifyRequest(order, { topic: "orders/paid" });
    const bytes = new Uint8Array(await request.arrayBuffer());
    const verdict = await shopify.handle({ headers: request.headers, bytes }, loaded.value);
    if (verdict.outcome !== "events") throw new Error(JSON.stringify(verdict));
    return verdict.events[0].event.identity;
  }

  it("hashes a known code and sends neither a hash nor a code for a two-letter value no country has", async () => {
    const known = await identityOf("KR");
    // sha256("kr"), computed with sha256sum, outside the code under test.
    expect(known.meta.country).toBe("d5647005d31dcbb66ff531c5e097544a03558bc538b9c65ee2539594886ffbc0");
    expect(known.ga4.country).toBe("KR");
    const unknown = await identityOf("XX");
    expect(unknown.meta).not.toHaveProperty("country");
    expect(unknown.ga4).not.toHaveProperty("country");
    expect(unknown.meta.em).toBe(known.meta.em);
  });
});
