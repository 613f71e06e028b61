import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { CART_ATTRIBUTES, LANDING_ATTRIBUTES } from "../src/attribution";
import { snippetResponse, snippetSource } from "../src/snippet";

const get = (headers: Record<string, string> = {}) =>
  exports.default.fetch(new Request("https://relay.test/snippet.js", { headers }));

describe("GET /snippet.js", () => {
  it("serves cacheable JavaScript with an ETag and sets no cookie", async () => {
    const response = await get();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/javascript; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("public, max-age=3600");
    expect(response.headers.get("etag")).toMatch(/^"[0-9a-f]{32}"$/);
    expect(response.headers.get("set-cookie")).toBeNull();
    const text = await response.text();
    expect(text).toBe(snippetSource("G-TEST123"));
    expect(text).toContain('var STREAM = "TEST123";');
    expect(text.length).toBeLessThan(12_000);
  });

  it("answers 304 to a browser that already has this version", async () => {
    const etag = (await get()).headers.get("etag") ?? "";
    const again = await get({ "if-none-match": `W/${etag}, "other"` });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(etag);
    expect(await again.text()).toBe("");
    expect((await get({ "if-none-match": '"stale"' })).status).toBe(200);
  });

  it("changes its ETag with the GA4 stream it looks for", async () => {
    const a = (await snippetResponse(undefined, "G-AAA")).headers.get("etag");
    const b = (await snippetResponse(undefined, "G-BBB")).headers.get("etag");
    expect(a).not.toBe(b);
    expect(snippetSource()).toContain('var STREAM = "";');
  });

  it("carries the Worker's parsers and every attribute name, with no bundler helper", () => {
    const text = snippetSource("G-TEST123");
    for (const name of [
      "parseGaCookie",
      "parseGaSessionCookie",
      "landingParams",
      "consentState",
      "googleConsent",
    ]) {
      expect(text).toContain(`var ${name} = (function`);
    }
    for (const name of [...Object.values(CART_ATTRIBUTES), ...Object.values(LANDING_ATTRIBUTES)]) {
      expect(text).toContain(`"${name}"`);
    }
    expect(text).not.toMatch(/__name|__publicField|require\(|import /);
    expect(text).not.toMatch(/document\.cookie\s*=/);
    expect(text).not.toContain("localStorage");
  });
});
