import type { Config } from "../config";
import { compareMoney, scaleMoney, sumMoney } from "../lib/money";
import type { CommerceEvent } from "../model/commerce-event";

/** What a destination sends as the conversion's money, as exact decimal strings in `order.currency`. */
export type ConversionMoney = {
  value: string;
  /** Absent when the shop did not say (a refund known only by its total). */
  tax?: string;
  shipping?: string;
};

/** An event's money by part; `estimated` when items and shipping are a share worked out here. */
type Parts = { total: string; subtotal?: string; tax?: string; shipping?: string; estimated?: boolean };

const own = (total: string, p: { subtotal?: string; tax?: string; shipping?: string }): Parts => ({
  total,
  subtotal: p.subtotal,
  tax: p.tax,
  shipping: p.shipping,
});

/**
 * A refund's parts: its own when the shop says them; the order's own for a refund of the whole order;
 * else (a WooCommerce refund entry carries only its total) its items and shipping are its share of the
 * order's, in proportion to the totals.
 */
function refundParts(order: CommerceEvent["order"], refund: NonNullable<CommerceEvent["refund"]>): Parts {
  if (refund.subtotal !== undefined) return own(refund.value, refund);
  if (compareMoney(refund.value, order.value) === 0) return own(refund.value, order);
  if (order.subtotal === undefined || compareMoney(order.value, "0") <= 0) return { total: refund.value };
  return {
    total: refund.value,
    subtotal: scaleMoney(refund.value, order.subtotal, order.value),
    shipping: scaleMoney(refund.value, order.shipping, order.value),
    estimated: true,
  };
}

function partsOf(event: CommerceEvent): Parts {
  if (event.kind === "refund" && event.refund) return refundParts(event.order, event.refund);
  return own(event.order.value, event.order);
}

/**
 * The value, tax and shipping a destination sends for an event, by CONVERSION_VALUE: `total` what
 * the customer paid (or got back), `items` the items after discounts, `items-and-shipping` those plus
 * the shipping charged. One rule for purchases and refunds, and for every destination.
 */
export function conversionMoney(
  event: CommerceEvent,
  config: Pick<Config, "CONVERSION_VALUE">,
): ConversionMoney {
  const parts = partsOf(event);
  const mode = config.CONVERSION_VALUE;
  const value =
    mode === "total" || parts.subtotal === undefined
      ? parts.total
      : mode === "items"
        ? parts.subtotal
        : sumMoney([parts.subtotal, parts.shipping]);
  // An estimate (a refund's share of the order) sets the value only: tax and shipping are sent as said.
  if (parts.estimated) return { value };
  return { value, tax: parts.tax, shipping: parts.shipping };
}
