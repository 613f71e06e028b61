import * as z from "zod";
import { issueText } from "../lib/issue";
import { fail, ok, type Result } from "../lib/result";

/** A decimal amount as an exact string ("369.97"); never a float. */
const Money = z.string().regex(/^-?\d+(\.\d+)?$/);

export const Item = z.object({
  id: z.string(),
  sku: z.string().optional(),
  name: z.string().optional(),
  variant: z.string().optional(),
  brand: z.string().optional(),
  /** Unit price before discounts. */
  price: Money,
  quantity: z.number().int().nonnegative(),
  /** Discount on the whole line (all units), positive. */
  discount: Money.optional(),
});
export type Item = z.infer<typeof Item>;

/**
 * Customer identifiers, already normalized and SHA-256 hex hashed per destination rules.
 * Raw values never leave the source normalizer.
 */
export const HashedIdentity = z.object({
  ga4: z
    .object({
      email: z.string().optional(),
      phone: z.string().optional(),
      firstName: z.string().optional(),
      lastName: z.string().optional(),
      street: z.string().optional(),
      /** ISO 3166-1 alpha-2, sent unhashed as GA4 asks. */
      country: z.string().optional(),
    })
    .default({}),
  meta: z
    .object({
      em: z.string().optional(),
      ph: z.string().optional(),
      fn: z.string().optional(),
      ln: z.string().optional(),
      ct: z.string().optional(),
      st: z.string().optional(),
      zp: z.string().optional(),
      country: z.string().optional(),
      external_id: z.string().optional(),
    })
    .default({}),
  /** Google Ads (Data Manager), only where its rule differs from GA4's: a Gmail address with a "+tag". */
  googleAds: z.object({ email: z.string().optional() }).optional(),
  /** Reddit's e-mail rule (no +alias, username letters and digits only). */
  reddit: z.object({ email: z.string().optional() }).optional(),
  /** Microsoft Advertising's e-mail rule (no +alias, no dots in the username). */
  microsoft: z.object({ em: z.string().optional() }).optional(),
});
export type HashedIdentity = z.infer<typeof HashedIdentity>;

const ConsentState = z.enum(["granted", "denied"]);

export const CommerceEvent = z.object({
  /** Deterministic: `<source>:<shop>:<kind>:<id>`; the dedupe key and the ledger key. */
  id: z.string().min(1),
  kind: z.enum(["purchase", "refund"]),
  source: z.enum(["shopify", "woocommerce", "magento"]),
  shop: z.string().min(1),
  /** The shop's own site (`https://host/…`): a page of the shop where the order names none. */
  shopUrl: z.string().optional(),
  /** When the order was placed (purchase) or the refund created, ISO 8601. */
  occurredAt: z.string(),
  test: z.boolean(),
  /**
   * Where the sale happened: `web` (placed by the customer through the shop's online checkout),
   * `pos` (a point of sale in a physical store), `draft` (entered by the shop's staff in its
   * admin), `recurring` (created by the shop on its own, a subscription renewal) or `other`.
   */
  channel: z.enum(["web", "pos", "draft", "recurring", "other"]),
  order: z.object({
    id: z.string().min(1),
    number: z.string().optional(),
    /** The currency of every amount of the event, refund included. */
    currency: z.string().length(3),
    /** Order total as the customer paid it (incl. tax and shipping). */
    value: Money,
    /**
     * The items after every discount, without shipping and tax (a shop whose prices include tax, such
     * as Shopify with `taxes_included`, includes it as its item prices do). Absent only in events an
     * earlier release stored: CONVERSION_VALUE then falls back to the total.
     */
    subtotal: Money.optional(),
    tax: Money,
    /** Shipping actually charged: after shipping discounts. */
    shipping: Money,
    discount: Money,
    coupon: z.string().optional(),
    items: z.array(Item),
    /**
     * Hex SHA-256 of the key the buyer's browser knows the order by (Shopify's `checkout_token`,
     * WooCommerce's `order_key`): what joins identifiers posted to /collect. Never the key itself.
     */
    checkoutKey: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
  }),
  refund: z
    .object({
      id: z.string().min(1),
      /** The money that went back to the customer, positive; "0.00" when none did. */
      value: Money,
      /**
       * What of it was items, tax and shipping, when the shop says so. Without them a refund is read
       * as its share of the order's own parts (exact for a full refund).
       */
      subtotal: Money.optional(),
      tax: Money.optional(),
      shipping: Money.optional(),
      /** Empty for a full refund. */
      items: z.array(Item),
      full: z.boolean(),
    })
    .optional(),
  identity: HashedIdentity,
  client: z
    .object({
      ip: z.string().optional(),
      userAgent: z.string().optional(),
      /** The shop's own customer id, kept only when GA4_USER_ID sends it as GA4's user_id. */
      customerId: z.string().optional(),
    })
    .default({}),
  attribution: z
    .object({
      gaClientId: z.string().optional(),
      gaSessionId: z.string().optional(),
      fbp: z.string().optional(),
      fbc: z.string().optional(),
      /** Google Ads click ids: web (`gclid`), iOS app-to-web (`gbraid`) and web-to-app (`wbraid`). */
      gclid: z.string().optional(),
      gbraid: z.string().optional(),
      wbraid: z.string().optional(),
      /** TikTok: the `ttclid` landing parameter and the pixel's `_ttp` cookie. */
      ttclid: z.string().optional(),
      ttp: z.string().optional(),
      /** Pinterest: the `epik` landing parameter or the tag's `_epik` cookie (same value). */
      epik: z.string().optional(),
      /** Snapchat: the `ScCid` landing parameter (sc_click_id) and the pixel's `_scid` cookie (sc_cookie1). */
      scClickId: z.string().optional(),
      scid: z.string().optional(),
      /** Reddit: the `rdt_cid` landing parameter (click_id) and the pixel's `_rdt_uuid` cookie (uuid). */
      rdtCid: z.string().optional(),
      rdtUuid: z.string().optional(),
      /** Microsoft Advertising: the `msclkid` landing parameter or the UET tag's `_uetmsclkid` cookie. */
      msclkid: z.string().optional(),
      landingUrl: z.string().optional(),
      /** The Purchase event id the shop's Meta plugin stored on the order (Facebook for WooCommerce). */
      metaEventId: z.string().optional(),
    })
    .default({}),
  consent: z
    .object({
      adUserData: ConsentState.optional(),
      adPersonalization: ConsentState.optional(),
      marketing: ConsentState.optional(),
      /** The analytics choice (Shopify's analytics purpose, Google's analytics_storage). */
      analytics: ConsentState.optional(),
    })
    .default({}),
  /**
   * Where each identifier came from, once the consumer merged what a browser posted to /collect
   * (src/model/identifiers.ts): `order`, `pixel` or `fallback`. Absent: nothing was posted for it.
   */
  identifiers: z.record(z.string(), z.enum(["order", "pixel", "fallback"])).optional(),
});
export type CommerceEvent = z.infer<typeof CommerceEvent>;

export function eventId(
  source: CommerceEvent["source"],
  shop: string,
  kind: CommerceEvent["kind"],
  id: string,
): string {
  return `${source}:${shop}:${kind}:${id}`;
}

/** An event as the schema reads it, or what is wrong with it: the field and the rule, never the value. */
export type CheckedEvent = Result<CommerceEvent>;

export function checkEvent(value: unknown): CheckedEvent {
  const parsed = CommerceEvent.safeParse(value);
  return parsed.success ? ok(parsed.data) : fail(issueText(parsed.error.issues[0]).slice(0, 160));
}

/** An outbox row's payload: a row an older release wrote, or a corrupted one, is a problem, not an exception. */
export function readStoredEvent(payload: string): CheckedEvent {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return fail("payload is not JSON");
  }
  return checkEvent(value);
}
