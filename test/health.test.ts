import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

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
