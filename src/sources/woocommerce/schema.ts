import * as z from "zod";
import { DecimalAmount, NumericId } from "../schema-values";

/**
 * The parts of a WooCommerce REST API v3 order (the body of `order.*` webhooks) that
 * tagrelay maps. Totals are decimal strings; ids and quantities are JSON numbers.
 */
const Id = NumericId;
const Amount = DecimalAmount;
const Str = z.string().nullish();

/** `date_*_gmt` is UTC written without a zone ("2026-11-27T15:15:00"); it leaves as ISO 8601 with `Z`. */
export const GmtDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/, "not a date")
  .transform((v) => (/(Z|[+-]\d{2}:\d{2})$/.test(v) ? v : `${v}Z`));

export const WooLineItem = z.object({
  id: Id,
  name: Str,
  product_id: Id.nullish(),
  variation_id: Id.nullish(),
  sku: Str,
  quantity: z.number().int().nonnegative(),
  /** The line before discounts, excluding tax. */
  subtotal: Amount,
  /** The line after discounts, excluding tax. */
  total: Amount,
});
export type WooLineItem = z.infer<typeof WooLineItem>;

export const WooRefund = z.object({
  id: Id,
  reason: Str,
  /** Negative: "-10.00". */
  total: Amount,
});
export type WooRefund = z.infer<typeof WooRefund>;

export const WooOrder = z.object({
  id: Id,
  number: z.union([z.string(), z.number()]).transform(String).nullish(),
  status: z.string().min(1),
  currency: z.string().length(3),
  created_via: Str,
  date_created_gmt: GmtDate,
  date_modified_gmt: GmtDate.nullish(),
  date_paid_gmt: GmtDate.nullish(),
  total: Amount,
  total_tax: Amount,
  shipping_total: Amount,
  discount_total: Amount,
  customer_id: Id.nullish(),
  /** `wc_order_…`, also on the thank-you page's URL: joins what its snippet posted to /collect. */
  order_key: Str,
  customer_ip_address: Str,
  customer_user_agent: Str,
  billing: z
    .object({
      first_name: Str,
      last_name: Str,
      address_1: Str,
      city: Str,
      state: Str,
      postcode: Str,
      country: Str,
      email: Str,
      phone: Str,
    })
    .nullish(),
  meta_data: z.array(z.object({ key: z.string(), value: z.unknown() })).nullish(),
  line_items: z.array(WooLineItem),
  coupon_lines: z.array(z.object({ code: z.string() })).nullish(),
  refunds: z.array(WooRefund).nullish(),
});
export type WooOrder = z.infer<typeof WooOrder>;

/** The whole body of `order.deleted`. */
export const WooDeletedOrder = z.object({ id: NumericId }).strict();
