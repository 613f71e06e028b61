import type { Config } from "../../config";
import { withoutUndefined } from "../../lib/defined";
import { moneyToNumber } from "../../lib/money";
import type { CommerceEvent } from "../../model/commerce-event";
import { conversionMoney } from "../conversion-value";
import { pageOf } from "../meta/action-source";
import { orderIdFromTemplate } from "../order-ids";
import { itemId } from "../unit-price";
import type { RedditActionSource, RedditEvent } from "./types";

/** The online checkout is a WEBSITE event, a till a PHYSICAL_STORE one, anything else OTHER. */
export function redditActionSource(event: CommerceEvent): RedditActionSource {
  if (event.channel === "web") return "WEBSITE";
  return event.channel === "pos" ? "PHYSICAL_STORE" : "OTHER";
}

/**
 * One PURCHASE event. E-mail by Reddit's own rule (identity.reddit); phone as E.164 with '+' (the
 * GA4 hash): Reddit's stored docs give no phone rule, and E.164 is what its match keys name. IP and
 * user agent go as they are: Reddit takes match keys "unhashed or pre-hashed".
 */
export function toRedditEvent(event: CommerceEvent, config: Config, ldu: boolean): RedditEvent {
  const actionSource = redditActionSource(event);
  const { value } = conversionMoney(event, config);
  return withoutUndefined({
    event_at: Date.parse(event.occurredAt),
    action_source: actionSource,
    event_source_url: actionSource === "WEBSITE" ? pageOf(event) : undefined,
    click_id: event.attribution.rdtCid,
    type: { tracking_type: "PURCHASE" },
    user: withoutUndefined({
      email: event.identity.reddit?.email,
      phone_number: event.identity.ga4.phone,
      ip_address: event.client.ip,
      user_agent: event.client.userAgent,
      uuid: event.attribution.rdtUuid,
      data_processing_options: ldu ? ({ modes: ["LDU"] } as const) : undefined,
    }),
    metadata: {
      // The Reddit Pixel's Purchase sends conversionId; Reddit dedupes the pixel and CAPI on it.
      conversion_id: orderIdFromTemplate(config.REDDIT_EVENT_ID, event),
      currency: event.order.currency,
      // v3 takes value as a decimal number (Reddit for WooCommerce sends (float) get_total()).
      value: moneyToNumber(value),
      item_count: event.order.items.reduce((sum, item) => sum + item.quantity, 0),
      products: event.order.items.map((item) => withoutUndefined({ id: itemId(item), name: item.name })),
    },
  });
}
