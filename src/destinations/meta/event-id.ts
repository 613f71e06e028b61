import type { Config } from "../../config";
import type { CommerceEvent } from "../../model/commerce-event";
import { orderIdFromTemplate } from "../order-ids";

/** The pixel's eventID must be built the same way for Meta to dedupe browser and server events. */
export function metaEventId(event: CommerceEvent, config: Config): string {
  if (event.kind === "refund" && event.refund) return `refund:${event.refund.id}`;
  return orderIdFromTemplate(config.META_EVENT_ID, event);
}
