import type { Config } from "../../config";
import { withoutUndefined } from "../../lib/defined";
import { moneyToNumber, multiplyMoney, subtractMoney } from "../../lib/money";
import type { CommerceEvent, Item } from "../../model/commerce-event";
import { conversionMoney } from "../conversion-value";
import { orderIdFromTemplate } from "../order-ids";
import { ga4ClientId } from "./client-id";
import { fitBody, MAX_ITEMS, text, withinLimits } from "./limits";
import type { ConsentValue, Ga4Body, Ga4Item, Ga4Params, Ga4Payload } from "./types";

/** GA4 backdates at most 72 h; a minute short of it, so the timestamp is still inside when it lands. */
const MAX_BACKDATE_MS = 72 * 3600_000 - 60_000;

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

const amount = (value: string | undefined) => (value === undefined ? undefined : moneyToNumber(value));

function toGa4Params(event: CommerceEvent, config: Config, joinsSession: boolean): Ga4Params {
  const { order, refund, attribution } = event;
  // A refund carries its purchase's transaction_id: that is how GA4 finds what it reverses.
  const transactionId = orderIdFromTemplate(config.GA4_TRANSACTION_ID, event);
  const money = conversionMoney(event, config);
  if (event.kind === "refund" && refund) {
    // A refund lands days after the visit: it joins no session.
    const partial = !refund.full && refund.items.length > 0;
    return withoutUndefined({
      transaction_id: transactionId,
      value: moneyToNumber(money.value),
      currency: order.currency,
      tax: amount(money.tax),
      shipping: amount(money.shipping),
      items: partial ? refund.items.map(toGa4Item) : undefined,
    });
  }
  // A session belongs to the browser's client id: with a derived one the purchase joins none.
  const sessionId = joinsSession ? attribution.gaSessionId : undefined;
  return withoutUndefined({
    transaction_id: transactionId,
    value: moneyToNumber(money.value),
    currency: order.currency,
    tax: amount(money.tax),
    shipping: amount(money.shipping),
    coupon: order.coupon || undefined,
    items: order.items.map(toGa4Item),
    session_id: sessionId,
    engagement_time_msec: sessionId ? 1 : undefined,
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

/** When the event happened, ISO 8601 in UTC to the second: `occurred_at` when timestamp_micros cannot say it. */
function occurredAtParam(occurredAt: number): string | undefined {
  return Number.isNaN(occurredAt) ? undefined : new Date(occurredAt).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * The Measurement Protocol body for one event. Deterministic: the same event gives the same body.
 * The customer's IP, user agent and (GA4_USER_ID) customer id let GA4 fill geography, device and
 * user for a purchase no browser reported; a customer who refused analytics is sent without them.
 */
export async function toGa4Payload(event: CommerceEvent, config: Config, now: Date): Promise<Ga4Payload> {
  const { clientId, captured } = await ga4ClientId(event);
  const params = toGa4Params(event, config, captured);
  const allItems = Array.isArray(params.items) ? params.items : [];
  if (allItems.length > MAX_ITEMS) params.items = allItems.slice(0, MAX_ITEMS);
  const occurredAt = Date.parse(event.occurredAt);
  const age = now.getTime() - occurredAt;
  const backdated = age >= 0 && age <= MAX_BACKDATE_MS;
  // GA4 files an event it gets without timestamp_micros at its arrival: the true time goes along as a param.
  if (!backdated) params.occurred_at = occurredAtParam(occurredAt) ?? event.occurredAt;
  const allowed = event.consent.analytics !== "denied";
  const client: CommerceEvent["client"] = allowed ? event.client : {};
  const body: Ga4Body = withoutUndefined({
    client_id: clientId,
    user_id: config.GA4_USER_ID === "customer_id" ? client.customerId : undefined,
    timestamp_micros: backdated ? occurredAt * 1000 : undefined,
    user_data: toUserData(event.identity.ga4),
    consent: toConsent(event.consent),
    ip_override: client.ip,
    user_agent: client.userAgent,
    validation_behavior: config.GA4_VALIDATE ? ("ENFORCE_RECOMMENDATIONS" as const) : undefined,
    events: [{ name: event.kind, params: withinLimits(params) }],
  });
  return fitBody(body, allItems.length);
}
