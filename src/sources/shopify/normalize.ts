import type { Config } from "../../config";
import { compareMoney, money, multiplyMoney, subtractMoney, sumMoney } from "../../lib/money";
import { type CommerceEvent, eventId, type Item } from "../../model/commerce-event";
import { clientOf } from "../client";
import { hashIdentity } from "../identity";
import type { NormalizedEvent } from "../types";
import { shopifyAttribution } from "./attribution";
import type { ShopifyLineItem, ShopifyOrder, ShopifyRefund } from "./schema";

type Currency = Config["SHOPIFY_CURRENCY"];
type MoneySet = { shop_money: { amount: string }; presentment_money: { amount: string } } | null | undefined;
type MoneySetWithCode = ShopifyLineItem["price_set"];

/** The amount in the configured currency: the `_set` when present, else the plain (shop currency) field. */
function pick(set: MoneySet, plain: string | null | undefined, currency: Currency): string {
  if (set) return money(currency === "presentment" ? set.presentment_money.amount : set.shop_money.amount);
  return money(plain);
}

function orderCurrency(order: ShopifyOrder, currency: Currency): string {
  return currency === "presentment" ? (order.presentment_currency ?? order.currency) : order.currency;
}

function channelOf(order: ShopifyOrder): CommerceEvent["channel"] {
  switch (order.source_name) {
    case "web":
      return "web";
    case "pos":
      return "pos";
    case "shopify_draft_order":
      return "draft";
    default:
      return "other";
  }
}

function toItem(line: ShopifyLineItem, currency: Currency, quantity = line.quantity): Item {
  const allocations = line.discount_allocations ?? [];
  const discount = allocations.length
    ? sumMoney(allocations.map((a) => pick(a.amount_set, a.amount, currency)))
    : pick(line.total_discount_set, line.total_discount, currency);
  return {
    id: line.product_id ?? line.id,
    sku: line.sku || undefined,
    name: (line.title ?? line.name) || undefined,
    variant: line.variant_title || undefined,
    brand: line.vendor || undefined,
    price: pick(line.price_set, line.price, currency),
    quantity,
    discount: discount === "0.00" ? undefined : discount,
  };
}

async function baseOf(order: ShopifyOrder, shop: string, config: Config) {
  const currency = config.SHOPIFY_CURRENCY;
  const billing = order.billing_address;
  const identity = await hashIdentity({
    email: order.email ?? order.contact_email ?? order.customer?.email,
    phone: order.phone ?? billing?.phone ?? order.customer?.phone,
    firstName: billing?.first_name ?? order.customer?.first_name,
    lastName: billing?.last_name ?? order.customer?.last_name,
    street: billing?.address1,
    city: billing?.city,
    region: billing?.province_code ?? billing?.province,
    postalCode: billing?.zip,
    country: billing?.country_code ?? billing?.country,
    externalId: order.customer?.id,
  });
  const codes = (order.discount_codes ?? []).map((d) => d.code).filter(Boolean);
  return {
    source: "shopify" as const,
    shop,
    test: order.test,
    channel: channelOf(order),
    order: {
      id: order.id,
      number: order.name ?? order.order_number ?? undefined,
      currency: orderCurrency(order, currency),
      value: pick(order.total_price_set, order.total_price, currency),
      tax: pick(order.total_tax_set, order.total_tax, currency),
      shipping: pick(order.total_shipping_price_set, "0", currency),
      discount: pick(order.total_discounts_set, order.total_discounts, currency),
      coupon: codes.length ? codes.join(",") : undefined,
      items: order.line_items.map((line) => toItem(line, currency)),
    },
    identity,
    client: clientOf(config, {
      ip: order.client_details?.browser_ip ?? order.browser_ip,
      userAgent: order.client_details?.user_agent,
      customerId: order.customer?.id,
    }),
    ...shopifyAttribution(order, shop),
  };
}

export async function shopifyPurchase(
  order: ShopifyOrder,
  shop: string,
  config: Config,
): Promise<CommerceEvent> {
  return {
    id: eventId("shopify", shop, "purchase", order.id),
    kind: "purchase",
    occurredAt: order.created_at,
    ...(await baseOf(order, shop, config)),
  };
}

/**
 * A refund's value is the money that went back to the customer: its successful refund
 * transactions. A refund without transactions (a restock, a store credit) is valued by its
 * lines, their tax and the refunded shipping.
 */
function refundValue(refund: ShopifyRefund, currency: Currency): string {
  const paid = (refund.transactions ?? []).filter((t) => t.kind === "refund" && t.status === "success");
  if (paid.length) return sumMoney(paid.map((t) => t.amount));
  const lines = refund.refund_line_items ?? [];
  return sumMoney([
    ...lines.map((l) => pick(l.subtotal_set, l.subtotal, currency)),
    ...lines.map((l) => pick(l.total_tax_set, l.total_tax, currency)),
    ...(refund.refund_shipping_lines ?? []).flatMap((s) => [
      pick(s.subtotal_amount_set, "0", currency),
      pick(s.total_tax_amount_set, "0", currency),
    ]),
  ]);
}

function currencyOf(set: MoneySetWithCode, currency: Currency): string | undefined {
  return currency === "presentment" ? set?.presentment_money.currency_code : set?.shop_money.currency_code;
}

/**
 * From the refund's own amounts, else the order (when the webhook carries one), else its
 * transactions, else the refunded lines' prices. Empty when none says it: ingest refuses the event.
 */
function refundCurrency(refund: ShopifyRefund, fallback: string | undefined, currency: Currency): string {
  const lines = refund.refund_line_items ?? [];
  const fromLines = currencyOf(lines.find((l) => l.subtotal_set)?.subtotal_set, currency);
  const fromTransactions = refund.transactions?.find((t) => t.currency)?.currency;
  const fromPrices = currencyOf(lines.find((l) => l.line_item.price_set)?.line_item.price_set, currency);
  return (fromLines ?? fallback ?? fromTransactions ?? fromPrices ?? "").toUpperCase();
}

type RefundLine = NonNullable<ShopifyRefund["refund_line_items"]>[number];

/**
 * A refunded line: its discount is what the refunded units lost, read exactly from the
 * refund's own subtotal (the line's discount covers all units, the refund maybe only some).
 */
function refundedItem(line: RefundLine, currency: Currency): Item {
  const item = toItem(line.line_item, currency, line.quantity);
  if (!line.subtotal_set && !line.subtotal) return item;
  const paid = pick(line.subtotal_set, line.subtotal, currency);
  const discount = subtractMoney(multiplyMoney(item.price, line.quantity), paid);
  return { ...item, discount: compareMoney(discount, "0") > 0 ? discount : undefined };
}

/** A `refunds/create` body, or one entry of an order's `refunds` (same id either way, so they dedupe). */
export async function shopifyRefund(
  refund: ShopifyRefund,
  shop: string,
  config: Config,
  order?: ShopifyOrder,
): Promise<CommerceEvent> {
  const currency = config.SHOPIFY_CURRENCY;
  const value = refundValue(refund, currency);
  const lines = refund.refund_line_items ?? [];
  const items = lines.map((l) => refundedItem(l, currency));
  const base = order ? await baseOf(order, shop, config) : undefined;
  return {
    id: eventId("shopify", shop, "refund", refund.id),
    kind: "refund",
    source: "shopify",
    shop,
    occurredAt: refund.processed_at ?? refund.created_at,
    test: base?.test ?? false,
    channel: base?.channel ?? "other",
    order: {
      id: refund.order_id,
      number: base?.order.number,
      currency: refundCurrency(refund, base?.order.currency, currency),
      value,
      tax: sumMoney(lines.map((l) => pick(l.total_tax_set, l.total_tax, currency))),
      shipping: "0.00",
      discount: "0.00",
      items,
    },
    refund: { id: refund.id, value, items, full: false },
    identity: base?.identity ?? { ga4: {}, meta: {} },
    client: {},
    attribution: base?.attribution ?? {},
    consent: base?.consent ?? {},
  };
}

/**
 * A cancelled order: its refunds (if any) are the same conversions `refunds/create` reports;
 * without refunds, the whole purchase is reversed, but only if a purchase was recorded.
 */
export async function shopifyCancellation(
  order: ShopifyOrder,
  shop: string,
  config: Config,
): Promise<NormalizedEvent[]> {
  if (order.refunds?.length) {
    return Promise.all(
      order.refunds.map(async (r) => ({ event: await shopifyRefund(r, shop, config, order) })),
    );
  }
  const purchase = await shopifyPurchase(order, shop, config);
  const refundId = `cancel-${order.id}`;
  const event: CommerceEvent = {
    ...purchase,
    id: eventId("shopify", shop, "refund", refundId),
    kind: "refund",
    occurredAt: order.cancelled_at ?? order.processed_at ?? order.created_at,
    refund: { id: refundId, value: purchase.order.value, items: [], full: true },
  };
  return [{ event, onlyIfRecorded: purchase.id }];
}
