import { type Captured, capturedAttribution } from "../../attribution";
import type { ShopifyOrder } from "./schema";

/**
 * Attribution and consent from the order's note_attributes (the cart attributes the storefront
 * snippet wrote, or older names other tools write) and its landing_site.
 */
export function shopifyAttribution(order: ShopifyOrder, shop: string): Captured {
  const values = new Map<string, string>();
  for (const note of order.note_attributes ?? []) {
    const value = note.value?.trim();
    if (value && !values.has(note.name)) values.set(note.name, value);
  }
  // landing_site is usually a path on the shop ("/products/x?utm_source=…"); capturedAttribution
  // keeps only its site, path and campaign / click-id parameters.
  const landing = order.landing_site?.trim();
  const landingUrl = landing?.startsWith("/") ? `https://${shop}${landing}` : landing;
  return capturedAttribution(values, landingUrl, order.created_at);
}
