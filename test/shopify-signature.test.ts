import { describe, expect, it } from "vitest";
import { shopifyJson, shopifyOrder } from "./fixtures/shopify";
import { countRows, fetchWith, hmacBase64, recordingQueue, SHOPIFY_SECRET, shopifyRequest } from "./helpers";

const body = shopifyJson(shopifyOrder({ id: "5000000000000000001" }));

type Case = { name: string; request: () => Promise<Request>; status: number };

const signed = (text: string, signature: string, headers: Record<string, string> = {}) =>
  new Request("https://relay.test/webhooks/shopify", {
    method: "POST",
    body: text,
    headers: {
      "content-type": "application/json",
      "x-shopify-topic": "orders/create",
      "x-shopify-shop-domain": "sig-test.myshopify.com",
      "x-shopify-webhook-id": crypto.randomUUID(),
      "x-shopify-hmac-sha256": signature,
      ...headers,
    },
  });

const cases: Case[] = [
  { name: "valid", status: 200, request: async () => signed(body, await hmacBase64(SHOPIFY_SECRET, body)) },
  {
    name: "one byte of the body changed",
    status: 401,
    request: async () => signed(body.replace("244.33", "244.34"), await hmacBase64(SHOPIFY_SECRET, body)),
  },
  {
    name: "wrong secret",
    status: 401,
    request: async () => signed(body, await hmacBase64("not-the-secret", body)),
  },
  {
    name: "the second of two rotated secrets",
    status: 200,
    request: async () => signed(body, await hmacBase64("shopify-test-secret-old", body)),
  },
  {
    name: "missing header",
    status: 401,
    request: async () => {
      const r = signed(body, "x");
      const headers = new Headers(r.headers);
      headers.delete("x-shopify-hmac-sha256");
      return new Request(r.url, { method: "POST", body, headers });
    },
  },
  { name: "empty body", status: 401, request: async () => signed("", await hmacBase64(SHOPIFY_SECRET, "")) },
  {
    name: "lowercase and mixed-case header names",
    status: 200,
    request: async () =>
      new Request("https://relay.test/webhooks/shopify", {
        method: "POST",
        body,
        headers: [
          ["X-Shopify-Hmac-SHA256", await hmacBase64(SHOPIFY_SECRET, body)],
          ["X-SHOPIFY-TOPIC", "orders/create"],
          ["x-Shopify-Shop-Domain", "sig-test.myshopify.com"],
          ["X-Shopify-Webhook-Id", crypto.randomUUID()],
        ],
      }),
  },
  {
    name: "a JSON body re-serialized differently from what was signed",
    status: 401,
    request: async () =>
      signed(JSON.stringify(JSON.parse(body), null, 2), await hmacBase64(SHOPIFY_SECRET, body)),
  },
  { name: "garbage signature", status: 401, request: async () => signed(body, "!!!not base64!!!") },
  {
    name: "signature of the right length but wrong",
    status: 401,
    request: async () => signed(body, "A".repeat(44)),
  },
];

describe("Shopify signature verification", () => {
  it.each(cases)("$name → $status", async ({ request, status }) => {
    const queue = recordingQueue();
    const response = await fetchWith(await request(), {
      EVENTS_QUEUE: queue,
      SHOPIFY_SHOP: "sig-test.myshopify.com",
    } as Partial<Env>);
    expect(response.status).toBe(status);
    if (status === 401) {
      expect(await response.json()).toEqual({ status: "rejected", reason: "unauthorized" });
      expect(queue.sent).toHaveLength(0);
    }
  });

  it("stores nothing for a rejected signature", async () => {
    const text = shopifyJson(shopifyOrder({ id: "5000000000000000099" }));
    await fetchWith(signed(text, await hmacBase64("wrong", text)));
    expect(await countRows("events", "order_id = ?1", "5000000000000000099")).toBe(0);
  });

  it("answers 503 and logs loudly when no secret is configured", async () => {
    const request = await shopifyRequest(shopifyOrder());
    const response = await fetchWith(request, { SHOPIFY_WEBHOOK_SECRET: "" } as Partial<Env>);
    expect(response.status).toBe(503);
    const lines = globalThis.capturedLogLines.filter((l) => l.includes("webhook source not configured"));
    expect(JSON.parse(lines.at(-1) ?? "{}")).toMatchObject({
      level: "error",
      fix: "set SHOPIFY_WEBHOOK_SECRET",
    });
  });
});
