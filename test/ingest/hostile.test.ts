import { describe, expect, it } from "vitest";
import {
  IO_CLIENT_ID,
  ioEvent,
  ioEventRequest,
  MAGENTO_SECRET,
  magentoOrder,
  rsaSigner,
  secretRequest,
  signedMagentoRequest,
} from "../fixtures/magento";
import { shopifyJson, shopifyOrder } from "../fixtures/shopify";
import { wooOrder, wooRequest } from "../fixtures/woocommerce";
import { countRows, fetchWith, hmacBase64, recordingQueue, SHOPIFY_SECRET, shopifyRequest } from "../helpers";

const SOURCES = ["shopify", "woocommerce", "magento"] as const;

function randomBytes(n: number): Uint8Array {
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(bytes.subarray(i, Math.min(n, i + 65536)));
  return bytes;
}

/** Posts, then returns the status and the log line the Worker wrote for this webhook. */
async function attempt(request: Request) {
  const before = globalThis.capturedLogLines.length;
  const response = await fetchWith(request, { SHOPIFY_SHOP: "hostile.myshopify.com" });
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

const adobe = await rsaSigner();

/** Every "close the doors" attack: a body really signed, a header or a mode changed. Each is a 4xx that stores and queues nothing. */
describe("hostile input: signed bodies with forged meaning", () => {
  const recent = () => new Date().toISOString();
  let next = 9_600_000_000_000_000_000n;
  const id = () => String(next++);
  const wooId = () => Number(String(next++).slice(-8));
  const magentoText = () => JSON.stringify({ order: magentoOrder({ entityId: String(wooId()) }) });
  const IO_EVENTS = {
    MAGENTO_AUTH: "io-events",
    MAGENTO_IO_CLIENT_ID: IO_CLIENT_ID,
    MAGENTO_PUBLIC_KEY: adobe.pem,
  };

  const attacks: Array<[string, () => Promise<Request>, Partial<Env>?]> = [
    [
      "Shopify: another shop's domain",
      () => shopifyRequest(shopifyOrder({ id: id(), createdAt: recent() }), { shop: "victim.myshopify.com" }),
    ],
    [
      "Shopify: an order relabelled orders/cancelled",
      () => shopifyRequest(shopifyOrder({ id: id(), createdAt: recent() }), { topic: "orders/cancelled" }),
    ],
    [
      "Shopify: an order relabelled refunds/create",
      () => shopifyRequest(shopifyOrder({ id: id(), createdAt: recent() }), { topic: "refunds/create" }),
    ],
    [
      "Shopify: an unpaid order relabelled orders/paid",
      () =>
        shopifyRequest(
          { ...shopifyOrder({ id: id(), createdAt: recent() }), financial_status: "pending" },
          { topic: "orders/paid" },
        ),
    ],
    [
      "Shopify: billion laughs in XML",
      () => shopifyRequest(BILLION_LAUGHS, { contentType: "application/xml" }),
    ],
    ["Shopify: an external entity in XML", () => shopifyRequest(XXE, { contentType: "application/xml" })],
    [
      "WooCommerce: another site as the source",
      () => wooRequest(wooOrder({ id: wooId() }), { source: "https://victim.example/" }),
    ],
    [
      "WooCommerce: an order relabelled order.deleted",
      () => wooRequest(wooOrder({ id: wooId() }), { topic: "order.deleted" }),
    ],
    [
      "Magento: another store in X-Tagrelay-Shop",
      () => signedMagentoRequest(magentoText(), { "x-tagrelay-shop": "victim.example" }),
    ],
    [
      "Magento: the shared secret as a header where a signature is required",
      async () => secretRequest(magentoText(), { "x-tagrelay-secret": MAGENTO_SECRET }),
    ],
    [
      "Magento: the shared secret beside a wrong signature",
      async () =>
        secretRequest(magentoText(), { "x-tagrelay-secret": MAGENTO_SECRET, "x-tagrelay-signature": "AAAA" }),
    ],
    [
      "Adobe I/O Events on a relay that never enabled them",
      () =>
        ioEventRequest(
          JSON.stringify(ioEvent("sales_order_save_after", magentoOrder({ entityId: String(wooId()) }))),
          adobe,
        ),
      { MAGENTO_PUBLIC_KEY: adobe.pem },
    ],
    [
      "Adobe I/O Events addressed to someone else's project",
      () =>
        ioEventRequest(
          JSON.stringify(
            ioEvent(
              "sales_order_save_after",
              magentoOrder({ entityId: String(wooId()) }),
              undefined,
              "another-project",
            ),
          ),
          adobe,
        ),
      IO_EVENTS,
    ],
  ];

  it.each(attacks)("%s → 4xx, nothing stored, nothing queued", async (_, request, env = {}) => {
    const queue = recordingQueue();
    const before = await countRows("events");
    const response = await fetchWith(await request(), { ...env, EVENTS_QUEUE: queue });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(queue.sent).toEqual([]);
    expect(await countRows("events")).toBe(before);
  });

  it("/snippet.js is the same whatever the query or the headers", async () => {
    const plain = await (await fetchWith(new Request("https://relay.test/snippet.js"))).text();
    const poked = await fetchWith(
      new Request("https://relay.test/snippet.js?id=<script>&measurement_id=G-EVIL", {
        headers: { host: "evil.example", "x-forwarded-host": "evil.example", origin: "https://evil.example" },
      }),
    );
    expect(await poked.text()).toBe(plain);
    expect(poked.headers.get("access-control-allow-origin")).toBeNull();
  });
});

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<order><id type="integer">1</id><note>&lol3;</note></order>`;
const XXE = `<?xml version="1.0"?>
<!DOCTYPE order [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<order><id type="integer">2</id><note>&xxe;</note></order>`;
