import { describe, expect, it } from "vitest";
import { shopifyJson, shopifyOrder } from "./fixtures/shopify";
import { countRows, fetchWith, hmacBase64, SHOPIFY_SECRET } from "./helpers";

const SOURCES = ["shopify", "woocommerce", "magento"] as const;

function randomBytes(n: number): Uint8Array {
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(bytes.subarray(i, Math.min(n, i + 65536)));
  return bytes;
}

/** Posts, then returns the status and the log line the Worker wrote for this webhook. */
async function attempt(request: Request) {
  const before = globalThis.capturedLogLines.length;
  const response = await fetchWith(request, { SHOPIFY_SHOP: "hostile.myshopify.com" } as Partial<Env>);
  const lines = globalThis.capturedLogLines.slice(before).filter((l) => l.includes('"msg":"webhook"'));
  const body = await response.text();
  return { status: response.status, body, log: lines.map((l) => JSON.parse(l)) };
}

/** Magento refuses a request without its mode's credential header before reading a byte; these carry one. */
const claimed = (source: string): Record<string, string> =>
  source === "magento" ? { "x-tagrelay-signature": "claimed-not-checked-yet" } : {};

const post = (source: string, body: BodyInit | null, headers: Record<string, string> = {}) =>
  new Request(`https://relay.test/webhooks/${source}`, { method: "POST", body, headers });

async function signedShopify(text: string, headers: Record<string, string> = {}) {
  return post("shopify", text, {
    "x-shopify-topic": "orders/create",
    "x-shopify-shop-domain": "hostile.myshopify.com",
    "x-shopify-webhook-id": crypto.randomUUID(),
    "x-shopify-hmac-sha256": await hmacBase64(SHOPIFY_SECRET, text),
    ...headers,
  });
}

describe("hostile input: a clear 4xx and one JSON log line, never a 5xx", () => {
  it.each(SOURCES)("%s: random bytes → 4xx", async (source) => {
    const result = await attempt(post(source, randomBytes(4096)));
    expect(result.status).toBeGreaterThanOrEqual(400);
    expect(result.status).toBeLessThan(500);
    expect(JSON.parse(result.body).status).toBe("rejected");
    expect(result.log).toHaveLength(1);
    expect(result.log[0]).toMatchObject({ source, outcome: "rejected", status: result.status });
  });

  it.each(SOURCES)("%s: 5 MiB streamed without Content-Length → 413", async (source) => {
    const chunk = randomBytes(256 * 1024);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ >= 20) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const result = await attempt(post(source, stream, claimed(source)));
    expect(result.status).toBe(413);
    expect(result.log[0]).toMatchObject({ outcome: "rejected", status: 413 });
  });

  it.each(SOURCES)("%s: 50 MiB announced by Content-Length → 413 before reading", async (source) => {
    const request = post(source, "x", { ...claimed(source), "content-length": String(50 * 1024 * 1024) });
    const result = await attempt(request);
    expect(result.status).toBe(413);
  });

  it("signed JSON nested 100 000 deep → 400", async () => {
    const result = await attempt(await signedShopify(`${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`));
    expect(result.status).toBe(400);
    expect(result.log[0]).toMatchObject({ reason: "malformed payload", detail: "nested too deep" });
  });

  it("signed huge array (200 000 elements) → 400, not a crash", async () => {
    const order = shopifyOrder({ id: "9500000000000000001" }) as Record<string, unknown>;
    order.line_items = Array(200_000).fill(0);
    const result = await attempt(await signedShopify(shopifyJson(order)));
    expect(result.status).toBe(400);
  });

  it("signed body that is a JSON string, number or null → 400", async () => {
    for (const text of ['"order"', "42", "null", "[]"]) {
      expect((await attempt(await signedShopify(text))).status).toBe(400);
    }
  });

  it("wrong content type (multipart form) → 400", async () => {
    const text = "--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--x--";
    const result = await attempt(
      await signedShopify(text, { "content-type": "multipart/form-data; boundary=x" }),
    );
    expect(result.status).toBe(400);
  });

  it("oversized signature header → 401", async () => {
    const text = shopifyJson(shopifyOrder({ id: "9500000000000000002" }));
    const result = await attempt(
      await signedShopify(text, { "x-shopify-hmac-sha256": "A".repeat(64 * 1024) }),
    );
    expect(result.status).toBe(401);
  });

  it("duplicated signature header (valid + forged) → 401", async () => {
    const text = shopifyJson(shopifyOrder({ id: "9500000000000000003" }));
    const request = await signedShopify(text);
    const headers = new Headers(request.headers);
    headers.append("x-shopify-hmac-sha256", "forged");
    const result = await attempt(new Request(request.url, { method: "POST", body: text, headers }));
    expect(result.status).toBe(401);
  });

  it("unknown sources and methods → 404 / 405", async () => {
    expect((await fetchWith(post("bigcommerce", "{}"))).status).toBe(404);
    expect((await fetchWith(post("__proto__", "{}"))).status).toBe(404);
    for (const method of ["GET", "PUT", "DELETE", "PATCH"]) {
      const response = await fetchWith(new Request("https://relay.test/webhooks/shopify", { method }));
      expect(response.status).toBe(405);
    }
  });

  it("left no row behind", async () => {
    expect(await countRows("events", "shop = ?1", "hostile.myshopify.com")).toBe(0);
  });
});
