import type { Config } from "../config";
import { compareMoney } from "../lib/money";
import type { CommerceEvent } from "../model/commerce-event";
import type { DeliveryOutcome } from "../model/statuses";
import { conversionMoney } from "./conversion-value";
import type { Destination } from "./types";

/** Whether a refund is worth sending: one that returned nothing would count a sale as undone. */
export type ZeroRefundDecision = { send: true } | { send: false; reason: string };

/**
 * A refund of zero is no conversion, from any shop: a Shopify restock without money back, an order
 * adjustment that cancels the lines, a WooCommerce refund entry of 0.00, a Magento credit memo whose
 * grand total is 0. Nor is one worth zero in the configured CONVERSION_VALUE (only shipping or tax
 * went back while `value` counts the items). Purchases always pass.
 */
export function zeroRefundDecision(
  event: CommerceEvent,
  config: Pick<Config, "CONVERSION_VALUE">,
): ZeroRefundDecision {
  if (event.kind !== "refund" || !event.refund) return { send: true };
  if (compareMoney(event.refund.value, "0") <= 0) {
    return { send: false, reason: "nothing was refunded: no money went back to the customer" };
  }
  if (compareMoney(conversionMoney(event, config).value, "0") <= 0) {
    return {
      send: false,
      reason: `refund worth 0 as CONVERSION_VALUE=${config.CONVERSION_VALUE}: only shipping or tax went back`,
    };
  }
  return { send: true };
}

/**
 * The destination, with refunds of zero recorded `skipped` before it sees them. The registry wraps
 * every destination in it, so each one, present or future, applies the rule once and alike.
 */
export function skippingZeroRefunds(destination: Destination): Destination {
  return {
    ...destination,
    async deliver(events, config, now, transport) {
      const outcomes = new Map<string, DeliveryOutcome>();
      const rest: CommerceEvent[] = [];
      for (const event of events) {
        const decision = zeroRefundDecision(event, config);
        if (decision.send) rest.push(event);
        else outcomes.set(event.id, { status: "skipped", reason: decision.reason });
      }
      if (rest.length === 0) return outcomes;
      for (const [id, outcome] of await destination.deliver(rest, config, now, transport)) {
        outcomes.set(id, outcome);
      }
      return outcomes;
    },
  };
}
