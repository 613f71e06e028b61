import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { CART_ATTRIBUTES, LANDING_ATTRIBUTES } from "../../src/attribution";
import { snippetSource } from "../../src/storefront/snippet";
import { fetchWith } from "../helpers";

const get = (headers: Record<string, string> = {}, query = "") =>
  exports.default.fetch(new Request(`https://relay.test/snippet.js${query}`, { headers }));

/** The ETag the route promises: the first 128 bits of the body's SHA-256, in hex and quotes. */
async function etagOf(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  const hex = [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `"${hex.slice(0, 32)}"`;
}

describe("GET /snippet.js", () => {
  it("serves cacheable JavaScript with an ETag and sets no cookie", async () => {
    const response = await get();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/javascript; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("public, max-age=3600");
    expect(response.headers.get("etag")).toMatch(/^"[0-9a-f]{32}"$/);
    expect(response.headers.get("set-cookie")).toBeNull();
    const text = await response.text();
    expect(response.headers.get("etag")).toBe(await etagOf(text));
    const head = '/* tagrelay storefront snippet: docs/attribution.md */\n(function () {\n  "use strict";\n';
    expect(text.slice(0, head.length)).toBe(head);
    expect(text.slice(-7)).toBe("\n})();\n");
    expect(text).toContain('var STREAM = "TEST123";');
    expect(text).toContain('var LANDING_KEY = "_tr_landing";');
    expect(text).toContain('window.fetch(root + "cart/update.js", {');
    expect(text.length).toBeLessThan(12_000);
  });

  it("is the same for every visitor: nothing from the request reaches the body", async () => {
    const plain = await (await get()).text();
    const other = await get(
      {
        cookie: "_ga=GA1.1.1234567890.1700000000; cart=c1",
        "accept-language": "de-DE",
        "user-agent": "Other/2.0",
      },
      "?shop=evil.myshopify.com&v=2",
    );
    expect(other.status).toBe(200);
    expect(await other.text()).toBe(plain);
  });

  it("answers 304 to a browser that already has this version", async () => {
    const etag = (await get()).headers.get("etag") ?? "";
    const again = await get({ "if-none-match": `W/${etag}, "other"` });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(etag);
    expect(await again.text()).toBe("");
    expect((await get({ "if-none-match": '"stale"' })).status).toBe(200);
  });

  it("looks for the configured GA4 stream, and its ETag follows the body", async () => {
    const request = () => new Request("https://relay.test/snippet.js");
    const a = await fetchWith(request(), { GA4_MEASUREMENT_ID: "G-AAA" });
    const b = await fetchWith(request(), { GA4_MEASUREMENT_ID: "G-BBB" });
    const [textA, textB] = [await a.text(), await b.text()];
    expect(textA).toContain('var STREAM = "AAA";');
    expect(textB).toContain('var STREAM = "BBB";');
    expect(a.headers.get("etag")).toBe(await etagOf(textA));
    expect(b.headers.get("etag")).toBe(await etagOf(textB));
    expect(a.headers.get("etag")).not.toBe(b.headers.get("etag"));
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
      "clickIdValue",
      "parseGclCookie",
      "parseUetCookie",
      "parseRdtUuidCookie",
    ]) {
      expect(text).toContain(`var ${name} = (function`);
    }
    for (const name of [...Object.values(CART_ATTRIBUTES), ...Object.values(LANDING_ATTRIBUTES)]) {
      expect(text).toContain(`"${name}"`);
    }
    for (const cookie of ["_gcl_aw", "_gcl_gb", "_epik", "_uetmsclkid", "_ttp", "_scid", "_rdt_uuid"]) {
      expect(text).toContain(`"${cookie}"`);
    }
    expect(text).not.toMatch(/__name|__publicField|require\(|import /);
    expect(text).not.toMatch(/document\.cookie\s*=/);
    expect(text).not.toContain("localStorage");
  });
});
