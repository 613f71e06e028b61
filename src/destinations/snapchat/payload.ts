import type { Config } from "../../config";
import { withoutUndefined } from "../../lib/defined";
import { moneyToNumber } from "../../lib/money";
import type { CommerceEvent } from "../../model/commerce-event";
import { conversionMoney } from "../conversion-value";
import { pageOf } from "../meta/action-source";
import { orderIdFromTemplate } from "../order-ids";
import { itemId, paidUnitPrice } from "../unit-price";
import type { SnapActionSource, SnapEvent } from "./types";

/** An order placed through the shop's online checkout is a WEB event; a till, a phone or a renewal is OFFLINE. */
export function snapActionSource(event: CommerceEvent): SnapActionSource {
  return event.channel === "web" ? "WEB" : "OFFLINE";
}

/**
 * One PURCHASE event. Snap normalizes e-mail as trimmed lowercase and phone as digits with the
 * country code, no '+' and no leading zeros (Conversions API "Best Practices"): Meta's em and ph.
 */
export function toSnapEvent(event: CommerceEvent, config: Config): SnapEvent {
  const { meta } = event.identity;
  const list = (value?: string) => (value ? [value] : undefined);
  const contents = event.order.items.map((item) => ({
    id: itemId(item),
    quantity: String(item.quantity),
    item_price: String(paidUnitPrice(item)),
  }));
  return withoutUndefined({
    event_name: "PURCHASE",
    event_time: Math.floor(Date.parse(event.occurredAt) / 1000),
    // The Snap Pixel's PURCHASE sends its transaction_id as the dedup id (Snapchat for WooCommerce: the order id).
    event_id: orderIdFromTemplate(config.SNAPCHAT_EVENT_ID, event),
    action_source: snapActionSource(event),
    event_source_url: pageOf(event),
    user_data: withoutUndefined({
      em: list(meta.em),
      ph: list(meta.ph),
      client_ip_address: event.client.ip,
      client_user_agent: event.client.userAgent,
      sc_click_id: event.attribution.scClickId,
      sc_cookie1: event.attribution.scid,
    }),
    custom_data: {
      value: moneyToNumber(conversionMoney(event, config).value),
      currency: event.order.currency,
      order_id: event.order.id,
      content_ids: [...new Set(contents.map((c) => c.id))],
      contents,
      num_items: event.order.items.reduce((sum, item) => sum + item.quantity, 0),
    },
  });
}
