#!/usr/bin/env node
// `npm run sign -- [--secret S] [--topic T] [--shop D] [--url U] [file]`
// Signs a webhook body the way Shopify does (base64 HMAC-SHA256 of the raw bytes) and
// prints a curl command that posts it. With no file, a small sample order is used.
import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    secret: {
      type: "string",
      default: process.env.SHOPIFY_WEBHOOK_SECRET ?? "dev-shopify-secret-not-for-production",
    },
    topic: { type: "string", default: "orders/create" },
    shop: { type: "string", default: "demo-shop.myshopify.com" },
    url: { type: "string", default: "http://localhost:8787/webhooks/shopify" },
  },
});

const sample = {
  id: 820982911946154508n,
  name: "#1001",
  order_number: 1001,
  email: "customer@example.com",
  created_at: new Date().toISOString(),
  test: false,
  source_name: "web",
  currency: "USD",
  total_price: "54.00",
  total_tax: "4.00",
  total_discounts: "0.00",
  line_items: [
    { id: 1, product_id: 632910392, sku: "DEMO-1", title: "Demo item", price: "25.00", quantity: 2 },
  ],
  billing_address: { first_name: "Demo", last_name: "Customer", country_code: "US" },
};

const body = positionals[0]
  ? readFileSync(positionals[0], "utf8")
  : JSON.stringify(sample, (_, v) => (typeof v === "bigint" ? `__BIG__${v}` : v)).replace(
      /"__BIG__(\d+)"/g,
      "$1",
    );
const signature = createHmac("sha256", values.secret).update(body, "utf8").digest("base64");
const quote = (s) => `'${s.replaceAll("'", "'\\''")}'`;

console.log(
  [
    `curl -sS -X POST ${quote(values.url)}`,
    `  -H 'Content-Type: application/json'`,
    `  -H ${quote(`X-Shopify-Topic: ${values.topic}`)}`,
    `  -H ${quote(`X-Shopify-Shop-Domain: ${values.shop}`)}`,
    `  -H ${quote(`X-Shopify-Webhook-Id: ${randomUUID()}`)}`,
    `  -H ${quote(`X-Shopify-Hmac-Sha256: ${signature}`)}`,
    `  --data-binary ${quote(body)}`,
  ].join(" \\\n"),
);
