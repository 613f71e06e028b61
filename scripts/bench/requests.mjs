// Signed webhook deliveries as each platform sends them, built from the test fixtures'
// order builders and signed with node:crypto. Development secrets only.
import { createHmac, randomUUID } from "node:crypto";

export const SHOP = "bench-shop.myshopify.com";
/** The secrets, and the shops they speak for. */
export const SECRETS = {
  SHOPIFY_WEBHOOK_SECRET: "bench-shopify-secret",
  WOOCOMMERCE_WEBHOOK_SECRET: "bench-woocommerce-secret",
  MAGENTO_WEBHOOK_SECRET: "bench-magento-secret",
  SHOPIFY_SHOP: SHOP,
  WOOCOMMERCE_URL: "https://shop.example/",
  MAGENTO_URL: "https://magento.example/",
};

const hmac = (secret, body) => createHmac("sha256", secret).update(body).digest("base64");
const hoursAgo = (h) => new Date(Date.now() - h * 3_600_000);

/** Shopify order ids above 2^53 (16+ digits), as real ones are. */
export const shopifyOrderId = (n) => String(7_000_000_000_000_000n + BigInt(n));

export function shopifyDelivery(p, { orderId, lines = 3, topic = "orders/create", test = false }) {
  const order = p.shopifyOrder({ id: orderId, lineCount: lines, test, createdAt: hoursAgo(1).toISOString() });
  return {
    ...signedShopifyBody(p.shopifyJson(order), { topic }),
    eventId: `shopify:${SHOP}:purchase:${orderId}`,
  };
}

/** Any text, signed and sent as Shopify sends a webhook. */
export function signedShopifyBody(text, { topic = "orders/create", contentType = "application/json" } = {}) {
  const body = Buffer.from(text);
  return {
    source: "shopify",
    path: "/webhooks/shopify",
    body,
    headers: {
      "content-type": contentType,
      "x-shopify-topic": topic,
      "x-shopify-shop-domain": SHOP,
      "x-shopify-webhook-id": randomUUID(),
      "x-shopify-api-version": "2026-10",
      "x-shopify-hmac-sha256": hmac(SECRETS.SHOPIFY_WEBHOOK_SECRET, body),
    },
  };
}

export function shopifyRefundDelivery(p, { refundId, orderId }) {
  const refund = { ...p.shopifyRefund({ id: refundId, orderId }), created_at: hoursAgo(0.5).toISOString() };
  const body = Buffer.from(p.shopifyJson(refund));
  return {
    source: "shopify",
    eventId: `shopify:${SHOP}:refund:${refundId}`,
    path: "/webhooks/shopify",
    body,
    headers: {
      "content-type": "application/json",
      "x-shopify-topic": "refunds/create",
      "x-shopify-shop-domain": SHOP,
      "x-shopify-webhook-id": randomUUID(),
      "x-shopify-hmac-sha256": hmac(SECRETS.SHOPIFY_WEBHOOK_SECRET, body),
    },
  };
}

export function wooDelivery(p, { orderId, topic = "order.updated" }) {
  const order = p.wooOrder({ id: orderId, createdAt: p.wooDate(hoursAgo(1)) });
  const body = Buffer.from(p.phpJson(order));
  const [resource, event] = topic.split(".");
  return {
    source: "woocommerce",
    eventId: `woocommerce:shop.example:purchase:${orderId}`,
    path: "/webhooks/woocommerce",
    body,
    headers: {
      "content-type": "application/json",
      "user-agent": "WooCommerce/9.4.2 Hookshot (WordPress/6.7.1)",
      "x-wc-webhook-source": "https://shop.example/",
      "x-wc-webhook-topic": topic,
      "x-wc-webhook-resource": resource,
      "x-wc-webhook-event": event,
      "x-wc-webhook-signature": hmac(SECRETS.WOOCOMMERCE_WEBHOOK_SECRET, body),
      "x-wc-webhook-id": "12",
      "x-wc-webhook-delivery-id": randomUUID().replaceAll("-", ""),
    },
  };
}

/** A Magento Open Source module signing the body (MAGENTO_AUTH=hmac, the default). */
export function magentoDelivery(p, { orderId }) {
  const body = Buffer.from(JSON.stringify({ order: p.magentoOrder({ entityId: String(orderId) }) }));
  return {
    source: "magento",
    eventId: `magento:magento.example:purchase:${orderId}`,
    path: "/webhooks/magento",
    body,
    headers: {
      "content-type": "application/json",
      "x-tagrelay-signature": hmac(SECRETS.MAGENTO_WEBHOOK_SECRET, body),
    },
  };
}
