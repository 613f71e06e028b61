import type { IdTemplates } from "../config";
import { fillIdTemplate } from "../lib/id-template";
import type { CommerceEvent } from "../model/commerce-event";

/**
 * The id a destination receives for the event's order, from a template setting (GA4_TRANSACTION_ID,
 * META_EVENT_ID) and the event's source. A value the order lacks falls back to the order id:
 * `{order_number}` for a refund whose purchase was never recorded, `{meta_event_id}` for an order
 * no Meta plugin marked.
 */
export function orderIdFromTemplate(templates: IdTemplates, event: CommerceEvent): string {
  const { order, attribution } = event;
  return fillIdTemplate(templates[event.source], {
    order_id: order.id,
    order_number: order.number ?? order.id,
    kind: event.kind,
    meta_event_id: attribution.metaEventId ?? order.id,
  });
}
