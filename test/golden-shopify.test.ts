import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config";
import { toGa4Payload } from "../src/destinations/ga4";
import { toMetaEvent } from "../src/destinations/meta";
import { shopify } from "../src/sources/shopify";
import { SHOP, shopifyJson, shopifyOrder } from "./fixtures/shopify";
import ga4Golden from "./golden/shopify-purchase.ga4.json";
import metaGolden from "./golden/shopify-purchase.meta.json";
import { hmacBase64, SHOPIFY_SECRET } from "./helpers";

/** Two hours after the fixture order was placed (2026-11-27T10:15:00-05:00). */
const NOW = new Date("2026-11-27T17:15:00Z");

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function fixtureEvent() {
  const loaded = loadConfig({
    SHOPIFY_WEBHOOK_SECRET: SHOPIFY_SECRET,
    SHOPIFY_SHOP: SHOP,
    GA4_MEASUREMENT_ID: "G-TEST123",
    GA4_API_SECRET: "ga4-test-api-secret",
    META_PIXEL_ID: "1234567890",
    META_ACCESS_TOKEN: "meta-test-access-token",
  });
  if (!loaded.ok) throw new Error(loaded.reason.join());
  const body = shopifyJson(shopifyOrder());
  const headers = new Headers({
    "x-shopify-topic": "orders/paid",
    "x-shopify-shop-domain": SHOP,
    "x-shopify-webhook-id": "golden",
    "x-shopify-hmac-sha256": await hmacBase64(SHOPIFY_SECRET, body),
  });
  const verdict = await shopify.handle({ headers, bytes: new TextEncoder().encode(body) }, loaded.value);
  if (verdict.outcome !== "events") throw new Error(JSON.stringify(verdict));
  return { event: verdict.events[0].event, config: loaded.value };
}

describe("golden payloads for the project's Shopify purchase fixture", () => {
  it("GA4: the exact Measurement Protocol body", async () => {
    const { event, config } = await fixtureEvent();
    const { body } = await toGa4Payload(event, config, NOW);
    expect(body).toEqual(ga4Golden);
  });

  it("Meta: the exact Conversions API event", async () => {
    const { event, config } = await fixtureEvent();
    expect(toMetaEvent(event, config)).toEqual(metaGolden);
  });

  it("hashes are SHA-256 of the hand-normalized values", async () => {
    const meta = metaGolden.user_data;
    expect(meta.em).toEqual([await sha256("john.doe@example.com")]);
    expect(meta.ph).toEqual([await sha256("14155550123")]);
    expect(meta.fn).toEqual([await sha256("jöhn")]);
    expect(meta.ln).toEqual([await sha256("doesmith")]);
    expect(meta.ct).toEqual([await sha256("sanfrancisco")]);
    expect(meta.st).toEqual([await sha256("ca")]);
    expect(meta.zp).toEqual([await sha256("94103")]);
    expect(meta.country).toEqual([await sha256("us")]);
    expect(meta.external_id).toEqual([await sha256("7010791669123456789")]);
    const ga4 = ga4Golden.user_data;
    expect(ga4.sha256_email_address).toEqual([await sha256("john.doe@example.com")]);
    expect(ga4.sha256_phone_number).toEqual([await sha256("+14155550123")]);
    expect(ga4.address[0]).toEqual({
      sha256_first_name: await sha256("jöhn"),
      sha256_last_name: await sha256("doesmith"),
      sha256_street: await sha256("221b baker street"),
      country: "US",
    });
  });
});
