import type { Config } from "../../config";
import type { CommerceEvent } from "../../model/commerce-event";

/** The pixel's eventID must be built the same way for Meta to dedupe browser and server events. */
export function metaEventId(event: CommerceEvent, config: Config): string {
  if (event.kind === "refund" && event.refund) return `refund:${event.refund.id}`;
  return config.META_EVENT_ID.replace(/\{order_id\}/g, event.order.id)
    .replace(/\{order_number\}/g, event.order.number ?? event.order.id)
    .replace(/\{kind\}/g, event.kind);
}
