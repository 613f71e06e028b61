import type { Config } from "../../config";
import { withoutUndefined } from "../../lib/defined";
import { moneyToNumber } from "../../lib/money";
import type { CommerceEvent, Item } from "../../model/commerce-event";
import { conversionMoney } from "../conversion-value";
import { orderIdFromTemplate } from "../order-ids";
import type { TikTokBody, TikTokEvent } from "./types";

/**
 * The customer as TikTok matches it (Events API 2.0 `user`): e-mail trimmed and lowercased, then
 * SHA-256 (Meta's `em`, the same rule); phone in E.164 with its '+', then SHA-256 (GA4's phone,
 * the same rule, as TikTok's own Adobe and Segment integrations send it); external_id trimmed and
 * lowercased, then SHA-256. Click id, _ttp cookie, IP and user agent go unhashed.
 */
function toUser(event: CommerceEvent): TikTokEvent["user"] {
  return withoutUndefined({
    email: event.identity.meta.em,
    phone: event.identity.ga4.phone,
    external_id: event.identity.meta.external_id,
    ttclid: event.attribution.ttclid,
    ttp: event.attribution.ttp,
    ip: event.client.ip,
    user_agent: event.client.userAgent,
  });
}

/** Same id as GA4 and Meta (SKU, else platform id); price per unit as the shop lists it, as TikTok's WooCommerce plugin sends it. */
function toContent(item: Item) {
  return withoutUndefined({
    content_id: item.sku || item.id,
    content_name: item.name,
    quantity: item.quantity,
    price: moneyToNumber(item.price),
  });
}

/** The page the order came from: its landing page, else the shop's own site. Never made up. */
const pageOf = (event: CommerceEvent) => event.attribution.landingUrl ?? event.shopUrl;

/** One Purchase event. Pure: the same event and config give the same object. */
export function toTikTokEvent(event: CommerceEvent, config: Config): TikTokEvent {
  const url = event.channel === "web" ? pageOf(event) : undefined;
  return withoutUndefined({
    event: "Purchase",
    event_time: Math.floor(Date.parse(event.occurredAt) / 1000),
    event_id: orderIdFromTemplate(config.TIKTOK_EVENT_ID, event),
    user: toUser(event),
    page: url ? { url } : undefined,
    properties: {
      currency: event.order.currency,
      value: moneyToNumber(conversionMoney(event, config).value),
      content_type: "product",
      contents: event.order.items.map(toContent),
      order_id: event.order.id,
    },
  });
}

/** The request body for up to 1,000 events of one pixel. */
export function toTikTokBody(events: readonly TikTokEvent[], config: Config): TikTokBody {
  return withoutUndefined({
    event_source: "web",
    event_source_id: config.TIKTOK_PIXEL_CODE ?? "",
    test_event_code: config.TIKTOK_TEST_EVENT_CODE,
    data: [...events],
  });
}
