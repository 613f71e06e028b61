import type { z } from "zod";
import type { Config } from "../config";
import { verifyHmacBase64 } from "../lib/crypto";
import { decodeUtf8, type ParseResult, parseJsonLossless } from "../lib/json";
import { parseRailsXml } from "../lib/xml";
import { shopifyCancellation, shopifyPurchase, shopifyRefund } from "./shopify-normalize";
import { ShopifyOrder, ShopifyRefund } from "./shopify-schema";
import type { NormalizedEvent, SourceVerdict, WebhookSource } from "./types";

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)+$/;

/** Shopify signs the raw bytes: base64 HMAC-SHA256 with the app's client secret or the store's webhook key. */
export function verifyShopifySignature(
  headers: Headers,
  bytes: Uint8Array,
  secrets: readonly string[],
): Promise<boolean> {
  const signature = headers.get("x-shopify-hmac-sha256");
  if (!signature || bytes.byteLength === 0) return Promise.resolve(false);
  return verifyHmacBase64(bytes, signature, secrets);
}

/** Shopify's admin lets a store pick JSON or XML per webhook; both give the same object. */
export function parseShopifyBody(bytes: Uint8Array, contentType: string | null): ParseResult {
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) return { ok: false, reason: "body is not valid UTF-8" };
  const text = decoded.text.trimStart();
  const xml = /xml/i.test(contentType ?? "") || text.startsWith("<");
  return xml ? parseRailsXml(text) : parseJsonLossless(text);
}

function schemaProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  return `invalid payload: ${issue.path.join(".") || "body"}: ${issue.message}`.slice(0, 160);
}

async function normalizeShopify(
  topic: string,
  shop: string,
  payload: unknown,
  config: Config,
): Promise<{ ok: true; events: NormalizedEvent[] } | { ok: false; reason: string }> {
  if (topic === "refunds/create") {
    const refund = ShopifyRefund.safeParse(payload);
    if (!refund.success) return { ok: false, reason: schemaProblem(refund.error) };
    return { ok: true, events: [{ event: await shopifyRefund(refund.data, shop, config) }] };
  }
  const order = ShopifyOrder.safeParse(payload);
  if (!order.success) return { ok: false, reason: schemaProblem(order.error) };
  if (topic === "orders/cancelled") {
    return { ok: true, events: await shopifyCancellation(order.data, shop, config) };
  }
  return { ok: true, events: [{ event: await shopifyPurchase(order.data, shop, config) }] };
}

function handledTopic(topic: string, config: Config): boolean {
  return (
    topic === "refunds/create" ||
    topic === "orders/cancelled" ||
    config.SHOPIFY_PURCHASE_TOPICS.includes(topic)
  );
}

export const shopify: WebhookSource = {
  name: "shopify",
  configured: (config) => config.SHOPIFY_WEBHOOK_SECRET.length > 0,
  async handle({ headers, bytes }, config): Promise<SourceVerdict> {
    if (!(await verifyShopifySignature(headers, bytes, config.SHOPIFY_WEBHOOK_SECRET))) {
      return { outcome: "rejected", status: 401, reason: "invalid signature" };
    }
    const topic = headers.get("x-shopify-topic")?.trim().toLowerCase();
    const shop = headers.get("x-shopify-shop-domain")?.trim().toLowerCase();
    const deliveryId = headers.get("x-shopify-webhook-id")?.trim() || undefined;
    const meta = { topic, shop, deliveryId };
    if (!topic || !shop || !deliveryId) {
      return {
        outcome: "rejected",
        status: 400,
        reason: "missing X-Shopify-Topic, X-Shopify-Shop-Domain or X-Shopify-Webhook-Id",
        ...meta,
      };
    }
    if (!SHOP_DOMAIN.test(shop))
      return { outcome: "rejected", status: 400, reason: "invalid shop domain", ...meta };
    if (!handledTopic(topic, config)) {
      return { outcome: "ignored", reason: `topic ${topic} is not used`, ...meta };
    }
    const parsed = parseShopifyBody(bytes, headers.get("content-type"));
    if (!parsed.ok) return { outcome: "rejected", status: 400, reason: parsed.reason, ...meta };
    const normalized = await normalizeShopify(topic, shop, parsed.value, config);
    if (!normalized.ok) return { outcome: "rejected", status: 400, reason: normalized.reason, ...meta };
    return { outcome: "events", events: normalized.events, ...meta };
  },
};
