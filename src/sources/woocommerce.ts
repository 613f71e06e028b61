import type { z } from "zod";
import type { Config } from "../config";
import { eventId } from "../events";
import { verifyHmacBase64 } from "../lib/crypto";
import { decodeUtf8, parseJsonLossless } from "../lib/json";
import type { SourceVerdict, WebhookMeta, WebhookSource } from "./types";
import { woocommerceOrderEvents } from "./woocommerce-normalize";
import { WooDeletedOrder, WooOrder } from "./woocommerce-schema";

/** Order topics whose body is the whole order (`order.deleted` is handled apart). */
const ORDER_TOPICS = new Set(["order.created", "order.updated", "order.restored"]);

/**
 * WooCommerce signs the exact bytes PHP sent (wp_json_encode: `\/` and `\uXXXX` escapes):
 * base64 HMAC-SHA256 with the webhook's secret. Never re-serialize before checking.
 */
export function verifyWooCommerceSignature(
  headers: Headers,
  bytes: Uint8Array,
  secrets: readonly string[],
): Promise<boolean> {
  const signature = headers.get("x-wc-webhook-signature");
  if (!signature || bytes.byteLength === 0) return Promise.resolve(false);
  return verifyHmacBase64(bytes, signature, secrets);
}

/**
 * Saving an active webhook sends `webhook_id=<id>` (a form body, no signature, no X-WC
 * headers) and the save fails unless the answer is exactly 200. Returns the webhook id.
 */
function wooCommercePingId(bytes: Uint8Array): string | undefined {
  if (bytes.byteLength > 64) return undefined;
  const decoded = decodeUtf8(bytes);
  return decoded.ok ? /^webhook_id=(\d+)$/.exec(decoded.text.trim())?.[1] : undefined;
}

/** X-WC-Webhook-Source is the shop's home URL ("https://shop.example/"); the shop is its host. */
function wooCommerceShop(source: string | null): string | undefined {
  if (!source) return undefined;
  try {
    const url = new URL(source.trim());
    return url.protocol === "https:" || url.protocol === "http:" ? url.hostname || undefined : undefined;
  } catch {
    return undefined;
  }
}

function parseBody<T extends z.ZodType>(
  bytes: Uint8Array,
  schema: T,
): { ok: true; value: z.infer<T> } | { ok: false; reason: string } {
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) return { ok: false, reason: "body is not valid UTF-8" };
  const parsed = parseJsonLossless(decoded.text);
  if (!parsed.ok) return parsed;
  const result = schema.safeParse(parsed.value);
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, reason: schemaProblem(result.error) };
}

/**
 * `order.deleted` sends only `{"id": N}`: with WOOCOMMERCE_REFUND_ON_CANCEL, ingest reverses
 * the recorded purchase (what its refunds have not returned yet) under the same id a
 * cancellation uses, so a trashed-then-deleted order is reversed once.
 */
function orderDeleted(bytes: Uint8Array, shop: string, config: Config, meta: WebhookMeta): SourceVerdict {
  const deleted = parseBody(bytes, WooDeletedOrder);
  if (!deleted.ok) return { outcome: "rejected", status: 400, reason: deleted.reason, ...meta };
  if (!config.WOOCOMMERCE_REFUND_ON_CANCEL) {
    return { outcome: "ignored", reason: "WOOCOMMERCE_REFUND_ON_CANCEL is off", ...meta };
  }
  const refundId = `full-${deleted.value.id}`;
  const reversal = {
    eventId: eventId("woocommerce", shop, "refund", refundId),
    refundId,
    purchaseId: eventId("woocommerce", shop, "purchase", deleted.value.id),
    occurredAt: new Date().toISOString(),
  };
  return { outcome: "events", events: [], reversals: [reversal], ...meta };
}

function schemaProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  return `invalid payload: ${issue.path.join(".") || "body"}: ${issue.message}`.slice(0, 160);
}

export const woocommerce: WebhookSource = {
  name: "woocommerce",
  configured: (config) => config.WOOCOMMERCE_WEBHOOK_SECRET.length > 0,
  async handle({ headers, bytes }, config): Promise<SourceVerdict> {
    if (!headers.has("x-wc-webhook-signature")) {
      const webhookId = wooCommercePingId(bytes);
      if (webhookId) return { outcome: "ping", reason: `delivery URL check of webhook ${webhookId}` };
      return { outcome: "rejected", status: 401, reason: "missing X-WC-Webhook-Signature" };
    }
    if (!(await verifyWooCommerceSignature(headers, bytes, config.WOOCOMMERCE_WEBHOOK_SECRET))) {
      return { outcome: "rejected", status: 401, reason: "invalid signature" };
    }
    const resource = headers.get("x-wc-webhook-resource")?.trim().toLowerCase();
    const event = headers.get("x-wc-webhook-event")?.trim().toLowerCase();
    const topic =
      headers.get("x-wc-webhook-topic")?.trim().toLowerCase() ||
      (resource && event ? `${resource}.${event}` : undefined);
    const shop = wooCommerceShop(headers.get("x-wc-webhook-source"));
    const deliveryId = headers.get("x-wc-webhook-delivery-id")?.trim() || undefined;
    const meta = { topic, shop, deliveryId };
    if (!topic) return { outcome: "rejected", status: 400, reason: "missing X-WC-Webhook-Topic", ...meta };
    if (!shop) {
      return { outcome: "rejected", status: 400, reason: "missing or invalid X-WC-Webhook-Source", ...meta };
    }
    if (topic === "order.deleted") return orderDeleted(bytes, shop, config, meta);
    if (!ORDER_TOPICS.has(topic))
      return { outcome: "ignored", reason: `topic ${topic} is not used`, ...meta };

    const order = parseBody(bytes, WooOrder);
    if (!order.ok) return { outcome: "rejected", status: 400, reason: order.reason, ...meta };
    return { outcome: "events", events: await woocommerceOrderEvents(order.value, shop, config), ...meta };
  },
};
