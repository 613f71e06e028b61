import type { Config } from "../../config";
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

function channelOf(createdVia: string | null | undefined): CommerceEvent["channel"] {
  const via = (createdVia ?? "").toLowerCase();
  if (via === "checkout" || via === "store-api") return "web";
  if (via === "admin") return "draft";
  return via.includes("pos") ? "pos" : "other";
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
      tax: money(order.total_tax),
      shipping: money(order.shipping_total),
      discount: money(order.discount_total),
      coupon: codes.length ? codes.join(",") : undefined,
      items: order.line_items.map(toItem),
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

/** The `refunds` array has no dates; the order's last change is when the refund was made or seen. */
function refundEvent(refund: WooRefund, base: OrderBase, occurredAt: string): CommerceEvent {
  const value = absMoney(refund.total);
  return {
    ...base,
    id: eventId("woocommerce", base.shop, "refund", refund.id),
    kind: "refund",
    occurredAt,
    order: {
      ...base.order,
      value,
      tax: "0.00",
      shipping: "0.00",
      discount: "0.00",
      coupon: undefined,
      items: [],
    },
    refund: { id: refund.id, value, items: [], full: false },
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
 * - One refund per entry of `refunds` (zero amounts are not conversions).
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
  const refunds = (order.refunds ?? []).filter((r) => compareMoney(r.total, "0") !== 0);
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
