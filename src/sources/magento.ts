import type { z } from "zod";
import type { Config } from "../config";
import { toBase64 } from "../lib/crypto";
import { decodeUtf8, parseJsonLossless } from "../lib/json";
import { logError } from "../lib/log";
import { ioEventEntity, keyedEntity, type MagentoEntity, magentoShop } from "./magento-envelope";
import { magentoPurchase, magentoRefund } from "./magento-normalize";
import { MagentoCreditMemo, MagentoOrder } from "./magento-schema";
import { adobeEventsKey, checkSharedSecret, configuredKeys, verifyRsaSignatures } from "./magento-signatures";
import type { NormalizedEvent, SourceVerdict, WebhookSource } from "./types";

/** Adobe I/O Events (RSA, Adobe's keys), Adobe Commerce webhooks (RSA, the store's key), Open Source modules (shared secret). */
type Route = "io-events" | "commerce-webhook" | "shared-secret";

type Auth = { ok: true } | { ok: false; status: 401 | 503; reason: string };

// Adobe Commerce webhooks run inside checkout; any answer but this one can stop the order.
const COMMERCE_SUCCESS = { op: "success" };

function routeOf(headers: Headers): Route | undefined {
  if (headers.has("x-adobe-digital-signature-1") || headers.has("x-adobe-digital-signature-2")) {
    return "io-events";
  }
  if (headers.has("x-adobe-commerce-webhook-signature")) return "commerce-webhook";
  if (
    headers.has("x-tagrelay-secret") ||
    headers.has("x-tagrelay-signature") ||
    headers.has("authorization")
  ) {
    return "shared-secret";
  }
  return undefined;
}

function notConfigured(route: Route, setting: string): Auth {
  // Loud, and a 503 so the store keeps retrying while the owner sets it.
  logError("magento webhook not configured", { source: "magento", route, fix: `set ${setting}` });
  return { ok: false, status: 503, reason: `${setting} not configured` };
}

function base64Bytes(bytes: Uint8Array): Uint8Array {
  return new TextEncoder().encode(toBase64(bytes));
}

async function authenticateIoEvent(headers: Headers, bytes: Uint8Array, config: Config): Promise<Auth> {
  const signatures = [headers.get("x-adobe-digital-signature-1"), headers.get("x-adobe-digital-signature-2")];
  if (config.MAGENTO_PUBLIC_KEY) {
    const keys = await configuredKeys(config.MAGENTO_PUBLIC_KEY);
    if (keys.length === 0) return notConfigured("io-events", "MAGENTO_PUBLIC_KEY (as a PEM public key)");
    return (await verifyRsaSignatures([bytes], signatures, keys))
      ? { ok: true }
      : { ok: false, status: 401, reason: "invalid signature" };
  }
  const fetched = await Promise.all(
    [headers.get("x-adobe-public-key1-path"), headers.get("x-adobe-public-key2-path")].map((p) =>
      adobeEventsKey(p),
    ),
  );
  for (const [i, key] of fetched.entries()) {
    if (key.ok && (await verifyRsaSignatures([bytes], [signatures[i]], [key.key]))) return { ok: true };
  }
  if (fetched.some((k) => !k.ok && k.reason === "unavailable")) {
    logError("adobe i/o events key unavailable", { source: "magento", route: "io-events" });
    return { ok: false, status: 503, reason: "signing key unavailable" };
  }
  return { ok: false, status: 401, reason: "invalid signature" };
}

async function authenticate(
  route: Route,
  headers: Headers,
  bytes: Uint8Array,
  config: Config,
): Promise<Auth> {
  if (route === "io-events") return authenticateIoEvent(headers, bytes, config);
  if (route === "commerce-webhook") {
    const keys = await configuredKeys(config.MAGENTO_PUBLIC_KEY);
    if (keys.length === 0) return notConfigured(route, "MAGENTO_PUBLIC_KEY");
    // Adobe's verification examples check the signature over the base64 of the body; accepting
    // the raw body as well costs nothing, since both need the store's private key.
    const signed = await verifyRsaSignatures(
      [bytes, base64Bytes(bytes)],
      [headers.get("x-adobe-commerce-webhook-signature")],
      keys,
    );
    return signed ? { ok: true } : { ok: false, status: 401, reason: "invalid signature" };
  }
  if (config.MAGENTO_WEBHOOK_SECRET.length === 0) return notConfigured(route, "MAGENTO_WEBHOOK_SECRET");
  const check = await checkSharedSecret(headers, bytes, config.MAGENTO_WEBHOOK_SECRET);
  return check === "valid" ? { ok: true } : { ok: false, status: 401, reason: `${check} secret` };
}

function schemaProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  return `invalid payload: ${issue.path.join(".") || "body"}: ${issue.message}`.slice(0, 160);
}

async function normalizeMagento(
  entity: MagentoEntity,
  shop: string,
  config: Config,
): Promise<{ ok: true; events: NormalizedEvent[]; ignored?: string } | { ok: false; reason: string }> {
  if (entity.kind === "creditmemo") {
    const memo = MagentoCreditMemo.safeParse(entity.value);
    if (!memo.success) return { ok: false, reason: schemaProblem(memo.error) };
    return { ok: true, events: [{ event: magentoRefund(memo.data, shop) }] };
  }
  const order = MagentoOrder.safeParse(entity.value);
  if (!order.success) return { ok: false, reason: schemaProblem(order.error) };
  const state = order.data.state?.toLowerCase();
  if (!state || !config.MAGENTO_PURCHASE_STATES.includes(state)) {
    return { ok: true, events: [], ignored: `order state ${state ?? "(none)"} is not a purchase` };
  }
  return { ok: true, events: [{ event: await magentoPurchase(order.data, shop) }] };
}

function deliveryIdOf(headers: Headers, body: unknown): string | undefined {
  const fromBody = (body as { event_id?: unknown } | null)?.event_id;
  const id = headers.get("x-adobe-event-id")?.trim() || (typeof fromBody === "string" ? fromBody : "");
  return id.slice(0, 200) || undefined;
}

export const magento: WebhookSource = {
  name: "magento",
  // Adobe I/O Events needs no setting (its keys come from Adobe); each route answers 503 itself
  // when the setting it needs is missing.
  configured: () => true,
  async handle({ headers, bytes }, config): Promise<SourceVerdict> {
    const route = routeOf(headers);
    if (!route) return { outcome: "rejected", status: 401, reason: "missing signature" };
    const auth = await authenticate(route, headers, bytes, config);
    if (!auth.ok) return { outcome: "rejected", status: auth.status, reason: auth.reason, topic: route };

    const reply = route === "commerce-webhook" ? COMMERCE_SUCCESS : undefined;
    // A signed Commerce webhook is never refused: a 4xx on a required hook would stop the checkout.
    const refuse = (
      reason: string,
      meta: { topic?: string; shop?: string; deliveryId?: string },
    ): SourceVerdict =>
      reply
        ? { outcome: "ignored", reason, reply, ...meta }
        : { outcome: "rejected", status: 400, reason, ...meta };

    const decoded = decodeUtf8(bytes);
    if (!decoded.ok) return refuse("body is not valid UTF-8", { topic: route });
    const parsed = parseJsonLossless(decoded.text);
    if (!parsed.ok) return refuse(parsed.reason, { topic: route });
    const body = parsed.value;
    const deliveryId = deliveryIdOf(headers, body);
    const entity = (route === "io-events" ? ioEventEntity(body) : undefined) ?? keyedEntity(body, route);
    if (!entity) {
      return {
        outcome: "ignored",
        reason: "no order or credit memo in this webhook",
        reply,
        topic: route,
        deliveryId,
      };
    }
    const shop = magentoShop(headers, body, entity.value);
    const meta = { topic: entity.topic, shop, deliveryId };
    if (!shop) return refuse("invalid X-Tagrelay-Shop", meta);
    const normalized = await normalizeMagento(entity, shop, config);
    if (!normalized.ok) return refuse(normalized.reason, meta);
    if (normalized.ignored) return { outcome: "ignored", reason: normalized.ignored, reply, ...meta };
    return { outcome: "events", events: normalized.events, reply, ...meta };
  },
};
