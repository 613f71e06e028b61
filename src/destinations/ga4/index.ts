import { z } from "zod";
import { type Config, ga4Enabled } from "../../config";
import { sha256Hex } from "../../lib/crypto";
import { withoutUndefined } from "../../lib/defined";
import { logError } from "../../lib/log";
import { moneyToNumber, multiplyMoney, subtractMoney } from "../../lib/money";
import type { CommerceEvent, Item } from "../../model/commerce-event";
import type { DeliveryOutcome } from "../../model/statuses";
import { ga4ConsentDecision } from "../consent";
import {
  type HttpAnswer,
  liveTransport,
  retryableStatusOutcome,
  type Transport,
  unansweredOutcome,
  withoutUrls,
} from "../http";
import { testOrderPolicy } from "../test-orders";
import type { Destination } from "../types";

// Measurement Protocol limits ("Send Measurement Protocol events", Limitations; items: "Measure ecommerce").
const MAX_PARAMS = 25;
const MAX_PARAM_NAME = 40;
const MAX_PARAM_VALUE = 100;
const MAX_ITEMS = 200;
const MAX_BODY_BYTES = 130_000;
/** GA4 backdates at most 72 h; a minute short of it, so the timestamp is still inside when it lands. */
const MAX_BACKDATE_MS = 72 * 3600_000 - 60_000;
/** A Worker may hold six outgoing connections open at once. */
const CONCURRENCY = 6;

type Ga4Item = Record<string, string | number>;
type Ga4Params = Record<string, string | number | Ga4Item[]>;
type ConsentValue = "GRANTED" | "DENIED";

export type Ga4Body = {
  client_id: string;
  timestamp_micros?: number;
  user_data?: {
    sha256_email_address?: string[];
    sha256_phone_number?: string[];
    address?: Array<{
      sha256_first_name?: string;
      sha256_last_name?: string;
      sha256_street?: string;
      country?: string;
    }>;
  };
  consent?: { ad_user_data?: ConsentValue; ad_personalization?: ConsentValue };
  events: Array<{ name: "purchase" | "refund"; params: Ga4Params }>;
};

/** The body to send, and a note when items had to be left out to fit GA4's limits. */
export type Ga4Payload = { body: Ga4Body; note?: string };

function text(value: string): string {
  return value.slice(0, MAX_PARAM_VALUE);
}

/** Rounded to 6 places: a float division leaves noise past the cents (10/3 → 3.3333333333333335). */
function perUnit(lineAmount: string, quantity: number): number {
  return Math.round((moneyToNumber(lineAmount) / quantity) * 1e6) / 1e6;
}

/**
 * GA4 wants the discounted unit price in `price` and the unit discount in `discount`.
 * item_id is the SKU when the shop has one (what product feeds and the web tag use), else the platform id.
 */
function toGa4Item(item: Item): Ga4Item {
  const lineDiscount = item.discount ?? "0";
  const units = Math.max(item.quantity, 1);
  const discount = perUnit(lineDiscount, units);
  return withoutUndefined({
    item_id: text(item.sku || item.id),
    item_name: item.name && text(item.name),
    item_variant: item.variant && text(item.variant),
    item_brand: item.brand && text(item.brand),
    price: perUnit(subtractMoney(multiplyMoney(item.price, units), lineDiscount), units),
    discount: discount > 0 ? discount : undefined,
    quantity: item.quantity,
  });
}

function withinLimits(params: Ga4Params): Ga4Params {
  const kept = Object.entries(params)
    .filter(([name]) => name.length <= MAX_PARAM_NAME)
    .slice(0, MAX_PARAMS)
    .map(([name, value]) => [name, typeof value === "string" ? text(value) : value]);
  return Object.fromEntries(kept);
}

function toGa4Params(event: CommerceEvent): Ga4Params {
  const { order, refund, attribution } = event;
  const transactionId = order.id || event.id;
  if (event.kind === "refund" && refund) {
    // A refund lands days after the visit: it joins no session.
    const partial = !refund.full && refund.items.length > 0;
    return withoutUndefined({
      transaction_id: transactionId,
      value: moneyToNumber(refund.value),
      currency: order.currency,
      items: partial ? refund.items.map(toGa4Item) : undefined,
    });
  }
  return withoutUndefined({
    transaction_id: transactionId,
    value: moneyToNumber(order.value),
    currency: order.currency,
    tax: moneyToNumber(order.tax),
    shipping: moneyToNumber(order.shipping),
    coupon: order.coupon || undefined,
    items: order.items.map(toGa4Item),
    session_id: attribution.gaSessionId,
    engagement_time_msec: attribution.gaSessionId ? 1 : undefined,
  });
}

function toUserData(identity: CommerceEvent["identity"]["ga4"]): Ga4Body["user_data"] {
  const address = withoutUndefined({
    sha256_first_name: identity.firstName,
    sha256_last_name: identity.lastName,
    sha256_street: identity.street,
    country: identity.country,
  });
  const userData = withoutUndefined({
    sha256_email_address: identity.email ? [identity.email] : undefined,
    sha256_phone_number: identity.phone ? [identity.phone] : undefined,
    address: Object.keys(address).length > 0 ? [address] : undefined,
  });
  return Object.keys(userData).length > 0 ? userData : undefined;
}

function toConsent(consent: CommerceEvent["consent"]): Ga4Body["consent"] {
  const upper = (state?: "granted" | "denied") => state && (state.toUpperCase() as ConsentValue);
  // Someone who refused analytics gave no ad consent either, unless they said so explicitly.
  const refused = consent.analytics === "denied" ? "denied" : undefined;
  const result = withoutUndefined({
    ad_user_data: upper(consent.adUserData ?? refused),
    ad_personalization: upper(consent.adPersonalization ?? refused),
  });
  return Object.keys(result).length > 0 ? result : undefined;
}

/**
 * The order's own client id, or one derived from the order so that every retry of the same
 * conversion reports the same "user": "<10 digits>.<10 digits>" like a gtag client id.
 */
export async function ga4ClientId(event: CommerceEvent): Promise<string> {
  if (event.attribution.gaClientId) return event.attribution.gaClientId;
  const hex = await sha256Hex(`${event.source}:${event.shop}:${event.order.id}`);
  const part = (at: number) =>
    String(1_000_000_000 + (Number.parseInt(hex.slice(at, at + 12), 16) % 9_000_000_000));
  return `${part(0)}.${part(12)}`;
}

function byteLength(body: Ga4Body): number {
  return new TextEncoder().encode(JSON.stringify(body)).length;
}

/** Drops trailing items until the body is under 130 kB; the conversion itself still counts. */
function fitBody(body: Ga4Body, totalItems: number): Ga4Payload {
  const params = body.events[0].params;
  const items = Array.isArray(params.items) ? params.items : [];
  const withItems = (n: number): Ga4Body => ({
    ...body,
    events: [{ ...body.events[0], params: { ...params, items: items.slice(0, n) } }],
  });
  let fitted = body;
  if (byteLength(body) > MAX_BODY_BYTES) {
    let [low, high] = [0, items.length];
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (byteLength(withItems(mid)) <= MAX_BODY_BYTES) low = mid;
      else high = mid - 1;
    }
    fitted = withItems(low);
  }
  const sent = (fitted.events[0].params.items as Ga4Item[] | undefined)?.length ?? 0;
  if (sent === totalItems) return { body: fitted };
  const limit = sent < Math.min(totalItems, MAX_ITEMS) ? "130 kB body limit" : `GA4 takes ${MAX_ITEMS}`;
  return { body: fitted, note: `sent ${sent} of ${totalItems} items (${limit})` };
}

/** The Measurement Protocol body for one event. Deterministic: the same event gives the same body. */
export async function toGa4Payload(event: CommerceEvent, _config: Config, now: Date): Promise<Ga4Payload> {
  const params = toGa4Params(event);
  const allItems = Array.isArray(params.items) ? params.items : [];
  if (allItems.length > MAX_ITEMS) params.items = allItems.slice(0, MAX_ITEMS);
  const occurredAt = Date.parse(event.occurredAt);
  const age = now.getTime() - occurredAt;
  const body: Ga4Body = withoutUndefined({
    client_id: await ga4ClientId(event),
    timestamp_micros: age >= 0 && age <= MAX_BACKDATE_MS ? occurredAt * 1000 : undefined,
    user_data: toUserData(event.identity.ga4),
    consent: toConsent(event.consent),
    events: [{ name: event.kind, params: withinLimits(params) }],
  });
  return fitBody(body, allItems.length);
}

const DebugAnswer = z.object({
  validationMessages: z
    .array(z.object({ fieldPath: z.string().optional(), description: z.string().optional() }))
    .default([]),
});

/**
 * 2xx from /mp/collect only means "received": the Measurement Protocol answers 2xx even to
 * malformed events. Only /debug/mp/collect (GA4_VALIDATE) says whether an event is valid.
 */
export function classifyGa4Response(answer: HttpAnswer, now: Date, validate = false): DeliveryOutcome {
  if (answer.kind !== "response") return unansweredOutcome(answer);
  const retryable = retryableStatusOutcome(answer, now);
  if (retryable) return retryable;
  const { status } = answer;
  if (status < 200 || status >= 300)
    return { status: "failed", httpStatus: status, reason: `HTTP ${status}` };
  if (!validate) return { status: "sent", httpStatus: status };
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body);
  } catch {
    return { status: "sent", httpStatus: status, reason: "validation answer unreadable" };
  }
  const debug = DebugAnswer.safeParse(parsed);
  if (!debug.success) return { status: "sent", httpStatus: status, reason: "validation answer unreadable" };
  const messages = debug.data.validationMessages;
  if (messages.length === 0) return { status: "sent", httpStatus: status, reason: "validated" };
  const reason = messages.map((m) => [m.fieldPath, m.description].filter(Boolean).join(": ")).join("; ");
  return { status: "failed", httpStatus: status, reason: `GA4 validation: ${reason}`.slice(0, 500) };
}

function collectUrl(config: Config): string | undefined {
  try {
    const url = new URL(config.GA4_ENDPOINT);
    if (config.GA4_VALIDATE) url.pathname = url.pathname.replace(/\/mp\/collect\/?$/, "/debug/mp/collect");
    url.searchParams.set("measurement_id", config.GA4_MEASUREMENT_ID ?? "");
    url.searchParams.set("api_secret", config.GA4_API_SECRET ?? "");
    return url.toString();
  } catch {
    return undefined;
  }
}

async function deliverOne(
  event: CommerceEvent,
  config: Config,
  now: Date,
  transport: Transport,
): Promise<DeliveryOutcome> {
  const url = collectUrl(config);
  if (!url) return { status: "failed", reason: "GA4_ENDPOINT is not a valid URL" };
  const policy = testOrderPolicy(event, "ga4", config);
  if (!policy.send) return { status: "skipped", reason: policy.reason };
  const consent = ga4ConsentDecision(event.consent, config);
  if (consent.action === "skip") return { status: "skipped", reason: consent.reason };
  const { body, note } = await toGa4Payload(event, config, now);
  // debug_mode routes the hit to DebugView and keeps it out of the reports.
  if (policy.debug) body.events[0].params.debug_mode = 1;
  const request = { destination: "ga4" as const, url, body, eventIds: [event.id] };
  const answer = await transport(request, config.DESTINATION_TIMEOUT_MS);
  const outcome = classifyGa4Response(answer, now, config.GA4_VALIDATE);
  if (outcome.status !== "sent" || !note) return outcome;
  return { ...outcome, reason: outcome.reason ? `${outcome.reason}; ${note}` : note };
}

/** One request per event: client_id is per request and each order has its own. */
export const ga4: Destination = {
  name: "ga4",
  enabled: ga4Enabled,
  async deliver(events, config, now, transport = liveTransport) {
    const outcomes = new Map<string, DeliveryOutcome>();
    // An event that cannot even be built fails alone: its neighbours may already be sent.
    for (let i = 0; i < events.length; i += CONCURRENCY) {
      const batch = events.slice(i, i + CONCURRENCY);
      const results = await Promise.all(
        batch.map((event) =>
          deliverOne(event, config, now, transport).catch((error: unknown): DeliveryOutcome => {
            const reason = `unexpected: ${withoutUrls(error instanceof Error ? error.message : String(error))}`;
            logError("ga4 delivery failed unexpectedly", { destination: "ga4", eventId: event.id, reason });
            return { status: "failed", reason };
          }),
        ),
      );
      for (const [j, event] of batch.entries()) outcomes.set(event.id, results[j]);
    }
    return outcomes;
  },
};
