import type { Config } from "../../config";
import { toBase64 } from "../../lib/crypto";
import { decodeUtf8, parseJsonLossless } from "../../lib/json";
import { logError } from "../../lib/log";
import { siteHost } from "../../lib/shops";
import {
  bindingProblem,
  bindSecrets,
  boundShop,
  shopBindingHint,
  shopsSigning,
  shopsWithSecret,
} from "../bindings";
import {
  invalid,
  type RefusalReason,
  type SourceVerdict,
  schemaProblem,
  unauthorized,
  type WebhookMeta,
  type WebhookSource,
} from "../types";
import { ioEventsEnabled } from "./challenge";
import { ioEventEntity, ioEventRecipient, keyedEntity, type MagentoEntity } from "./envelope";
import { atStore, magentoCreditMemoEvents, magentoOrderPurchase } from "./order-events";
import { MagentoOrder } from "./schema";
import { adobeEventsKey, basicPassword, configuredKeys, pemBlocks, verifyRsaSignatures } from "./signatures";

type Mode = Config["MAGENTO_AUTH"];

// Adobe Commerce webhooks run inside checkout; any answer but this one can stop the order.
const COMMERCE_SUCCESS = { op: "success" };

/** The header each mode authenticates with: exactly one, so a sender cannot pick the weakest check. */
const CREDENTIAL: Record<Mode, string> = {
  hmac: "x-tagrelay-signature",
  header: "x-tagrelay-secret",
  basic: "authorization",
  rsa: "x-adobe-commerce-webhook-signature",
  "io-events": "x-adobe-digital-signature-1",
};

const isIoEvent = (headers: Headers) =>
  headers.has("x-adobe-digital-signature-1") || headers.has("x-adobe-digital-signature-2");

const SETTINGS = { secret: "MAGENTO_WEBHOOK_SECRET", shop: "MAGENTO_URL" };
const secretBindings = (config: Config) =>
  bindSecrets(config.MAGENTO_WEBHOOK_SECRET, config.MAGENTO_URL, SETTINGS);

function setupProblem(config: Config): string | undefined {
  const mode = config.MAGENTO_AUTH;
  if (mode === "hmac" || mode === "header" || mode === "basic") return bindingProblem(secretBindings(config));
  if (mode === "rsa" && pemBlocks(config.MAGENTO_PUBLIC_KEY).length === 0) {
    return "set MAGENTO_PUBLIC_KEY (the PEM public key of the store's webhook signing key)";
  }
  if (mode === "io-events" && !config.MAGENTO_IO_CLIENT_ID) {
    return "set MAGENTO_IO_CLIENT_ID (the client id of your Adobe Developer Console project)";
  }
  return config.MAGENTO_URL ? undefined : "set MAGENTO_URL";
}

/** What a refused credential asks the owner to check (the log and /admin say it; the reply never does). */
const HINTS = {
  ioEventsOff:
    "to receive Adobe I/O Events, set MAGENTO_AUTH=io-events and MAGENTO_IO_CLIENT_ID (docs/magento.md)",
  otherCredential:
    "check MAGENTO_AUTH: it must name the one way the store's module or Adobe Commerce authenticates (docs/magento.md)",
  secret:
    "check MAGENTO_WEBHOOK_SECRET: the secret configured in the store's webhook module (docs/magento.md)",
  publicKey:
    "check MAGENTO_PUBLIC_KEY: the public key of the digital signature set under Stores > Settings > Configuration > Adobe Services > Webhooks (docs/magento.md)",
  ioEvents:
    "check MAGENTO_PUBLIC_KEY (when set): I/O Events must be signed by Adobe's key or the one pinned there",
  foreignIoEvent:
    "check MAGENTO_IO_CLIENT_ID and MAGENTO_IO_PROVIDER_ID: this event is addressed to another Developer Console project or provider",
  storeShop: "check MAGENTO_URL: X-Tagrelay-Shop must name the store it names",
};

/** Adobe I/O Events sign with one key pair for every customer: they are only ever let in on purpose. */
function screen(headers: Headers, config: Config): SourceVerdict | undefined {
  const mode = config.MAGENTO_AUTH;
  const unverified = { topic: mode, shop: siteHost(headers.get("x-tagrelay-shop")) };
  if (isIoEvent(headers) && !ioEventsEnabled(config)) {
    return unauthorized(
      "Adobe I/O Events are not enabled: MAGENTO_AUTH=io-events and MAGENTO_IO_CLIENT_ID",
      unverified,
      HINTS.ioEventsOff,
    );
  }
  const credential = mode === "io-events" ? isIoEvent(headers) : headers.has(CREDENTIAL[mode]);
  if (!credential) {
    return unauthorized(
      `MAGENTO_AUTH=${mode} expects the ${CREDENTIAL[mode]} header`,
      unverified,
      HINTS.otherCredential,
    );
  }
  return undefined;
}

type Auth = { ok: true; shops: Set<string> } | { ok: false; verdict: SourceVerdict };

const refused = (detail: string, hint?: string): Auth => ({
  ok: false,
  verdict: unauthorized(detail, {}, hint),
});
const storeShop = (config: Config, valid: boolean, detail: string, hint?: string): Auth =>
  valid && config.MAGENTO_URL ? { ok: true, shops: new Set([config.MAGENTO_URL]) } : refused(detail, hint);

async function authenticateIoEvent(headers: Headers, bytes: Uint8Array, config: Config): Promise<Auth> {
  const signatures = [headers.get("x-adobe-digital-signature-1"), headers.get("x-adobe-digital-signature-2")];
  if (config.MAGENTO_PUBLIC_KEY) {
    const keys = await configuredKeys(config.MAGENTO_PUBLIC_KEY);
    return storeShop(
      config,
      await verifyRsaSignatures([bytes], signatures, keys),
      "invalid I/O Events signature",
      HINTS.ioEvents,
    );
  }
  const fetched = await Promise.all(
    [headers.get("x-adobe-public-key1-path"), headers.get("x-adobe-public-key2-path")].map((p) =>
      adobeEventsKey(p),
    ),
  );
  for (const [i, key] of fetched.entries()) {
    if (key.ok && (await verifyRsaSignatures([bytes], [signatures[i]], [key.key]))) {
      return storeShop(config, true, "");
    }
  }
  if (fetched.some((k) => !k.ok && k.reason === "unavailable")) {
    logError("adobe i/o events key unavailable", { source: "magento", route: "io-events" });
    return {
      ok: false,
      verdict: { outcome: "rejected", reason: "signing key unavailable" },
    };
  }
  return refused("invalid I/O Events signature", HINTS.ioEvents);
}

async function authenticate(headers: Headers, bytes: Uint8Array, config: Config): Promise<Auth> {
  const mode = config.MAGENTO_AUTH;
  if (mode === "io-events") return authenticateIoEvent(headers, bytes, config);
  if (mode === "rsa") {
    const keys = await configuredKeys(config.MAGENTO_PUBLIC_KEY);
    // Adobe's verification examples check the signature over the base64 of the body; accepting
    // the raw body as well costs nothing, since both need the store's private key.
    const signed = await verifyRsaSignatures(
      [bytes, new TextEncoder().encode(toBase64(bytes))],
      [headers.get("x-adobe-commerce-webhook-signature")],
      keys,
    );
    return storeShop(config, signed, "signature does not match MAGENTO_PUBLIC_KEY", HINTS.publicKey);
  }
  const bound = secretBindings(config);
  if (!bound.ok) return refused(bound.fix, bound.fix);
  const given = headers.get(CREDENTIAL[mode])?.trim() ?? "";
  const shops =
    mode === "hmac"
      ? await shopsSigning(bytes, given, bound.bindings)
      : shopsWithSecret((mode === "basic" ? basicPassword(given) : given) ?? "", bound.bindings);
  return shops.size
    ? { ok: true, shops }
    : refused(`${CREDENTIAL[mode]} does not match MAGENTO_WEBHOOK_SECRET`, HINTS.secret);
}

/**
 * Adobe I/O Events: the event must be addressed to the owner's own console project (anyone
 * can register a project, and Adobe signs every project's events with the same key), and come
 * from the owner's provider when MAGENTO_IO_PROVIDER_ID names one.
 */
function foreignIoEvent(body: unknown, config: Config): string | undefined {
  const { recipient, provider } = ioEventRecipient(body);
  if (recipient !== config.MAGENTO_IO_CLIENT_ID) return "recipient_client_id is not MAGENTO_IO_CLIENT_ID";
  const expected = config.MAGENTO_IO_PROVIDER_ID;
  if (expected && provider !== `urn:uuid:${expected}`) return "source is not MAGENTO_IO_PROVIDER_ID";
  return undefined;
}

async function normalizeMagento(
  entity: MagentoEntity,
  shop: string,
  config: Config,
): Promise<{ ok: true; verdict: SourceVerdict } | { ok: false; detail: string }> {
  const meta = { topic: entity.topic, shop };
  if (entity.kind === "creditmemo") {
    const events = magentoCreditMemoEvents(entity.value, shop);
    if (!events.ok) return { ok: false, detail: events.reason };
    return { ok: true, verdict: { outcome: "events", events: events.value, ...meta } };
  }
  const order = MagentoOrder.safeParse(entity.value);
  if (!order.success) return { ok: false, detail: schemaProblem(order.error) };
  const made = await magentoOrderPurchase(order.data, shop, config);
  if ("notPurchase" in made) {
    return {
      ok: true,
      verdict: {
        outcome: "ignored",
        reason: "order state is not a purchase",
        detail: made.notPurchase,
        ...meta,
      },
    };
  }
  return {
    ok: true,
    verdict: { outcome: "events", events: atStore([{ event: made.purchase }], shop), ...meta },
  };
}

function deliveryIdOf(headers: Headers, body: unknown): string | undefined {
  const fromBody = (body as { event_id?: unknown } | null)?.event_id;
  const id = headers.get("x-adobe-event-id")?.trim() || (typeof fromBody === "string" ? fromBody : "");
  return id.slice(0, 200) || undefined;
}

export const magento: WebhookSource = {
  name: "magento",
  setupProblem,
  screen,
  async handle({ headers, bytes }, config): Promise<SourceVerdict> {
    const mode = config.MAGENTO_AUTH;
    const claimedHeader = headers.get("x-tagrelay-shop");
    const unverified: WebhookMeta = { topic: mode, shop: siteHost(claimedHeader) };
    const auth = await authenticate(headers, bytes, config);
    if (!auth.ok) return { ...auth.verdict, ...unverified };

    const reply = mode === "rsa" ? COMMERCE_SUCCESS : undefined;
    // A signed Commerce webhook is never refused: a 4xx on a required hook would stop the checkout.
    const refuse = (reason: RefusalReason, detail: string, meta: WebhookMeta): SourceVerdict =>
      reply ? { outcome: "ignored", reason, detail, reply, ...meta } : invalid(reason, detail, meta);

    // The shop header is not signed: it may only pick among the shops the credential is bound to.
    const claimed = claimedHeader === null ? undefined : (siteHost(claimedHeader) ?? "");
    const shop = boundShop(claimed, auth.shops);
    if (!shop) {
      return unauthorized(
        "X-Tagrelay-Shop is not a shop bound to this credential",
        unverified,
        mode === "rsa" || mode === "io-events" ? HINTS.storeShop : shopBindingHint(SETTINGS),
      );
    }

    const decoded = decodeUtf8(bytes);
    if (!decoded.ok) return refuse("malformed payload", "body is not valid UTF-8", { topic: mode, shop });
    const parsed = parseJsonLossless(decoded.text);
    if (!parsed.ok) return refuse("malformed payload", parsed.reason, { topic: mode, shop });
    const body = parsed.value;
    const deliveryId = deliveryIdOf(headers, body);
    if (mode === "io-events") {
      const foreign = foreignIoEvent(body, config);
      if (foreign) return unauthorized(foreign, { topic: mode, shop, deliveryId }, HINTS.foreignIoEvent);
    }
    const entity = (mode === "io-events" ? ioEventEntity(body) : undefined) ?? keyedEntity(body, mode);
    if (!entity) {
      return {
        outcome: "ignored",
        reason: "no conversion in this webhook",
        detail: "no order or credit memo",
        reply,
        topic: mode,
        shop,
        deliveryId,
      };
    }
    const normalized = await normalizeMagento(entity, shop, config);
    if (!normalized.ok)
      return refuse("invalid payload", normalized.detail, { topic: entity.topic, shop, deliveryId });
    return { ...normalized.verdict, reply, deliveryId } as SourceVerdict;
  },
};
