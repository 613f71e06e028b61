import type { Config } from "../../config";
import { withoutUndefined } from "../../lib/defined";
import { moneyToNumber, multiplyMoney, subtractMoney } from "../../lib/money";
import type { CommerceEvent, Item } from "../../model/commerce-event";
import { conversionMoney } from "../conversion-value";
import { metaActionSource, pageOf } from "./action-source";
import { metaEventId } from "./event-id";
import type { MetaServerEvent, MetaUserData } from "./types";

function toUserData(event: CommerceEvent): MetaUserData {
  const hashed = event.identity.meta;
  const list = (value?: string) => (value ? [value] : undefined);
  return withoutUndefined({
    em: list(hashed.em),
    ph: list(hashed.ph),
    fn: list(hashed.fn),
    ln: list(hashed.ln),
    ct: list(hashed.ct),
    st: list(hashed.st),
    zp: list(hashed.zp),
    country: list(hashed.country),
    external_id: list(hashed.external_id),
    client_ip_address: event.client.ip,
    client_user_agent: event.client.userAgent,
    fbp: event.attribution.fbp,
    fbc: event.attribution.fbc,
  });
}

/** Same id as GA4 (SKU, else platform id) so one catalog serves both; price is what was paid per unit. */
function toContent(item: Item) {
  const units = Math.max(item.quantity, 1);
  const paid = subtractMoney(multiplyMoney(item.price, units), item.discount ?? "0");
  return {
    id: item.sku || item.id,
    quantity: item.quantity,
    item_price: Math.round((moneyToNumber(paid) / units) * 1e6) / 1e6,
  };
}

/** One Conversions API server event. Pure: the same event and config give the same object. */
export function toMetaEvent(event: CommerceEvent, config: Config): MetaServerEvent {
  const actionSource = metaActionSource(event);
  const common = {
    event_time: Math.floor(Date.parse(event.occurredAt) / 1000),
    event_id: metaEventId(event, config),
    action_source: actionSource,
    // "The browser URL where the event happened": a website event's alone.
    event_source_url: actionSource === "website" ? pageOf(event) : undefined,
    user_data: toUserData(event),
  } as const;
  // Meta's custom_data has no tax or shipping fields: the value alone, as CONVERSION_VALUE says.
  const value = moneyToNumber(conversionMoney(event, config).value);
  if (event.kind === "refund" && event.refund) {
    return withoutUndefined({
      event_name: "Refund",
      ...common,
      custom_data: {
        value,
        currency: event.order.currency,
        order_id: event.order.id,
      },
    });
  }
  const contents = event.order.items.map(toContent);
  return withoutUndefined({
    event_name: "Purchase",
    ...common,
    custom_data: {
      value,
      currency: event.order.currency,
      content_ids: [...new Set(contents.map((c) => c.id))],
      contents,
      content_type: "product",
      order_id: event.order.id,
      num_items: event.order.items.reduce((sum, item) => sum + item.quantity, 0),
    },
  });
}
