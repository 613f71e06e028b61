import { type Captured, capturedAttribution } from "../../attribution";
import type { WooOrder } from "./schema";

/** Order Attribution's landing page: the visit's first URL, with its utm_* and click ids. */
const SESSION_ENTRY = "_wc_order_attribution_session_entry";
/**
 * Facebook for WooCommerce (3.5.17+) stores its Purchase event id here when the order is created
 * and sends it as both the pixel's eventID and its own Conversions API event_id
 * (facebook-commerce-events-tracker.php, inject_purchase_event).
 */
const META_EVENT_ID = "_meta_event_id";

/**
 * Attribution and consent from the order's meta_data: WooCommerce's built-in Order
 * Attribution (its landing URL) and the `_ga` / `_fbp` / `_fbc`-style keys tracking
 * plugins store. Order Attribution's source_type and utm_* keys add nothing the landing
 * URL does not already carry. Values that are not text (plugin arrays, objects) are skipped.
 */
export function woocommerceAttribution(order: WooOrder, occurredAt: string): Captured {
  const values = new Map<string, string>();
  for (const { key, value } of order.meta_data ?? []) {
    const text = typeof value === "string" ? value.trim() : typeof value === "number" ? String(value) : "";
    if (text && !values.has(key)) values.set(key, text);
  }
  // Reduced by capturedAttribution to its site, path and campaign / click-id parameters.
  const captured = capturedAttribution(values, values.get(SESSION_ENTRY), occurredAt);
  const metaEventId = values.get(META_EVENT_ID)?.slice(0, 200);
  return metaEventId ? { ...captured, attribution: { ...captured.attribution, metaEventId } } : captured;
}
