import type { Config } from "../../config";
import { decodeUtf8, type ParseResult, parseJsonLossless } from "../../lib/json";
import { shopifyShopName, siteUrl } from "../../lib/shops";
import { parseRailsXml } from "../../lib/xml";
import { bindingProblem, bindSecrets, boundShop, shopBindingHint, shopsSigning } from "../bindings";
import {
  atShop,
  invalid,
  type NormalizedEvent,
  type SourceVerdict,
  schemaProblem,
  unauthorized,
  type WebhookMeta,
  type WebhookSource,
} from "../types";
import { shopifyCancellation, shopifyPurchase, shopifyRefund } from "./normalize";
import { ShopifyOrder, ShopifyRefund } from "./schema";
import { PAID_STATES } from "./topics";

const SETTINGS = { secret: "SHOPIFY_WEBHOOK_SECRET", shop: "SHOPIFY_SHOP" };
const bindings = (config: Config) =>
  bindSecrets(config.SHOPIFY_WEBHOOK_SECRET, config.SHOPIFY_SHOP, SETTINGS);

/** What a refused signature asks the owner to check (the log and /admin say it; the reply never does). */
const HINTS = {
  // Shopify signs every webhook it sends, whoever created it.
  noSignature:
    "Shopify signs every webhook it sends: this request did not come from Shopify's webhook delivery",
  // A store's own webhooks, and its "Send test notification", are signed with the store's key, an
  // app's subscriptions with the app's client secret (shopify/shopify-app-template-php#64).
  mismatch:
    "check SHOPIFY_WEBHOOK_SECRET: the key under Settings → Notifications → Webhooks for webhooks made in the Shopify admin (and their test notifications), or the app's client secret for an app's webhooks",
};

/** Shopify's admin lets a store pick JSON or XML per webhook; both give the same object. */
export function parseShopifyBody(bytes: Uint8Array, contentType: string | null): ParseResult {
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) return { ok: false, reason: "body is not valid UTF-8" };
  const text = decoded.text.trimStart();
  const xml = /xml/i.test(contentType ?? "") || text.startsWith("<");
  return xml ? parseRailsXml(text) : parseJsonLossless(text);
}

/**
 * Shopify signs the body, not the topic header: the topic decides purchase or refund, so the
 * body must be what that topic sends. A replayed `orders/create` body relabelled
 * `orders/cancelled` has no `cancelled_at`; an unpaid order relabelled `orders/paid` is unpaid.
 */
function topicMismatch(topic: string, order: ShopifyOrder): string | undefined {
  if (topic === "orders/cancelled" && !order.cancelled_at) return "orders/cancelled body has no cancelled_at";
  if (topic === "orders/paid" && !PAID_STATES.has(order.financial_status ?? "")) {
    return "orders/paid body is not paid";
  }
  return undefined;
}

async function normalizeShopify(
  topic: string,
  shop: string,
  payload: unknown,
  config: Config,
  meta: WebhookMeta,
): Promise<SourceVerdict> {
  let events: NormalizedEvent[];
  if (topic === "refunds/create") {
    const refund = ShopifyRefund.safeParse(payload);
    if (!refund.success) return invalid("invalid payload", schemaProblem(refund.error), meta);
    events = [{ event: await shopifyRefund(refund.data, shop, config) }];
  } else {
    const order = ShopifyOrder.safeParse(payload);
    if (!order.success) return invalid("invalid payload", schemaProblem(order.error), meta);
    const mismatch = topicMismatch(topic, order.data);
    if (mismatch) return invalid("topic does not match the body", mismatch, meta);
    events =
      topic === "orders/cancelled"
        ? await shopifyCancellation(order.data, shop, config)
        : [{ event: await shopifyPurchase(order.data, shop, config) }];
  }
  return { outcome: "events", events: atShop(events, siteUrl(shop)), ...meta };
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
  setupProblem: (config) => bindingProblem(bindings(config)),
  async handle({ headers, bytes }, config): Promise<SourceVerdict> {
    const topic = headers.get("x-shopify-topic")?.trim().toLowerCase() || undefined;
    const claimed = headers.get("x-shopify-shop-domain")?.trim().toLowerCase() || undefined;
    const deliveryId = headers.get("x-shopify-webhook-id")?.trim().slice(0, 200) || undefined;
    const unverified = { topic, shop: claimed, deliveryId };
    const signature = headers.get("x-shopify-hmac-sha256");
    if (!signature) return unauthorized("no X-Shopify-Hmac-Sha256 header", unverified, HINTS.noSignature);
    const bound = bindings(config);
    if (!bound.ok) return unauthorized(bound.fix, unverified, bound.fix);
    const signedFor = await shopsSigning(bytes, signature, bound.bindings);
    if (signedFor.size === 0)
      return unauthorized("signature does not match SHOPIFY_WEBHOOK_SECRET", unverified, HINTS.mismatch);
    if (!topic || !claimed || !deliveryId) {
      return invalid(
        "missing webhook headers",
        "missing X-Shopify-Topic, X-Shopify-Shop-Domain or X-Shopify-Webhook-Id",
        unverified,
      );
    }
    const claimedShop = shopifyShopName(claimed);
    if (!claimedShop)
      return invalid(
        "missing webhook headers",
        "X-Shopify-Shop-Domain is not a myshopify.com domain",
        unverified,
      );
    // The body is signed, the shop header is not: it must name a shop this secret speaks for.
    const shop = boundShop(claimedShop, signedFor);
    if (!shop)
      return unauthorized(
        "X-Shopify-Shop-Domain is not a shop bound to the secret that signed the body",
        unverified,
        shopBindingHint(SETTINGS),
      );
    const meta = { topic, shop, deliveryId };
    if (!handledTopic(topic, config))
      return { outcome: "ignored", reason: "topic not used", detail: topic, ...meta };
    const parsed = parseShopifyBody(bytes, headers.get("content-type"));
    if (!parsed.ok) return invalid("malformed payload", parsed.reason, meta);
    return normalizeShopify(topic, shop, parsed.value, config, meta);
  },
};
