import type { z } from "zod";
import type { Config } from "../../config";
import { decodeUtf8, parseJsonLossless } from "../../lib/json";
import { siteHost, siteUrl } from "../../lib/shops";
import { eventId } from "../../model/commerce-event";
import { bindingProblem, bindSecrets, boundShop, shopBindingHint, shopsSigning } from "../bindings";
import {
  atShop,
  invalid,
  type SourceVerdict,
  schemaProblem,
  unauthorized,
  type WebhookMeta,
  type WebhookSource,
} from "../types";
import { woocommerceOrderEvents } from "./normalize";
import { WooDeletedOrder, WooOrder } from "./schema";

/** Order topics whose body is the whole order (`order.deleted` is handled apart). */
const ORDER_TOPICS = new Set(["order.created", "order.updated", "order.restored"]);

const SETTINGS = { secret: "WOOCOMMERCE_WEBHOOK_SECRET", shop: "WOOCOMMERCE_URL" };
const bindings = (config: Config) =>
  bindSecrets(config.WOOCOMMERCE_WEBHOOK_SECRET, config.WOOCOMMERCE_URL, SETTINGS);

/**
 * What a refused signature asks the owner to check (the log and /admin say it; the reply never does).
 * WC_Webhook::deliver signs every delivery; only the ping sent when a webhook is saved is unsigned.
 */
const HINTS = {
  noSignature:
    "WooCommerce signs every webhook delivery (only the save ping is unsigned): this request did not come from a WooCommerce webhook",
  // WC_Webhook::generate_signature HMACs with wp_specialchars_decode(secret), and failed_delivery()
  // disables the webhook once more than 5 deliveries in a row failed.
  mismatch:
    "check WOOCOMMERCE_WEBHOOK_SECRET: the Secret field of this webhook under WooCommerce → Settings → Advanced → Webhooks (use letters and digits: WooCommerce decodes &, <, > and quotes in it before signing); more than 5 failures in a row disable the webhook",
};

/**
 * Saving an active webhook sends `webhook_id=<id>` (a form body, no signature, no X-WC
 * headers) and the save fails unless the answer is exactly 200. Returns the webhook id.
 */
function wooCommercePingId(bytes: Uint8Array): string | undefined {
  if (bytes.byteLength > 64) return undefined;
  const decoded = decodeUtf8(bytes);
  return decoded.ok ? /^webhook_id=(\d+)$/.exec(decoded.text.trim())?.[1] : undefined;
}

function parseBody<T extends z.ZodType>(
  bytes: Uint8Array,
  schema: T,
): { ok: true; value: z.infer<T> } | { ok: false; malformed: boolean; detail: string } {
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) return { ok: false, malformed: true, detail: "body is not valid UTF-8" };
  const parsed = parseJsonLossless(decoded.text);
  if (!parsed.ok) return { ok: false, malformed: true, detail: parsed.reason };
  const result = schema.safeParse(parsed.value);
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, malformed: false, detail: schemaProblem(result.error) };
}

function refuseBody(
  failure: { malformed: boolean; detail: string },
  schemaReason: "invalid payload" | "topic does not match the body",
  meta: WebhookMeta,
): SourceVerdict {
  return failure.malformed
    ? invalid("malformed payload", failure.detail, meta)
    : invalid(schemaReason, failure.detail, meta);
}

/**
 * `order.deleted` sends only `{"id": N}`: with WOOCOMMERCE_REFUND_ON_CANCEL, ingest reverses
 * the recorded purchase (what its refunds have not returned yet) under the same id a
 * cancellation uses, so a trashed-then-deleted order is reversed once.
 */
function orderDeleted(bytes: Uint8Array, shop: string, config: Config, meta: WebhookMeta): SourceVerdict {
  // The topic header is unsigned: a deleted order's body is `{"id": N}` and nothing more, so a
  // replayed order body relabelled `order.deleted` cannot reverse its purchase.
  const deleted = parseBody(bytes, WooDeletedOrder);
  if (!deleted.ok) return refuseBody(deleted, "topic does not match the body", meta);
  if (!config.WOOCOMMERCE_REFUND_ON_CANCEL) {
    return { outcome: "ignored", reason: "reversals are off (WOOCOMMERCE_REFUND_ON_CANCEL)", ...meta };
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

/** X-WC-Webhook-Topic, else resource.event; when both are sent they must agree. */
function topicOf(headers: Headers): { topic?: string; conflict: boolean } {
  const resource = headers.get("x-wc-webhook-resource")?.trim().toLowerCase();
  const event = headers.get("x-wc-webhook-event")?.trim().toLowerCase();
  const pair = resource && event ? `${resource}.${event}` : undefined;
  const topic = headers.get("x-wc-webhook-topic")?.trim().toLowerCase() || pair;
  return { topic, conflict: Boolean(pair && topic !== pair) };
}

export const woocommerce: WebhookSource = {
  name: "woocommerce",
  setupProblem: (config) => bindingProblem(bindings(config)),
  async handle({ headers, bytes }, config): Promise<SourceVerdict> {
    const signature = headers.get("x-wc-webhook-signature");
    const { topic, conflict } = topicOf(headers);
    const source = headers.get("x-wc-webhook-source");
    const deliveryId = headers.get("x-wc-webhook-delivery-id")?.trim().slice(0, 200) || undefined;
    const unverified = { topic, shop: siteHost(source), deliveryId };
    if (!signature) {
      if (wooCommercePingId(bytes)) return { outcome: "ping", reason: "delivery URL check" };
      return unauthorized("no X-WC-Webhook-Signature header", unverified, HINTS.noSignature);
    }
    const bound = bindings(config);
    if (!bound.ok) return unauthorized(bound.fix, unverified, bound.fix);
    const signedFor = await shopsSigning(bytes, signature, bound.bindings);
    if (signedFor.size === 0) {
      return unauthorized("signature does not match WOOCOMMERCE_WEBHOOK_SECRET", unverified, HINTS.mismatch);
    }
    if (!topic || !source) {
      return invalid(
        "missing webhook headers",
        "missing X-WC-Webhook-Topic or X-WC-Webhook-Source",
        unverified,
      );
    }
    if (conflict)
      return invalid(
        "missing webhook headers",
        "X-WC-Webhook-Topic disagrees with X-WC-Webhook-Resource and -Event",
        unverified,
      );
    const claimed = siteHost(source);
    if (!claimed)
      return invalid("missing webhook headers", "X-WC-Webhook-Source is not a site URL", unverified);
    // The body is signed, the source header is not: it must name a site this secret speaks for.
    const shop = boundShop(claimed, signedFor);
    if (!shop) {
      return unauthorized(
        "X-WC-Webhook-Source is not a site bound to the secret that signed the body",
        unverified,
        shopBindingHint(SETTINGS),
      );
    }
    const meta = { topic, shop, deliveryId };
    if (topic === "order.deleted") return orderDeleted(bytes, shop, config, meta);
    if (!ORDER_TOPICS.has(topic))
      return { outcome: "ignored", reason: "topic not used", detail: topic, ...meta };

    const order = parseBody(bytes, WooOrder);
    if (!order.ok) return refuseBody(order, "invalid payload", meta);
    // X-WC-Webhook-Source is the site's home URL; its host is the shop checked above.
    const events = await woocommerceOrderEvents(order.value, shop, config);
    return { outcome: "events", events: atShop(events, siteUrl(source)), ...meta };
  },
};
