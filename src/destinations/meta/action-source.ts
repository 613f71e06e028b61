import type { CommerceEvent } from "../../model/commerce-event";

/**
 * Meta's action_source values tagrelay can say truthfully (server-event parameters: email,
 * website, app, phone_call, chat, physical_store, system_generated, business_messaging, other).
 */
export type MetaActionSource = "website" | "physical_store" | "system_generated" | "other";

const DAY_SECONDS = 24 * 3600;

/**
 * How old an event Meta takes: 7 days, and 62 for physical_store events ("Sending Offline Events
 * Using the Conversions API": upload store transactions within 62 days of the conversion).
 */
export function maxAgeDays(actionSource: MetaActionSource): number {
  return actionSource === "physical_store" ? 62 : 7;
}

export const maxAgeSeconds = (actionSource: MetaActionSource) => maxAgeDays(actionSource) * DAY_SECONDS;

/** The page a website event happened on: the landing page, else the shop's own site. Never made up. */
export function pageOf(event: CommerceEvent): string | undefined {
  return event.attribution.landingUrl ?? event.shopUrl;
}

/**
 * Where the conversion happened, as Meta names it (docs/attribution.md has the table). Meta
 * requires client_user_agent and event_source_url on every website event, so an online order
 * without the browser's user agent (Magento keeps none; a replay after it was dropped) cannot
 * show it was made in a browser and goes as `other`. A refund is the shop's act, wherever the
 * sale was: `other`.
 */
export function metaActionSource(event: CommerceEvent): MetaActionSource {
  if (event.kind === "refund") return "other";
  switch (event.channel) {
    case "pos":
      return "physical_store";
    case "recurring":
      return "system_generated";
    case "web":
      return event.client.userAgent && pageOf(event) ? "website" : "other";
    default:
      return "other";
  }
}
