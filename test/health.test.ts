import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { RECONCILE_ENV } from "./fixtures/shop-apis";
import { fetchWith } from "./helpers";

describe("GET /health", () => {
  it("says what is configured and never a secret", async () => {
    const res = await exports.default.fetch("https://relay.test/health");
    expect(res.status).toBe(200);
    const body = await res.json<Record<string, unknown>>();
    expect(body).toMatchObject({
      status: "ok",
      sources: { shopify: true },
      destinations: { mode: "live", ga4: { enabled: true }, meta: { enabled: true, apiVersion: "v26.0" } },
    });
    const text = JSON.stringify(body);
    for (const secret of [
      "shopify-test-secret",
      "ga4-test-api-secret",
      "meta-test-access-token",
      "test-admin-token-0123456789abcdef",
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});

describe("GET /health on reconciliation", () => {
  it("says which sources are reconciled, and what a source that is not needs", async () => {
    const body = await (await exports.default.fetch("https://relay.test/health")).json<
      Record<string, unknown>
    >();
    expect(body.reconciliation).toEqual({
      shopify: {
        reconciled: false,
        fix: "set SHOPIFY_ADMIN_TOKEN, or SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET",
      },
      magento: { reconciled: false, fix: "set MAGENTO_API_TOKEN" },
      woocommerce: { reconciled: false, fix: "set WOOCOMMERCE_CONSUMER_KEY and WOOCOMMERCE_CONSUMER_SECRET" },
    });
    const configured = await fetchWith(new Request("https://relay.test/health"), {
      ...RECONCILE_ENV,
      MAGENTO_URL: "http://magento.example/",
    });
    const text = await configured.text();
    expect(JSON.parse(text).reconciliation).toEqual({
      shopify: { reconciled: true },
      magento: {
        reconciled: false,
        fix: "MAGENTO_URL must be https (plain http only to a loopback address)",
      },
      woocommerce: { reconciled: true },
    });
    for (const secret of Object.values(RECONCILE_ENV)) expect(text).not.toContain(secret);
  });
});
