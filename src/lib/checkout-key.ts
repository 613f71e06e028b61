import { sha256Hex } from "./crypto";

/**
 * The key a buyer's browser knows its order by, and the order's webhook carries too: Shopify's
 * checkout token (the web pixel's `checkout.token`, the order's `checkout_token`; Shopify documents
 * it only as a string, its samples are 32 hex digits, so any 16 to 128 URL-safe characters pass) and
 * WooCommerce's order key (`wc_order_` and letters and digits). Both are unguessable: only the
 * buyer's browser can attach identifiers to an order.
 */
const SHAPES = {
  shopify: /^[A-Za-z0-9_-]{16,128}$/,
  woocommerce: /^wc_order_[A-Za-z0-9]{1,64}$/,
} as const;

export type CheckoutKeySource = keyof typeof SHAPES;

/** Whether a key has its source's shape. */
export const isCheckoutKey = (source: CheckoutKeySource, key: string): boolean => SHAPES[source].test(key);

/** The key as stored: its hex SHA-256 (never the key, which opens the order's pages), or none for a malformed key. */
export async function checkoutKeyHash(
  source: CheckoutKeySource,
  key: string | null | undefined,
): Promise<string | undefined> {
  const text = key?.trim() ?? "";
  return isCheckoutKey(source, text) ? sha256Hex(`${source}:${text}`) : undefined;
}
