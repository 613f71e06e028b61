import type { Config } from "../../config";
import { checkoutKeyHash } from "../../lib/checkout-key";
import { compareMoney, money, multiplyMoney, subtractMoney, sumMoney } from "../../lib/money";
import { type CommerceEvent, eventId, type Item } from "../../model/commerce-event";
import { clientOf } from "../client";
import { hashIdentity } from "../identity";
import type { NormalizedEvent } from "../types";
import { shopifyAttribution } from "./attribution";
import type { ShopifyLineItem, ShopifyOrder, ShopifyRefund } from "./schema";

type Currency = Config["SHOPIFY_CURRENCY"];
type MoneySet = ShopifyLineItem["price_set"];

const side = (currency: Currency) => (currency === "presentment" ? "presentment_money" : "shop_money");

/** The amount in the configured currency: the `_set` when present, else the plain (shop currency) field. */
function pick(set: MoneySet, plain: string | null | undefined, currency: Currency): string {
  return money(set ? set[side(currency)].amount : plain);
}

/** The currency of the money `pick` reads: the total's own, else the shop's (plain fields are in it). */
function orderCurrency(order: ShopifyOrder, currency: Currency): string {
  return (order.total_price_set?.[side(currency)].currency_code ?? order.currency).toUpperCase();
}

/**
 * Shipping actually charged: each shipping line after its discounts (a free-shipping code makes it
 * 0), where `total_shipping_price_set` is the list rate. Both include tax when `taxes_included`.
 */
function shippingCharged(order: ShopifyOrder, currency: Currency): string {
  const lines = order.shipping_lines ?? [];
  if (lines.length === 0) return pick(order.total_shipping_price_set, "0", currency);
  return sumMoney(lines.map((l) => pick(l.discounted_price_set, l.discounted_price ?? l.price, currency)));
}

/**
 * The items after discounts: Shopify's `subtotal_price`, the original one (`current_subtotal_price`
 * already subtracts later refunds, which are events of their own). Without it, the same sum from the
 * lines: each line's price × quantity less the discounts allocated to it.
 */
function itemsSubtotal(order: ShopifyOrder, items: Item[], currency: Currency): string {
  if (order.subtotal_price_set || order.subtotal_price) {
    return pick(order.subtotal_price_set, order.subtotal_price, currency);
  }
  return sumMoney(items.map((i) => subtractMoney(multiplyMoney(i.price, i.quantity), i.discount ?? "0")));
}

/**
 * `source_name`: Shopify's own channels are `web`, `pos`, `shopify_draft_order`, `iphone` and
 * `android`; an order an app created carries the app's handle or id. Only the first three say
 * where the sale happened.
 */
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
  const items = order.line_items.map((line) => toItem(line, currency));
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
      subtotal: itemsSubtotal(order, items, currency),
      tax: pick(order.total_tax_set, order.total_tax, currency),
      shipping: shippingCharged(order, currency),
      discount: pick(order.total_discounts_set, order.total_discounts, currency),
      coupon: codes.length ? codes.join(",") : undefined,
      items,
      checkoutKey: await checkoutKeyHash("shopify", order.checkout_token),
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

type RefundMoney = { value: string; subtotal: string; tax: string; shipping: string };

const negated = (amount: string) => subtractMoney("0", amount);
const atLeastZero = (amount: string) => (compareMoney(amount, "0") < 0 ? "0.00" : amount);

/**
 * A refund's parts in one currency: its lines, their tax, the shipping refunded, duties and fees, less
 * the discrepancy adjustments (Shopify's calculated refund minus what was actually refunded). Shipping
 * comes from the `shipping_refund` adjustments, negative and with their tax, which REST still writes
 * next to the newer `refund_shipping_lines` (only a subtotal), else from those lines.
 */
function refundParts(refund: ShopifyRefund, currency: Currency) {
  const lines = refund.refund_line_items ?? [];
  const adjustments = refund.order_adjustments ?? [];
  const shippingRefunds = adjustments.filter((a) => a.kind === "shipping_refund");
  const discrepancies = adjustments.filter((a) => a.kind !== "shipping_refund");
  const sum = <T>(list: T[], amount: (entry: T) => string) => sumMoney(list.map(amount));
  const shipping = shippingRefunds.length
    ? negated(sum(shippingRefunds, (a) => pick(a.amount_set, a.amount, currency)))
    : sum(refund.refund_shipping_lines ?? [], (l) => pick(l.subtotal_amount_set, "0", currency));
  const shippingTax = negated(sum(shippingRefunds, (a) => pick(a.tax_amount_set, a.tax_amount, currency)));
  const items = subtractMoney(
    sum(lines, (l) => pick(l.subtotal_set, l.subtotal, currency)),
    sum(discrepancies, (a) => pick(a.amount_set, a.amount, currency)),
  );
  const tax = subtractMoney(
    sumMoney([sum(lines, (l) => pick(l.total_tax_set, l.total_tax, currency)), shippingTax]),
    sum(discrepancies, (a) => pick(a.tax_amount_set, a.tax_amount, currency)),
  );
  const extra = sumMoney([
    pick(refund.total_duties_set, "0", currency),
    pick(refund.total_additional_fees_set, "0", currency),
  ]);
  return { items, tax, shipping, untaxed: sumMoney([items, shipping, extra]) };
}

/**
 * What went back to the customer, from the `_set` amounts in the configured currency, so value and
 * currency are the same money. No successful refund transaction, no money back (a restock, a refund
 * still pending): zero, which no destination sends. Lines include their tax when the order's prices
 * do, which a refunds/create body does not say; the transactions (the money that moved, in the
 * presentment currency) tell, as they match the parts with the tax or without it.
 */
function refundMoney(refund: ShopifyRefund, currency: Currency, taxesIncluded?: boolean): RefundMoney {
  const paid = (refund.transactions ?? []).filter((t) => t.kind === "refund" && t.status === "success");
  if (paid.length === 0) return { value: "0.00", subtotal: "0.00", tax: "0.00", shipping: "0.00" };
  const presentment = refundParts(refund, "presentment");
  const included =
    taxesIncluded ??
    (compareMoney(presentment.tax, "0") !== 0 &&
      compareMoney(sumMoney(paid.map((t) => t.amount)), presentment.untaxed) === 0);
  const parts = refundParts(refund, currency);
  const value = atLeastZero(included ? parts.untaxed : sumMoney([parts.untaxed, parts.tax]));
  const subtotal = atLeastZero(parts.items);
  return {
    value,
    subtotal: compareMoney(subtotal, value) > 0 ? value : subtotal,
    tax: parts.tax,
    shipping: parts.shipping,
  };
}

/**
 * The currency of the refund's `_set` amounts, else the order's (when the webhook carries one), else
 * its transactions' (the presentment currency: a body with no `_set` at all is read as the shop's own
 * money), else the refunded lines' prices. Empty when none says it: ingest refuses the event.
 */
function refundCurrency(refund: ShopifyRefund, fallback: string | undefined, currency: Currency): string {
  const lines = refund.refund_line_items ?? [];
  const sets: MoneySet[] = [
    ...lines.flatMap((l) => [l.subtotal_set, l.total_tax_set]),
    ...(refund.order_adjustments ?? []).map((a) => a.amount_set),
    ...(refund.refund_shipping_lines ?? []).map((l) => l.subtotal_amount_set),
  ];
  const fromSets = sets.find(Boolean)?.[side(currency)].currency_code;
  const fromTransactions = refund.transactions?.find((t) => t.currency)?.currency;
  const fromPrices = lines.find((l) => l.line_item.price_set)?.line_item.price_set?.[side(currency)]
    .currency_code;
  return (fromSets ?? fallback ?? fromTransactions ?? fromPrices ?? "").toUpperCase();
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
  const amounts = refundMoney(refund, currency, order?.taxes_included ?? undefined);
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
      ...amounts,
      discount: "0.00",
      items,
    },
    refund: { id: refund.id, ...amounts, items, full: false },
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
