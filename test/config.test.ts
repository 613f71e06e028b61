import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config";
import { fetchWith } from "./helpers";

describe("configuration", () => {
  it("reads a blank setting as unset, whatever its type", () => {
    const result = loadConfig({ DESTINATIONS_MODE: "", MAX_BODY_BYTES: " ", SHOPIFY_WEBHOOK_SECRET: "" });
    expect(result.ok && result.value.DESTINATIONS_MODE).toBe("live");
    expect(result.ok && result.value.MAX_BODY_BYTES).toBe(1024 * 1024);
    expect(result.ok && result.value.SHOPIFY_WEBHOOK_SECRET).toEqual([]);
  });

  it("splits comma-separated secrets for rotation, each bound to its shop or to the single-shop setting", () => {
    const result = loadConfig({
      SHOPIFY_WEBHOOK_SECRET: " new-secret-0123456789 , Other.myshopify.com=old-secret-0123456789 ,,",
    });
    expect(result.ok && result.value.SHOPIFY_WEBHOOK_SECRET).toEqual([
      { secret: "new-secret-0123456789", shop: undefined },
      { secret: "old-secret-0123456789", shop: "other.myshopify.com" },
    ]);
  });

  it("keeps an = inside a secret when what stands before it is not a shop", () => {
    const result = loadConfig({
      WOOCOMMERCE_WEBHOOK_SECRET: "c2VjcmV0LXZhbHVlLWJhc2U2NA==,a=b=c-0123456789abcdef",
    });
    expect(result.ok && result.value.WOOCOMMERCE_WEBHOOK_SECRET).toEqual([
      { secret: "c2VjcmV0LXZhbHVlLWJhc2U2NA==", shop: undefined },
      { secret: "a=b=c-0123456789abcdef", shop: undefined },
    ]);
  });

  it.each([
    [
      "a comma inside a passphrase",
      { WOOCOMMERCE_WEBHOOK_SECRET: "correct horse battery,42" },
      "WOOCOMMERCE_WEBHOOK_SECRET: entry 2 is 2 characters long; a secret needs at least 16 (a comma inside a secret splits it in two)",
    ],
    [
      "a short shop secret",
      { SHOPIFY_WEBHOOK_SECRET: "a.myshopify.com=short" },
      "SHOPIFY_WEBHOOK_SECRET: entry 1 is 5 characters long; a secret needs at least 16 (a comma inside a secret splits it in two)",
    ],
    [
      "a pair naming no Shopify shop",
      { SHOPIFY_WEBHOOK_SECRET: "shop.example=0123456789abcdef0123" },
      `SHOPIFY_WEBHOOK_SECRET: entry 1: the part before "=" is not a shop's x.myshopify.com domain`,
    ],
    [
      "a short admin token",
      { ADMIN_TOKEN: "letmein-letmein-letmein" },
      "ADMIN_TOKEN: must be at least 32 characters (openssl rand -hex 32)",
    ],
    [
      "a shop that is not myshopify",
      { SHOPIFY_SHOP: "shop.example" },
      "SHOPIFY_SHOP: must be a shop's x.myshopify.com domain",
    ],
    [
      "a store URL that is no URL",
      { MAGENTO_URL: "ftp://store" },
      "MAGENTO_URL: must be the store's URL (https://shop.example/)",
    ],
    [
      "an unknown Magento mode",
      { MAGENTO_AUTH: "any" },
      'MAGENTO_AUTH: Invalid option: expected one of "hmac"|"header"|"basic"|"rsa"|"io-events"',
    ],
    [
      "a transaction id that would differ between a purchase and its refund",
      { GA4_TRANSACTION_ID: "{kind}-{order_id}" },
      "GA4_TRANSACTION_ID: {kind} is not a placeholder; use {order_id}, {order_number}",
    ],
    [
      "an event id the same for every order",
      { META_EVENT_ID: "{kind}" },
      "META_EVENT_ID: needs {order_id} or {order_number} or {meta_event_id}, or every order gets the same id",
    ],
    [
      "an event id for a source that does not exist",
      { META_EVENT_ID: "shopify={order_id},bigcommerce={order_id}" },
      'META_EVENT_ID: entry 2: the part before "=" is not shopify, woocommerce, magento',
    ],
    [
      "a user id from a source GA4 must not get",
      { GA4_USER_ID: "email" },
      'GA4_USER_ID: Invalid option: expected one of "off"|"customer_id"',
    ],
  ])("%s is a configuration error that names the setting, never the secret", (_, env, problem) => {
    const result = loadConfig(env);
    expect(result).toEqual({ ok: false, reason: [problem] });
  });

  it("takes each source's id templates from its standard tags, one template for all, or per source", () => {
    const ids = (settings: Record<string, string>) => {
      const result = loadConfig(settings);
      return result.ok && [result.value.GA4_TRANSACTION_ID, result.value.META_EVENT_ID];
    };
    expect(ids({})).toEqual([
      { shopify: "{order_id}", woocommerce: "{order_number}", magento: "{order_number}" },
      { shopify: "{order_id}", woocommerce: "{meta_event_id}", magento: "{order_id}" },
    ]);
    expect(ids({ GA4_TRANSACTION_ID: " {order_id} ", META_EVENT_ID: "order-{order_number}" })).toEqual([
      { shopify: "{order_id}", woocommerce: "{order_id}", magento: "{order_id}" },
      {
        shopify: "order-{order_number}",
        woocommerce: "order-{order_number}",
        magento: "order-{order_number}",
      },
    ]);
    expect(
      ids({ GA4_TRANSACTION_ID: "Magento = {order_id}", META_EVENT_ID: "shopify={order_number}" }),
    ).toEqual([
      { shopify: "{order_id}", woocommerce: "{order_number}", magento: "{order_id}" },
      { shopify: "{order_number}", woocommerce: "{meta_event_id}", magento: "{order_id}" },
    ]);
    const userId = loadConfig({});
    expect(userId.ok && userId.value.GA4_USER_ID).toBe("off");
  });

  it("reports a short secret in /health without showing it", async () => {
    const response = await fetchWith(new Request("https://relay.test/health"), {
      SHOPIFY_WEBHOOK_SECRET: "shopify-test-secret,42",
    });
    expect(response.status).toBe(500);
    const body = await response.json<{ problems: string[] }>();
    expect(body.problems).toEqual([
      "SHOPIFY_WEBHOOK_SECRET: entry 2 is 2 characters long; a secret needs at least 16 (a comma inside a secret splits it in two)",
    ]);
    expect(JSON.stringify(body)).not.toContain("shopify-test-secret");
  });

  it("names the setting that is wrong", () => {
    const result = loadConfig({ DESTINATIONS_MODE: "dryrun", MAX_BODY_BYTES: "-5" });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason.join("\n")).toMatch(/DESTINATIONS_MODE/);
      expect(result.reason.join("\n")).toMatch(/MAX_BODY_BYTES/);
    }
  });

  it("takes reconciliation's endpoints only over https (http to loopback), and a threshold in percent", () => {
    const loaded = loadConfig({
      ALERT_WEBHOOK_URL: "http://hooks.example/x",
      SHOPIFY_ADMIN_ENDPOINT: "https://user:pass@shop.example/graphql.json",
      SHOPIFY_TOKEN_ENDPOINT: "http://127.0.0.1:8788/admin/oauth/access_token",
      COVERAGE_ALERT_THRESHOLD: "101",
    });
    expect(loaded).toEqual({
      ok: false,
      reason: [
        "SHOPIFY_ADMIN_ENDPOINT: must not carry user:password",
        "COVERAGE_ALERT_THRESHOLD: must be a percentage from 0 to 100",
        "ALERT_WEBHOOK_URL: must be https (plain http only to a loopback address)",
      ],
    });
    const fine = loadConfig({ SHOPIFY_TOKEN_ENDPOINT: "http://127.0.0.1:8788/admin/oauth/access_token" });
    expect(fine.ok && [fine.value.SHOPIFY_TOKEN_ENDPOINT, fine.value.COVERAGE_ALERT_THRESHOLD]).toEqual([
      "http://127.0.0.1:8788/admin/oauth/access_token",
      98,
    ]);
  });
});
