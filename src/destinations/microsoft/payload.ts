import type { Config } from "../../config";
import { withoutUndefined } from "../../lib/defined";
import { moneyToNumber } from "../../lib/money";
import type { CommerceEvent } from "../../model/commerce-event";
import { conversionMoney } from "../conversion-value";
import { pageOf } from "../meta/action-source";
import { orderIdFromTemplate } from "../order-ids";
import { itemId, paidUnitPrice } from "../unit-price";
import type { UetEvent } from "./types";

/** The customer's ad-storage choice as UET names it: G, D, or nothing when no choice was captured. */
export function adStorageConsent(consent: CommerceEvent["consent"]): UetEvent["adStorageConsent"] {
  const state = consent.marketing ?? consent.adUserData;
  return state === "granted" ? "G" : state === "denied" ? "D" : undefined;
}

/**
 * One purchase as a custom UET event. E-mail by Microsoft's rule (identity.microsoft); no phone:
 * the stored docs give no phone normalization to hash by, so none is sent. msclkid, IP and user
 * agent go as they are, never hashed.
 */
export function toUetEvent(event: CommerceEvent, config: Config): UetEvent {
  const items = event.order.items.map((item) =>
    withoutUndefined({
      id: itemId(item),
      quantity: item.quantity,
      price: paidUnitPrice(item),
      name: item.name,
    }),
  );
  const transactionId = orderIdFromTemplate(config.MICROSOFT_EVENT_ID, event);
  return withoutUndefined({
    eventType: "custom",
    eventName: "purchase",
    eventId: transactionId,
    eventTime: Math.floor(Date.parse(event.occurredAt) / 1000),
    eventSourceUrl: pageOf(event),
    adStorageConsent: adStorageConsent(event.consent),
    userData: withoutUndefined({
      em: event.identity.microsoft?.em,
      msclkid: event.attribution.msclkid,
      clientIpAddress: event.client.ip,
      clientUserAgent: event.client.userAgent,
    }),
    customData: {
      value: moneyToNumber(conversionMoney(event, config).value),
      currency: event.order.currency,
      transactionId,
      pageType: "purchase",
      itemIds: [...new Set(items.map((i) => i.id))],
      items,
    },
  });
}
