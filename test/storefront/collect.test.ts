import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { checkoutToken, collectRequest, pixelPost, postCollect } from "../fixtures/collect";
import { mockDestinations } from "../fixtures/destinations";
import { SHOP, shopifyOrder } from "../fixtures/shopify";
import { WOO_SHOP } from "../fixtures/woocommerce";
import { awayFromWindowEdge, fetchWith, freshIds, shopifyRequest, waitForDeliveries } from "../helpers";

afterEach(() => {
  vi.restoreAllMocks();
});

const nextId = freshIds(9_410_000_000_000_000_001n);

async function rowCount(): Promise<number> {
  const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM collected_identifiers").first<{ n: number }>();
  return row?.n ?? 0;
}

/** A fresh address per test: the limiter counts per client network. */
const freshIp = () => `192.0.2.${Math.floor(Math.random() * 250) + 1}`;

/** Posts `body` and expects the refusal, with nothing stored. */
async function expectRefused(
  body: unknown,
  status: number,
  reason: string,
  headers: Record<string, string> = {},
) {
  const before = await rowCount();
  const response = await postCollect(body, freshIp(), headers);
  expect(response.status).toBe(status);
  expect(await response.json()).toEqual({ status: "rejected", reason });
  expect(response.headers.get("access-control-allow-origin")).toBe("*");
  expect(await rowCount()).toBe(before);
}

describe("POST /collect: what a browser may post", () => {
  it("stores a good post: 204, no body, CORS for any origin without credentials, no cookie", async () => {
    const response = await postCollect(pixelPost(checkoutToken()), freshIp(), {
      origin: "https://x.example",
    });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-credentials")).toBeNull();
    expect(response.headers.get("set-cookie")).toBeNull();
  });

  it("answers the CORS preflight; other methods are 405", async () => {
    const preflight = await exports.default.fetch(
      new Request("https://relay.test/collect", {
        method: "OPTIONS",
        headers: { origin: "https://checkout.example", "access-control-request-method": "POST" },
      }),
    );
    expect(preflight.status).toBe(204);
    expect(Object.fromEntries(preflight.headers)).toMatchObject({
      "access-control-allow-origin": "*",
      "access-control-allow-methods": "POST, OPTIONS",
      "access-control-allow-headers": "content-type",
    });
    expect((await exports.default.fetch(new Request("https://relay.test/collect"))).status).toBe(405);
  });

  it("stores the values as the schema reads them, unknown fields dropped, the key hashed", async () => {
    const token = checkoutToken();
    const post = pixelPost(token, {
      email: "john@example.com",
      phone: "+14155550123",
      landingUrl:
        "https://relay-test.myshopify.com/products/x?gclid=EAIa_landing&email=a%40b.c&utm_source=ads",
      gclid: "EAIa_landing",
      orderId: "gid://shopify/OrderIdentity/4400000000000001",
    });
    expect((await postCollect(post, freshIp())).status).toBe(204);
    const row = await env.DB.prepare(
      "SELECT key_hash, source, identifiers, client, order_id FROM collected_identifiers WHERE order_id = ?1",
    )
      .bind("4400000000000001")
      .first<Record<string, string>>();
    expect(row?.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row?.source).toBe("shopify");
    expect(JSON.parse(row?.identifiers ?? "")).toEqual({
      attribution: {
        gaClientId: "555000111.1700000100",
        gaSessionId: "1747000000",
        fbp: "fb.1.1700000000100.555000111",
        fbc: "fb.1.1700000000100.IwAR_pixel",
        gclid: "EAIa_landing",
        landingUrl: "https://relay-test.myshopify.com/products/x?gclid=EAIa_landing&utm_source=ads",
      },
      consent: { analytics: "granted", marketing: "granted" },
    });
    expect(JSON.parse(row?.client ?? "")).toEqual({
      ip: expect.stringMatching(/^192\.0\.2\.\d+$/),
      userAgent: "Mozilla/5.0 (X11; Linux x86_64) PixelTest/2.0",
    });
  });

  it("takes a WooCommerce order key for the WooCommerce site", async () => {
    const post = {
      shop: "https://shop.example/",
      orderKey: "wc_order_Ab12Cd34",
      fbp: "fb.1.1700000000100.42",
    };
    expect((await postCollect(post, freshIp())).status).toBe(204);
    const rows = await env.DB.prepare("SELECT source FROM collected_identifiers WHERE shop = ?1")
      .bind(WOO_SHOP)
      .all<{ source: string }>();
    expect(rows.results).toEqual([{ source: "woocommerce" }]);
  });
});

describe("POST /collect: hostile input is refused and stores nothing", () => {
  it("refuses a body past 4 KB (413), declared or streamed", async () => {
    const big = JSON.stringify(pixelPost(checkoutToken(), { pad: "x".repeat(5000) }));
    await expectRefused(big, 413, "payload too large");
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode("x".repeat(1000)));
        controller.close();
      },
    });
    const before = await rowCount();
    const response = await exports.default.fetch(
      new Request("https://relay.test/collect", {
        method: "POST",
        body: stream,
        headers: { "content-type": "text/plain", "cf-connecting-ip": freshIp() },
      }),
    );
    expect(response.status).toBe(413);
    expect(await rowCount()).toBe(before);
  });

  it.each([
    ["not JSON", "{shop:", "invalid"],
    ["a JSON array", "[]", "invalid"],
    ["a number as the client id", { gaClientId: 1234567890.17 }, "invalid"],
    ["an object as fbp", { fbp: { value: "fb.1.1.1" } }, "invalid"],
    ["consent that is not a choice", { consent: { marketing: "maybe" } }, "invalid"],
    ["a shop that is a list", { shop: [SHOP] }, "invalid"],
    ["a malformed _ga", { gaClientId: "GA1.1.<script>" }, "invalid"],
    ["an fbc that is not one", { fbc: "fb.1.x.<img>" }, "invalid"],
    ["a click id with quotes", { gclid: 'EAIa"><script>' }, "invalid"],
    ["a user agent with a newline", { userAgent: "Mozilla\n<script>" }, "invalid"],
    ["a 600-character click id", { ttclid: "a".repeat(600) }, "invalid"],
  ])("refuses %s (400)", async (_, change, reason) => {
    const body = typeof change === "string" ? change : pixelPost(checkoutToken(), change);
    await expectRefused(body, 400, reason);
  });

  it.each([
    ["too short", "abc123"],
    ["a path", "../../admin/api/replay"],
    ["spaces", "aaaaaaaaaaaaaaaa bbbbbbbbbbbbbbbb"],
    ["too long", "a".repeat(129)],
  ])("refuses a checkout token %s (400)", async (_, token) => {
    await expectRefused(pixelPost(token), 400, "invalid");
  });

  it("refuses an order key that is not wc_order_ and letters or digits, and a post with both keys", async () => {
    await expectRefused({ shop: "https://shop.example/", orderKey: "wc_order_'; DROP" }, 400, "invalid");
    await expectRefused({ shop: "https://shop.example/", orderKey: "order_Ab12" }, 400, "invalid");
    await expectRefused(pixelPost(checkoutToken(), { orderKey: "wc_order_Ab12" }), 400, "invalid");
  });

  it("refuses a content type no beacon sends (415)", async () => {
    await expectRefused(pixelPost(checkoutToken()), 415, "unsupported content type", {
      "content-type": "application/x-www-form-urlencoded",
    });
  });

  it("refuses identifiers for another shop's order (403): nothing stored, its webhook gets only its own ids", async () => {
    const [orderId, token] = [nextId(), checkoutToken()];
    await expectRefused(pixelPost(token, { shop: "other-shop.myshopify.com" }), 403, "unknown shop");
    await expectRefused({ shop: "https://other.example/", orderKey: "wc_order_Zz99" }, 403, "unknown shop");
    await expectRefused(pixelPost(token, { shop: "not a shop" }), 403, "unknown shop");

    const hits = mockDestinations();
    const order = {
      ...shopifyOrder({ id: orderId, createdAt: new Date().toISOString() }),
      checkout_token: token,
    };
    // The shop has used the pixel (the posts above), so without the wait off this order would wait a minute.
    expect((await fetchWith(await shopifyRequest(order), { IDENTIFIER_WAIT_SECONDS: "0" })).status).toBe(200);
    await waitForDeliveries(`shopify:${SHOP}:purchase:${orderId}`);
    // The fixture order's own note_attributes, not the refused post's.
    expect(hits.ga4[0].body.client_id).toBe("1234567890.1700000000");
    expect(hits.meta[0].body.data[0].user_data).toMatchObject({ fbp: "fb.1.1700000000000.1111111111" });
  });

  it("rate-limits one address with the Workers binding: the 61st post in a minute is 429", async () => {
    await awayFromWindowEdge();
    const ip = "198.51.100.77";
    const before = await rowCount();
    const statuses: number[] = [];
    for (let i = 0; i < 61; i++) {
      const answer = await postCollect(pixelPost(checkoutToken()), ip);
      statuses.push(answer.status);
      if (i < 60) await answer.arrayBuffer();
      else {
        expect(answer.headers.get("retry-after")).toBe("60");
        expect(await answer.json()).toEqual({ status: "rejected", reason: "too many requests" });
      }
    }
    expect(statuses).toEqual([...Array(60).fill(204), 429]);
    expect(await rowCount()).toBe(before + 60);
    // Another address still posts.
    expect((await postCollect(pixelPost(checkoutToken()), "198.51.100.78")).status).toBe(204);
  }, 30_000);

  it("of 1,000 posts from one address, 60 are stored and 940 refused (429) with nothing stored", async () => {
    // Miniflare's limiter slows down with every hit it counts in a window (1,000 take minutes), so
    // this flood counts through a fake binding with the same budget; the test above uses the real one.
    const counted = new Map<string, number>();
    const limiter = {
      async limit({ key }: { key: string }) {
        counted.set(key, (counted.get(key) ?? 0) + 1);
        return { success: (counted.get(key) ?? 0) <= 60 };
      },
    } as RateLimit;
    const before = await rowCount();
    const statuses = new Map<number, number>();
    for (let i = 0; i < 1000; i++) {
      const answer = await fetchWith(
        collectRequest(pixelPost(checkoutToken()), `2001:db8:77:1::${(i + 1).toString(16)}`),
        {
          COLLECT_LIMITER: limiter,
        },
      );
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    }
    expect(Object.fromEntries(statuses)).toEqual({ 204: 60, 429: 940 });
    // Every address of one /64 draws on one budget.
    expect(Object.fromEntries(counted)).toEqual({ "collect:2001:db8:77:1::/64": 1000 });
    expect(await rowCount()).toBe(before + 60);
  }, 60_000);
});
