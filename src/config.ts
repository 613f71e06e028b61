import * as z from "zod";
import { outboundUrl } from "./lib/endpoints";
import { parseServiceAccountKey, type ServiceAccountKey } from "./lib/google-service-account";
import { idTemplateProblem } from "./lib/id-template";
import { fail, ok, type Result } from "./lib/result";
import { parseSecretEntries, shopifyShopName, siteHost } from "./lib/shops";

/** Shorter than this, a secret can be guessed, or is a fragment of one that a comma split. */
export const MIN_SECRET_LENGTH = 16;
export const MIN_ADMIN_TOKEN_LENGTH = 32;

/** A secret and the one shop it may speak for (undefined: the source's single-shop setting). */
export type BoundSecret = { secret: string; shop?: string };

/**
 * Comma-separated secrets (several at once so a secret can be rotated), each either alone or
 * as `shop=secret` when one deployment serves several shops. Problems name the entry by its
 * position and length, never by its text.
 */
const secretList = (shopOf: (value: string) => string | undefined, shape: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx): BoundSecret[] => {
      const entries = parseSecretEntries(v);
      entries.forEach((entry, i) => {
        if (entry.shop !== undefined && !shopOf(entry.shop)) {
          ctx.addIssue({ code: "custom", message: `entry ${i + 1}: the part before "=" is not ${shape}` });
        }
        if (entry.secret.length < MIN_SECRET_LENGTH) {
          ctx.addIssue({
            code: "custom",
            message: `entry ${i + 1} is ${entry.secret.length} characters long; a secret needs at least ${MIN_SECRET_LENGTH} (a comma inside a secret splits it in two)`,
          });
        }
      });
      return entries.map((e) => ({
        secret: e.secret,
        shop: e.shop === undefined ? undefined : shopOf(e.shop),
      }));
    });

/** A shop setting: blank is unset; anything else must name a shop of the expected shape. */
const shopSetting = (shopOf: (value: string) => string | undefined, shape: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v?.trim()) return undefined;
      const shop = shopOf(v);
      if (!shop) ctx.addIssue({ code: "custom", message: `must be ${shape}` });
      return shop;
    });

const MYSHOPIFY_SHAPE = "a shop's x.myshopify.com domain";
const SITE_SHAPE = "the store's URL (https://shop.example/)";
const list = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((v) =>
      (v?.trim() ? v : fallback)
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    );
const text = z
  .string()
  .optional()
  .transform((v) => v?.trim() || undefined);
const flag = z
  .string()
  .optional()
  .transform((v) => ["1", "true", "yes", "on"].includes((v ?? "").trim().toLowerCase()));
const positiveInt = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === "") return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n <= 0) {
        ctx.addIssue({ code: "custom", message: "must be a positive integer" });
        return z.NEVER;
      }
      return n;
    });

export const DEFAULT_META_API_VERSION = "v26.0";
/** The longest IDENTIFIER_WAIT_SECONDS: shorter than the sweep's 10 minutes before an event counts as stranded. */
export const MAX_IDENTIFIER_WAIT_SECONDS = 300;

const SOURCE_NAMES = ["shopify", "woocommerce", "magento"] as const;
/** One id template per source (see src/lib/id-template.ts). */
export type IdTemplates = Record<(typeof SOURCE_NAMES)[number], string>;

/**
 * An id template setting. Blank: each source's default (what that platform's standard tag sends
 * for it, docs/attribution.md). One template: every source. `shopify=…,magento=…`: the sources
 * named, the others keep their defaults.
 */
const idTemplates = (defaults: IdTemplates, allowed: readonly string[], identifying: readonly string[]) =>
  z
    .string()
    .optional()
    .transform((v, ctx): IdTemplates => {
      const value = v?.trim();
      if (!value) return defaults;
      if (!value.includes("=")) {
        const problem = idTemplateProblem(value, allowed, identifying);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
        return { shopify: value, woocommerce: value, magento: value };
      }
      const templates = { ...defaults };
      for (const [i, entry] of value.split(",").entries()) {
        const [name, template = "", ...rest] = entry.split("=").map((part) => part.trim());
        const source = SOURCE_NAMES.find((known) => known === name.toLowerCase());
        const problem = !source
          ? `the part before "=" is not ${SOURCE_NAMES.join(", ")}`
          : rest.length
            ? 'a second "="'
            : idTemplateProblem(template, allowed, identifying);
        if (problem) ctx.addIssue({ code: "custom", message: `entry ${i + 1}: ${problem}` });
        else if (source) templates[source] = template;
      }
      return templates;
    });

/** GA4 deduplicates a purchase on transaction_id: the purchase's, refunds included. */
const GA4_ID_PLACEHOLDERS = ["order_id", "order_number"];
/** What the Google tag sends as transaction_id, to GA4 and Google Ads alike (docs/attribution.md). */
const GOOGLE_TAG_TRANSACTION_IDS: IdTemplates = {
  shopify: "{order_id}",
  woocommerce: "{order_number}",
  magento: "{order_number}",
};
/** Meta deduplicates on event_name + event_id; `meta_event_id` is the id a shop's Meta plugin stored. */
const META_ID_PLACEHOLDERS = ["order_id", "order_number", "kind", "meta_event_id"];
/**
 * TikTok, Pinterest, Snapchat, Reddit and Microsoft: the order's own id unless the owner's tag
 * sends another (each destination's README section says what its own tags send).
 */
const ORDER_ID_PLACEHOLDERS = ["order_id", "order_number"];
const ORDER_ID_DEFAULTS: IdTemplates = {
  shopify: "{order_id}",
  woocommerce: "{order_id}",
  magento: "{order_id}",
};

/** An optional URL credentials or alerts are sent to: https, or http to a loopback address. */
const endpoint = text.transform((v, ctx) => {
  if (v === undefined) return undefined;
  const url = outboundUrl(v);
  if (!url.ok) ctx.addIssue({ code: "custom", message: url.reason });
  return url.ok ? url.value.toString() : undefined;
});

/** A Google Ads account id as Data Manager takes it: the 10 digits, without the dashes the UI shows. */
const googleAdsAccountId = text.transform((v, ctx) => {
  const digits = v?.replace(/-/g, "");
  if (digits !== undefined && !/^\d{10}$/.test(digits)) {
    ctx.addIssue({ code: "custom", message: "must be a 10-digit Google Ads customer id (123-456-7890)" });
  }
  return digits;
});

const ConfigSchema = z.object({
  SHOPIFY_WEBHOOK_SECRET: secretList(shopifyShopName, MYSHOPIFY_SHAPE),
  WOOCOMMERCE_WEBHOOK_SECRET: secretList(siteHost, SITE_SHAPE),
  MAGENTO_WEBHOOK_SECRET: secretList(siteHost, SITE_SHAPE),
  /** The one shop of a single-shop deployment, for every secret written without `shop=`. */
  SHOPIFY_SHOP: shopSetting(shopifyShopName, MYSHOPIFY_SHAPE),
  /** The site URL WooCommerce sends as X-WC-Webhook-Source; the shop is its host. */
  WOOCOMMERCE_URL: shopSetting(siteHost, SITE_SHAPE),
  /** The Magento store's URL; the shop is its host. */
  MAGENTO_URL: shopSetting(siteHost, SITE_SHAPE),
  /**
   * How Magento webhooks authenticate, exactly one way: `hmac` (X-Tagrelay-Signature, the
   * default), `header` (X-Tagrelay-Secret), `basic` (the Basic auth password), `rsa` (Adobe
   * Commerce webhooks signed with MAGENTO_PUBLIC_KEY) or `io-events` (Adobe I/O Events).
   */
  MAGENTO_AUTH: z.enum(["hmac", "header", "basic", "rsa", "io-events"]).optional().default("hmac"),
  /** The client id of the owner's Adobe Developer Console project: I/O Events must be addressed to it. */
  MAGENTO_IO_CLIENT_ID: text,
  /** The I/O Events provider id; when set, an event's `source` must be `urn:uuid:<it>`. */
  MAGENTO_IO_PROVIDER_ID: text,
  /** Largest webhook body accepted, in bytes. */
  MAX_BODY_BYTES: positiveInt(1024 * 1024),
  /** How long KV remembers a conversion key; longer than any sender's retry window. */
  DEDUPE_TTL_SECONDS: positiveInt(7 * 24 * 3600),
  /** Which Shopify topics create a purchase: the first to arrive wins. */
  SHOPIFY_PURCHASE_TOPICS: list("orders/create,orders/paid"),
  /** `shop` (the store's currency, the default) or `presentment` (what the customer saw). */
  SHOPIFY_CURRENCY: z.enum(["shop", "presentment"]).optional().default("shop"),
  /**
   * What a conversion's `value` is, for purchases and refunds alike and at every destination: `total`
   * (default: what the customer paid, as the shops' own tags send it), `items` (the items after
   * discounts, Google's definition) or `items-and-shipping`. See README "What value means".
   */
  CONVERSION_VALUE: z.enum(["total", "items", "items-and-shipping"]).optional().default("total"),
  /** WooCommerce order statuses that count as paid: the first webhook in one of them makes the purchase. */
  WOOCOMMERCE_PAID_STATUSES: list("processing,completed"),
  /** Whether a cancelled, refunded-by-status or deleted WooCommerce order that had a purchase becomes a full refund. */
  WOOCOMMERCE_REFUND_ON_CANCEL: z
    .string()
    .optional()
    .transform((v) => !["0", "false", "no", "off"].includes((v ?? "").trim().toLowerCase())),
  /** PEM public key(s) for Adobe I/O Events and Adobe Commerce webhook signatures. */
  MAGENTO_PUBLIC_KEY: text,
  /** Magento order states that count as paid. */
  MAGENTO_PURCHASE_STATES: list("processing,complete"),
  GA4_MEASUREMENT_ID: text,
  GA4_API_SECRET: text,
  GA4_ENDPOINT: text.transform((v) => v ?? "https://www.google-analytics.com/mp/collect"),
  GA4_VALIDATE: flag,
  /** Template of GA4's transaction_id, per source by default: {order_id}, {order_number}. */
  GA4_TRANSACTION_ID: idTemplates(GOOGLE_TAG_TRANSACTION_IDS, GA4_ID_PLACEHOLDERS, GA4_ID_PLACEHOLDERS),
  /** Where GA4's user_id comes from: `off` (default) or `customer_id` (the shop's own customer id). */
  GA4_USER_ID: z.enum(["off", "customer_id"]).optional().default("off"),
  META_PIXEL_ID: text,
  META_ACCESS_TOKEN: text,
  META_API_VERSION: text.transform((v) => v ?? DEFAULT_META_API_VERSION),
  META_ENDPOINT: text.transform((v) => (v ?? "https://graph.facebook.com").replace(/\/+$/, "")),
  META_TEST_EVENT_CODE: text,
  /** Template of Meta's event_id, to match the pixel's eventID, per source by default: {order_id}, {order_number}, {kind}, {meta_event_id}. */
  META_EVENT_ID: idTemplates(
    { shopify: "{order_id}", woocommerce: "{meta_event_id}", magento: "{order_id}" },
    META_ID_PLACEHOLDERS,
    META_ID_PLACEHOLDERS.filter((name) => name !== "kind"),
  ),
  /** `skip` (default: Meta has no refund event) or `custom` (a custom "Refund" event). */
  META_REFUNDS: z.enum(["skip", "custom"]).optional().default("skip"),
  /** A customer who refused marketing: `skip` (default), `ldu` (Limited Data Use) or `send`. See docs/attribution.md. */
  META_CONSENT_POLICY_DENIED: z.enum(["skip", "ldu", "send"]).optional().default("skip"),
  /** No consent captured (most shops): `send` (default; the shop's own privacy settings govern), `ldu` or `skip`. */
  META_CONSENT_POLICY_UNKNOWN: z.enum(["send", "ldu", "skip"]).optional().default("send"),
  /** A customer who refused analytics: `send` (default, with GA4's consent fields DENIED) or `skip`. */
  GA4_CONSENT_POLICY_DENIED: z.enum(["send", "skip"]).optional().default("send"),
  /** `live` (default) sends; `dry-run` builds the exact requests, records them in the ledger and sends nothing. */
  DESTINATIONS_MODE: z.enum(["live", "dry-run"]).optional().default("live"),
  /** Timeout for each outbound call to a destination, in milliseconds. */
  DESTINATION_TIMEOUT_MS: positiveInt(10_000),
  /** Days an event and its ledger rows are kept before the sweep purges them. */
  RETENTION_DAYS: positiveInt(30),
  ADMIN_TOKEN: text.refine((v) => v === undefined || v.length >= MIN_ADMIN_TOKEN_LENGTH, {
    message: `must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters (openssl rand -hex 32)`,
  }),
  /** What happens to the shop's test orders: `skip` (default), `send`, or `debug` (GA4 DebugView, Meta test events only). */
  TEST_ORDERS: z.enum(["skip", "send", "debug"]).optional().default("skip"),

  // Reconciliation and coverage (README "Prove every order arrived"): a source is reconciled once its
  // API credentials are set. WOOCOMMERCE_URL and MAGENTO_URL above also name where its API lives.
  /** An Admin API access token (shpat_…) of the shop's custom app, scope read_orders. */
  SHOPIFY_ADMIN_TOKEN: text,
  /** Or the client id and secret of an app the owner made: the token is fetched by the client-credentials grant. */
  SHOPIFY_CLIENT_ID: text,
  SHOPIFY_CLIENT_SECRET: text,
  /** Override of https://<SHOPIFY_SHOP>/admin/api/<version>/graphql.json, for tests and local runs. */
  SHOPIFY_ADMIN_ENDPOINT: endpoint,
  /** Override of https://<SHOPIFY_SHOP>/admin/oauth/access_token, for tests and local runs. */
  SHOPIFY_TOKEN_ENDPOINT: endpoint,
  /** A WooCommerce REST API key with Read access: ck_… and cs_…, sent as Basic auth over https. */
  WOOCOMMERCE_CONSUMER_KEY: text,
  WOOCOMMERCE_CONSUMER_SECRET: text,
  /** The access token of a Magento integration with the Sales → Orders (and Credit Memos) resources. */
  MAGENTO_API_TOKEN: text,
  /**
   * Orders (and Magento credit memos) one run reads per source, about (a run every 10 minutes; a
   * page costs what it listed, and the last one is not cut short); the rest waits for the next
   * run. 20 keeps a run near Workers Free's 10 ms of CPU (an order costs about what its webhook does).
   */
  RECONCILE_ORDERS_PER_RUN: positiveInt(20),
  /** How far back the first run lists (7 days: Meta takes events up to 7 days old). */
  RECONCILE_LOOKBACK_HOURS: positiveInt(168),
  /** Each listing starts this much before where the previous one ended, for changes the shop saved late. */
  RECONCILE_OVERLAP_MINUTES: positiveInt(15),
  /** Coverage (percent) below which the last complete day raises an alert. */
  COVERAGE_ALERT_THRESHOLD: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === "") return 98;
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0 || n > 100) {
        ctx.addIssue({ code: "custom", message: "must be a percentage from 0 to 100" });
        return z.NEVER;
      }
      return n;
    }),
  /** A Slack-compatible incoming webhook: coverage alerts are posted to it as {"text": …}. */
  ALERT_WEBHOOK_URL: endpoint,

  // TikTok Events API (README "TikTok"): enabled once the pixel code and access token are set.
  TIKTOK_PIXEL_CODE: text,
  TIKTOK_ACCESS_TOKEN: text,
  /** Events API test event code (Events Manager → Test events): events show there, not in reports. */
  TIKTOK_TEST_EVENT_CODE: text,
  TIKTOK_ENDPOINT: text.transform((v) => (v ?? "https://business-api.tiktok.com").replace(/\/+$/, "")),
  /** Template of TikTok's event_id, to match the pixel's: {order_id} (default) or {order_number}. */
  TIKTOK_EVENT_ID: idTemplates(ORDER_ID_DEFAULTS, ORDER_ID_PLACEHOLDERS, ORDER_ID_PLACEHOLDERS),
  /** A customer who refused marketing: `skip` (default), `ldu` (TikTok's limited_data_use) or `send`. */
  TIKTOK_CONSENT_POLICY_DENIED: z.enum(["skip", "ldu", "send"]).optional().default("skip"),
  /** No consent captured: `send` (default), `ldu` or `skip`. */
  TIKTOK_CONSENT_POLICY_UNKNOWN: z.enum(["send", "ldu", "skip"]).optional().default("send"),

  // Pinterest API for Conversions (README "Pinterest"): enabled once the ad account and token are set.
  PINTEREST_AD_ACCOUNT_ID: text,
  /** The conversion access token generated in Ads Manager → Conversions → Conversions API. */
  PINTEREST_ACCESS_TOKEN: text,
  /** `?test=true` on every request: Pinterest validates the events and records none. */
  PINTEREST_TEST: flag,
  PINTEREST_ENDPOINT: text.transform((v) => (v ?? "https://api.pinterest.com").replace(/\/+$/, "")),
  /** Template of Pinterest's event_id, to match the tag's: {order_id} (default) or {order_number}. */
  PINTEREST_EVENT_ID: idTemplates(ORDER_ID_DEFAULTS, ORDER_ID_PLACEHOLDERS, ORDER_ID_PLACEHOLDERS),
  /** A customer who refused marketing: `skip` (default), `ldu` (Pinterest's Limited Data Processing) or `send`. */
  PINTEREST_CONSENT_POLICY_DENIED: z.enum(["skip", "ldu", "send"]).optional().default("skip"),
  /** No consent captured: `send` (default), `ldu` or `skip`. */
  PINTEREST_CONSENT_POLICY_UNKNOWN: z.enum(["send", "ldu", "skip"]).optional().default("send"),
  // Google Ads, through the Data Manager API (README "Google Ads").
  /** The Google Ads account that owns the conversion action: 10 digits, dashes allowed. */
  GOOGLE_ADS_CUSTOMER_ID: googleAdsAccountId,
  /** The conversion action's id (Goals → Conversions → the action → ctId in its URL). */
  GOOGLE_ADS_CONVERSION_ACTION_ID: text.refine((v) => v === undefined || /^\d+$/.test(v), {
    message: "must be the conversion action's numeric id",
  }),
  /** A manager account the service account reaches GOOGLE_ADS_CUSTOMER_ID through; blank when it is a user of that account itself. */
  GOOGLE_ADS_LOGIN_CUSTOMER_ID: googleAdsAccountId,
  /** The service account's JSON key file, whole. Parsed here so a bad paste is named at start-up. */
  GOOGLE_SERVICE_ACCOUNT_KEY: z
    .string()
    .optional()
    .transform((v, ctx): ServiceAccountKey | undefined => {
      if (!v?.trim()) return undefined;
      const key = parseServiceAccountKey(v);
      if (!key.ok) ctx.addIssue({ code: "custom", message: key.reason });
      return key.ok ? key.value : undefined;
    }),
  GOOGLE_ADS_ENDPOINT: endpoint.transform((v) =>
    (v ?? "https://datamanager.googleapis.com").replace(/\/+$/, ""),
  ),
  GOOGLE_TOKEN_ENDPOINT: endpoint.transform((v) => v ?? "https://oauth2.googleapis.com/token"),
  /** Data Manager's validate_only: requests are checked and nothing is recorded. */
  GOOGLE_ADS_VALIDATE_ONLY: flag,
  /** Template of the transaction_id, which must equal the Google tag's: GA4_TRANSACTION_ID's defaults. */
  GOOGLE_ADS_TRANSACTION_ID: idTemplates(
    GOOGLE_TAG_TRANSACTION_IDS,
    GA4_ID_PLACEHOLDERS,
    GA4_ID_PLACEHOLDERS,
  ),
  /** A customer who refused ad consent: `skip` (default) or `send` (with ad_user_data DENIED). */
  GOOGLE_ADS_CONSENT_POLICY_DENIED: z.enum(["skip", "send"]).optional().default("skip"),
  /** No consent captured: `send` (default) or `skip`. */
  GOOGLE_ADS_CONSENT_POLICY_UNKNOWN: z.enum(["send", "skip"]).optional().default("send"),
  // Snapchat Conversions API v3 (README "Snapchat").
  SNAPCHAT_PIXEL_ID: text,
  SNAPCHAT_ACCESS_TOKEN: text,
  SNAPCHAT_ENDPOINT: text.transform((v) => (v ?? "https://tr.snapchat.com").replace(/\/+$/, "")),
  /** Template of Snap's event_id, which the Snap Pixel's PURCHASE sends as its transaction_id: {order_id}, {order_number}. */
  SNAPCHAT_EVENT_ID: idTemplates(ORDER_ID_DEFAULTS, ORDER_ID_PLACEHOLDERS, ORDER_ID_PLACEHOLDERS),
  /** Send to Snap's Test Event Tool (`/events/validate`): checked and shown in Events Manager, never counted. */
  SNAPCHAT_TEST: flag,
  SNAPCHAT_CONSENT_POLICY_DENIED: z.enum(["skip", "send"]).optional().default("skip"),
  SNAPCHAT_CONSENT_POLICY_UNKNOWN: z.enum(["send", "skip"]).optional().default("send"),

  // Reddit Conversions API v3 (README "Reddit").
  REDDIT_PIXEL_ID: text,
  REDDIT_ACCESS_TOKEN: text,
  REDDIT_ENDPOINT: text.transform((v) => (v ?? "https://ads-api.reddit.com").replace(/\/+$/, "")),
  /** Template of Reddit's conversion_id, which the Reddit Pixel sends as conversionId: {order_id}, {order_number}. */
  REDDIT_EVENT_ID: idTemplates(ORDER_ID_DEFAULTS, ORDER_ID_PLACEHOLDERS, ORDER_ID_PLACEHOLDERS),
  /** The test id Events Manager shows: events carry it as `test_id` and land in its test view only. */
  REDDIT_TEST_ID: text,
  /** `skip` (default), `ldu` (Reddit's Limited Data Use mode) or `send`. */
  REDDIT_CONSENT_POLICY_DENIED: z.enum(["skip", "ldu", "send"]).optional().default("skip"),
  REDDIT_CONSENT_POLICY_UNKNOWN: z.enum(["send", "ldu", "skip"]).optional().default("send"),

  // Microsoft Advertising UET Conversions API (README "Microsoft Advertising"; pilot access).
  MICROSOFT_UET_TAG_ID: text,
  MICROSOFT_UET_ACCESS_TOKEN: text,
  MICROSOFT_UET_ENDPOINT: text.transform((v) => (v ?? "https://capi.uet.microsoft.com").replace(/\/+$/, "")),
  /** Template of the UET event's eventId, to match the UET tag's event id: {order_id}, {order_number}. */
  MICROSOFT_EVENT_ID: idTemplates(ORDER_ID_DEFAULTS, ORDER_ID_PLACEHOLDERS, ORDER_ID_PLACEHOLDERS),
  MICROSOFT_CONSENT_POLICY_DENIED: z.enum(["skip", "send"]).optional().default("skip"),
  MICROSOFT_CONSENT_POLICY_UNKNOWN: z.enum(["send", "skip"]).optional().default("send"),
  /**
   * How long a purchase waits before its first delivery, for the identifiers its buyer's browser posts
   * to /collect (the checkout pixel), when its shop has used the pixel in the last day and nothing was
   * posted for it yet; 0 turns the wait off. The Queue's own delay; at most 300 s, well inside the
   * sweep's 10 minutes before it takes an event as stranded.
   */
  IDENTIFIER_WAIT_SECONDS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === "") return 60;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > MAX_IDENTIFIER_WAIT_SECONDS) {
        ctx.addIssue({
          code: "custom",
          message: `must be a whole number of seconds from 0 to ${MAX_IDENTIFIER_WAIT_SECONDS}`,
        });
        return z.NEVER;
      }
      return n;
    }),
});

export type Config = z.infer<typeof ConfigSchema>;
/** The settings, or every problem found in them (one line per setting). */
export type ConfigResult = Result<Config, string[]>;

/**
 * What loadConfig reads: the Worker's `Env`, or any part of its settings. Every setting is optional
 * at runtime; `Pick` fails to compile if a setting here is missing from Env (`npm run types`).
 */
export type Settings = Partial<Pick<Env, keyof typeof ConfigSchema.shape>>;

const cache = new WeakMap<object, ConfigResult>();

/** Parses the Worker's env once per isolate (env objects are stable between requests). */
export function loadConfig(env: Settings): ConfigResult {
  const cached = cache.get(env);
  if (cached) return cached;
  // A setting left empty ("") means unset, whatever its type.
  const settings = Object.fromEntries(
    Object.entries(env).filter(([, value]) => !(typeof value === "string" && value.trim() === "")),
  );
  const parsed = ConfigSchema.safeParse(settings);
  const result: ConfigResult = parsed.success
    ? ok(parsed.data)
    : fail(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  cache.set(env, result);
  return result;
}

/**
 * ADMIN_TOKEN read on its own, so the admin can still sign its owner in while other settings are
 * invalid and show what is wrong; undefined when it is unset or invalid itself.
 */
export function adminTokenOf(env: Settings): string | undefined {
  const parsed = ConfigSchema.shape.ADMIN_TOKEN.safeParse(env.ADMIN_TOKEN?.trim() || undefined);
  return parsed.success ? parsed.data : undefined;
}

export function ga4Enabled(config: Config): boolean {
  return Boolean(config.GA4_MEASUREMENT_ID && config.GA4_API_SECRET);
}

export function metaEnabled(config: Config): boolean {
  return Boolean(config.META_PIXEL_ID && config.META_ACCESS_TOKEN);
}

/** The Hono environment of every route: the bindings, and the settings parsed once per request. */
export type AppEnv = {
  Bindings: Env;
  Variables: {
    /** The Worker's settings, parsed by the app's first middleware (src/app.ts). */
    settings: ConfigResult;
    /** Under /admin only: the sources whose settings are complete (src/app.ts), for the source filter. */
    readySources?: string[];
    /** Under /admin only: the checkout pixel and the WooCommerce snippet to paste (src/app.ts), for /admin/pixel. */
    collectScripts?: { shopify: string; woocommerce: string };
  };
};
