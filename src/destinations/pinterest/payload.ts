import type { Config } from "../../config";
import { withoutUndefined } from "../../lib/defined";
import type { CommerceEvent, Item } from "../../model/commerce-event";
import { conversionMoney } from "../conversion-value";
import { orderIdFromTemplate } from "../order-ids";
import type { PinterestActionSource, PinterestEvent } from "./types";

/**
 * Pinterest's user_data rules (API v5, ConversionEventsUserData): `em` is the SHA-256 of the
 * lowercase e-mail (Meta's `em`, trimmed and lowercased); `ph` of the digits only, with country
 * code, no symbols or leading zeros (Meta's `ph`, the same rule); `external_id` hashed (Meta's).
 * `click_id` is the `_epik` cookie or `epik` parameter, IP and user agent go unhashed.
 */
function toUserData(event: CommerceEvent): PinterestEvent["user_data"] {
  const hashed = event.identity.meta;
  const list = (value?: string) => (value ? [value] : undefined);
  return withoutUndefined({
    em: list(hashed.em),
    ph: list(hashed.ph),
    external_id: list(hashed.external_id),
    click_id: event.attribution.epik,
    client_ip_address: event.client.ip,
    client_user_agent: event.client.userAgent,
  });
}

/** Same id as the other destinations (SKU, else platform id); item_price is the price before any discount, as Pinterest asks. */
function toContent(item: Item) {
  return { id: item.sku || item.id, item_price: item.price, quantity: item.quantity };
}

/** An order the customer placed on the shop's site is `web`; a store sale, staff order or renewal is `offline`. */
export function pinterestActionSource(event: CommerceEvent): PinterestActionSource {
  return event.channel === "web" ? "web" : "offline";
}

/** One checkout event. Pure: the same event and config give the same object. */
export function toPinterestEvent(event: CommerceEvent, config: Config): PinterestEvent {
  const actionSource = pinterestActionSource(event);
  const contents = event.order.items.map(toContent);
  return withoutUndefined({
    event_name: "checkout",
    action_source: actionSource,
    event_time: Math.floor(Date.parse(event.occurredAt) / 1000),
    event_id: orderIdFromTemplate(config.PINTEREST_EVENT_ID, event),
    event_source_url: actionSource === "web" ? (event.attribution.landingUrl ?? event.shopUrl) : undefined,
    user_data: toUserData(event),
    custom_data: {
      currency: event.order.currency,
      value: conversionMoney(event, config).value,
      content_ids: [...new Set(contents.map((c) => c.id))],
      contents,
      num_items: event.order.items.reduce((sum, item) => sum + item.quantity, 0),
      order_id: event.order.id,
    },
  });
}
