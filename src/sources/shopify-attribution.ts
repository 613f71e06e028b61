import type { CommerceEvent } from "../events";
import type { ShopifyOrder } from "./shopify-schema";

/** Cart attribute names (as a storefront snippet writes them) → attribution fields. */
const NOTE_KEYS: Record<string, keyof CommerceEvent["attribution"]> = {
  _ga_client_id: "gaClientId",
  _cid: "gaClientId",
  _ga_session_id: "gaSessionId",
  _sid: "gaSessionId",
  _fbp: "fbp",
  _fbc: "fbc",
  _gclid: "gclid",
};

export function shopifyAttribution(order: ShopifyOrder, shop: string): CommerceEvent["attribution"] {
  const attribution: CommerceEvent["attribution"] = {};
  for (const note of order.note_attributes ?? []) {
    const key = NOTE_KEYS[note.name];
    const value = note.value?.trim();
    if (key && value) attribution[key] = value.slice(0, 500);
  }
  const landing = order.landing_site?.trim();
  if (landing) {
    attribution.landingUrl = (landing.startsWith("/") ? `https://${shop}${landing}` : landing).slice(0, 1000);
  }
  return attribution;
}
