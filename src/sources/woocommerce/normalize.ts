import type { Config } from "../../config";
import { checkoutKeyHash } from "../../lib/checkout-key";
import { absMoney, compareMoney, money, subtractMoney, sumMoney } from "../../lib/money";
import { type CommerceEvent, eventId, type Item } from "../../model/commerce-event";
import { clientOf } from "../client";
import { hashIdentity } from "../identity";
import type { NormalizedEvent } from "../types";
import { woocommerceAttribution } from "./attribution";
import type { WooLineItem, WooOrder, WooRefund } from "./schema";

type OrderBase = Omit<CommerceEvent, "id" | "kind" | "occurredAt" | "refund">;

/** Statuses in which the order's money is gone; trashed orders read "trash". */
const REVERSED_STATUSES = new Set(["cancelled", "refunded", "trash"]);

/** Compared without the `wc-` prefix WooCommerce stores statuses with, so either spelling configures. */
function statusName(status: string): string {
  return status.trim().toLowerCase().replace(/^wc-/, "");
}

/** WooCommerce writes 0 for "none" (a guest's customer_id, a simple product's variation_id). */
function nonZero(id: string | null | undefined): string | undefined {
  return id && id !== "0" ? id : undefined;
}

/** Exact `amount / quantity` to six decimals, rounded half up (money.ts has no division). */
function perUnit(amount: string, quantity: number): string {
  const normalized = money(amount);
  if (quantity <= 1) return normalized;
  const sign = normalized.startsWith("-") ? "-" : "";
  const [whole, fraction] = normalized.replace("-", "").split(".");
  const units = BigInt(whole + fraction.padEnd(6, "0"));
  const count = BigInt(quantity);
  const digits = ((units * 2n + count) / (2n * count)).toString().padStart(7, "0");
  return money(`${sign}${digits.slice(0, -6)}.${digits.slice(-6)}`);
}

/**
 * The unit price comes from `subtotal` (the line before discounts): WooCommerce's own
 * `price` is `total / quantity` as a float, already discounted and often inexact (0.3 / 3).
 */
function toItem(line: WooLineItem): Item {
  const discount = subtractMoney(line.subtotal, line.total);
  return {
    id: nonZero(line.product_id) ?? line.id,
    sku: line.sku?.trim() || undefined,
    name: line.name?.trim() || undefined,
    variant: nonZero(line.variation_id),
    price: perUnit(line.subtotal, line.quantity),
    quantity: line.quantity,
    discount: compareMoney(discount, "0") > 0 ? discount : undefined,
  };
}

/**
 * `created_via` as WooCommerce and its extensions write it: the classic and the block checkout;
 * an order entered in the admin; WooCommerce's own point of sale (`pos-rest-api`, core's
 * PointOfSaleOrderUtil) and the WCPOS plugin's; WooCommerce Subscriptions' renewals
 * (wcs_create_order_from_subscription). Anything else (`rest-api`, an integration's name) is other.
 */
const CHANNELS = new Map<string, CommerceEvent["channel"]>([
  ["checkout", "web"],
  ["store-api", "web"],
  ["admin", "draft"],
  ["pos-rest-api", "pos"],
  ["point-of-sale", "pos"],
  ["woocommerce-pos", "pos"],
  ["subscription", "recurring"],
]);

function channelOf(createdVia: string | null | undefined): CommerceEvent["channel"] {
  return CHANNELS.get((createdVia ?? "").trim().toLowerCase()) ?? "other";
}

async function baseOf(order: WooOrder, shop: string, config: Config): Promise<OrderBase> {
  const billing = order.billing;
  const identity = await hashIdentity({
    email: billing?.email,
    phone: billing?.phone,
    firstName: billing?.first_name,
    lastName: billing?.last_name,
    street: billing?.address_1,
    city: billing?.city,
    region: billing?.state,
    postalCode: billing?.postcode,
    country: billing?.country,
    externalId: nonZero(order.customer_id),
  });
  const codes = (order.coupon_lines ?? []).map((c) => c.code.trim()).filter(Boolean);
  return {
    source: "woocommerce",
    shop,
    // WooCommerce has no test flag on orders.
    test: false,
    channel: channelOf(order.created_via),
    order: {
      id: order.id,
      number: order.number || undefined,
      currency: order.currency.toUpperCase(),
      value: money(order.total),
      // The lines after discounts, without tax; fees are in the total only.
      subtotal: sumMoney(order.line_items.map((line) => line.total)),
      tax: money(order.total_tax),
      shipping: money(order.shipping_total),
      discount: money(order.discount_total),
      coupon: codes.length ? codes.join(",") : undefined,
      items: order.line_items.map(toItem),
      checkoutKey: await checkoutKeyHash("woocommerce", order.order_key),
    },
    identity,
    client: clientOf(config, {
      ip: order.customer_ip_address,
      userAgent: order.customer_user_agent,
      customerId: nonZero(order.customer_id),
    }),
    ...woocommerceAttribution(order, order.date_paid_gmt ?? order.date_created_gmt),
  };
}

/**
 * The `refunds` array has no dates; the order's last change is when the refund was made or seen. An
 * entry says only its total, so the event keeps the order's own money: CONVERSION_VALUE reads the
 * refund's items as its share of the order's.
 */
function refundEvent(refund: WooRefund, base: OrderBase, occurredAt: string): CommerceEvent {
  return {
    ...base,
    id: eventId("woocommerce", base.shop, "refund", refund.id),
    kind: "refund",
    occurredAt,
    order: { ...base.order, coupon: undefined, items: [] },
    refund: { id: refund.id, value: absMoney(refund.total), items: [], full: false },
    client: {},
  };
}

/**
 * Every conversion one order body carries: WooCommerce has no paid or refund topics, so
 * each `order.*` delivery is read as the order's current state and the event ids dedupe.
 *
 * - A purchase while the status is paid (WOOCOMMERCE_PAID_STATUSES); occurredAt is when it
 *   was paid: an on-hold bank transfer paid a week later converts then, and would
 *   otherwise fall outside GA4's 72 h and Meta's 7 days.
 * - One refund per entry of `refunds` (one of 0.00 too: every destination records it skipped).
 * - Cancelled, refunded or trashed (with WOOCOMMERCE_REFUND_ON_CANCEL): the money that
 *   `refunds` does not already account for, only if a purchase was recorded. So a
 *   "refunded" order, for which WooCommerce itself adds a refund entry for the remainder,
 *   is never counted twice; a partial refund followed by a cancellation refunds the rest,
 *   and a refund entry added after that reversal (cancelled, then refunded through the
 *   gateway) is not stored: the reversal already counted it.
 */
export async function woocommerceOrderEvents(
  order: WooOrder,
  shop: string,
  config: Config,
): Promise<NormalizedEvent[]> {
  const base = await baseOf(order, shop, config);
  const status = statusName(order.status);
  const purchaseId = eventId("woocommerce", shop, "purchase", order.id);
  const changedAt = order.date_modified_gmt ?? order.date_created_gmt;
  const refunds = order.refunds ?? [];
  const events: NormalizedEvent[] = [];

  if (config.WOOCOMMERCE_PAID_STATUSES.map(statusName).includes(status)) {
    const occurredAt = order.date_paid_gmt ?? order.date_created_gmt;
    events.push({ event: { ...base, id: purchaseId, kind: "purchase", occurredAt } });
  }
  const fullRefundId = `full-${order.id}`;
  const fullRefundEventId = eventId("woocommerce", shop, "refund", fullRefundId);
  // A refund entry that appears after the order was reversed in full here (cancelled, then
  // refunded through the gateway) is money that reversal already counted.
  for (const refund of refunds) {
    events.push({ event: refundEvent(refund, base, changedAt), unlessRecorded: fullRefundEventId });
  }

  if (config.WOOCOMMERCE_REFUND_ON_CANCEL && REVERSED_STATUSES.has(status)) {
    const refunded = sumMoney(refunds.map((r) => absMoney(r.total)));
    const rest = subtractMoney(base.order.value, refunded);
    if (compareMoney(rest, "0") > 0) {
      const event: CommerceEvent = {
        ...base,
        id: fullRefundEventId,
        kind: "refund",
        occurredAt: changedAt,
        refund: { id: fullRefundId, value: rest, items: [], full: compareMoney(refunded, "0") === 0 },
      };
      events.push({ event, onlyIfRecorded: purchaseId });
    }
  }
  return events;
}
