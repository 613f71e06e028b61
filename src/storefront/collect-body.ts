import * as z from "zod";
import { consentState } from "../attribution/consent";
import { parseGaCookie, parseGaSessionCookie } from "../attribution/ga-cookies";
import { keptLandingUrl } from "../attribution/landing-url";
import type { Config } from "../config";
import { checkoutKeyHash, isCheckoutKey } from "../lib/checkout-key";
import { issueText } from "../lib/issue";
import { fail, ok, type Result } from "../lib/result";
import { shopifyShopName, siteHost } from "../lib/shops";
import type { CollectedRow } from "../store/collected";

/** The largest body /collect reads: a post is a few hundred bytes. */
export const MAX_COLLECT_BYTES = 4096;

const token = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[A-Za-z0-9._~+/=:-]+$/, "not a token")
    .optional();
const fbCookie = (last: RegExp) =>
  z
    .string()
    .max(600)
    .regex(new RegExp(`^fb\\.\\d{1,2}\\.\\d{1,16}\\.${last.source}$`), "not an fb cookie")
    .optional();
/** A string parsed by `parse`, or refused with `message` when it gives nothing. */
const parsedBy = (max: number, parse: (value: string) => string | undefined, message: string) =>
  z
    .string()
    .max(max)
    .transform((value, ctx) => {
      const parsed = parse(value);
      if (parsed === undefined) ctx.addIssue({ code: "custom", message });
      return parsed ?? z.NEVER;
    })
    .optional();
/** `_ga` as the cookie holds it ("GA1.1.<random>.<s>") or as the client id ("<random>.<s>"). */
const gaClientId = parsedBy(100, parseGaCookie, "not a GA client id");
/** `_ga_<stream>` as the cookie holds it (GS1 / GS2), or the bare session id. */
const gaSessionId = parsedBy(
  300,
  (v) => (/^\d{1,20}$/.test(v) ? v : parseGaSessionCookie(v)?.sessionId),
  "not a GA session",
);
const consent = z
  .union([z.boolean(), z.enum(["granted", "denied", "yes", "no", "true", "false"])])
  .transform((v) => consentState(v))
  .optional();

/**
 * A post, strictly: every value's type, length and shape is checked, any failure refuses the whole
 * post; fields not named here are dropped. Identifier fields are named as the event's `attribution`.
 */
export const CollectBody = z.object({
  shop: z.string().max(255),
  /** Shopify: the pixel's `checkout.token`; WooCommerce: the order key (`wc_order_…`). One of them. */
  checkoutToken: z.string().max(128).optional(),
  orderKey: z.string().max(80).optional(),
  /** Shopify's order id as the pixel sees it: digits, or an Order / OrderIdentity GID. */
  orderId: z
    .string()
    .max(80)
    .regex(/^(gid:\/\/shopify\/Order(Identity)?\/)?\d{1,20}$/, "not an order id")
    .transform((v) => v.replace(/^gid:\/\/shopify\/Order(Identity)?\//, ""))
    .optional(),
  gaClientId,
  gaSessionId,
  fbp: fbCookie(/\d{1,32}/),
  fbc: fbCookie(/[A-Za-z0-9_.-]{1,500}/),
  gclid: token(500),
  gbraid: token(500),
  wbraid: token(500),
  ttclid: token(500),
  ttp: token(200),
  epik: token(500),
  scClickId: token(500),
  scid: token(200),
  rdtCid: token(500),
  rdtUuid: token(200),
  msclkid: token(500),
  landingUrl: z.string().max(2000).optional(),
  userAgent: z
    .string()
    .max(512)
    .regex(/^[\x20-\x7e]*$/, "not a user agent")
    .optional(),
  consent: z
    .object({ marketing: consent, analytics: consent, adUserData: consent, adPersonalization: consent })
    .optional(),
});
export type CollectBody = z.infer<typeof CollectBody>;

export type CollectRefusal = "invalid" | "unknown shop";

/** The shops this deployment serves, per source: the single-shop settings and every `shop=` of a secret. */
function servedShops(config: Config) {
  const named = (secrets: Config["SHOPIFY_WEBHOOK_SECRET"], single: string | undefined) =>
    new Set([single, ...secrets.map((s) => s.shop)].filter((s): s is string => Boolean(s)));
  return {
    shopify: named(config.SHOPIFY_WEBHOOK_SECRET, config.SHOPIFY_SHOP),
    woocommerce: named(config.WOOCOMMERCE_WEBHOOK_SECRET, config.WOOCOMMERCE_URL),
  };
}

/**
 * A post's JSON as the row to store: the shop must be one this deployment serves (so nobody can
 * fill D1 in another shop's name), the key must have its source's shape, and is hashed.
 */
export async function collectedRowOf(
  json: unknown,
  config: Config,
  clientIp: string | undefined,
  headerUserAgent: string | undefined,
): Promise<Result<CollectedRow, { reason: CollectRefusal; detail: string }>> {
  const parsed = CollectBody.safeParse(json);
  if (!parsed.success) return fail({ reason: "invalid", detail: issueText(parsed.error.issues[0]) });
  const body = parsed.data;
  const source = body.orderKey !== undefined ? "woocommerce" : "shopify";
  const key = source === "woocommerce" ? body.orderKey : body.checkoutToken;
  if (key === undefined || (body.orderKey !== undefined && body.checkoutToken !== undefined)) {
    return fail({ reason: "invalid", detail: "needs one of checkoutToken or orderKey" });
  }
  if (!isCheckoutKey(source, key))
    return fail({ reason: "invalid", detail: `${source} key of the wrong shape` });
  const shop = source === "shopify" ? shopifyShopName(body.shop) : siteHost(body.shop);
  if (!shop || !servedShops(config)[source].has(shop)) {
    return fail({ reason: "unknown shop", detail: `not a ${source} shop this relay serves` });
  }
  const { shop: _s, checkoutToken: _t, orderKey: _k, orderId, consent, userAgent, landingUrl, ...ids } = body;
  const attribution = Object.fromEntries(Object.entries(ids).filter(([, v]) => v !== undefined));
  const kept = keptLandingUrl(landingUrl);
  if (kept) attribution.landingUrl = kept;
  const consentGiven = Object.fromEntries(Object.entries(consent ?? {}).filter(([, v]) => v !== undefined));
  const ua = userAgent?.trim() || headerUserAgent?.trim().slice(0, 512);
  const client = Object.fromEntries(
    Object.entries({ ip: clientIp?.trim() || undefined, userAgent: ua || undefined }).filter(([, v]) => v),
  );
  return ok({
    shop,
    keyHash: (await checkoutKeyHash(source, key)) as string,
    source,
    identifiers: { attribution, consent: consentGiven },
    client,
    orderId: source === "shopify" ? orderId : undefined,
  });
}
