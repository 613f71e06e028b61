import * as z from "zod";
import { DecimalAmount, NumericId } from "../schema-values";

/**
 * The parts of Shopify's order and refund payloads that tagrelay maps. Ids arrive as
 * text when they exceed 2^53 (lossless parsing) and always leave as text. Amounts are
 * decimal strings in JSON; XML gives text everywhere, hence the coercions.
 */
const Id = NumericId;
const Amount = DecimalAmount;
const Count = z.coerce.number().int().nonnegative();
const Str = z.string().nullish();
/** JSON gives a boolean, XML the text. */
const Bool = z
  .union([z.boolean(), z.literal("true"), z.literal("false")])
  .transform((v) => v === true || v === "true");

const MoneySet = z
  .object({
    shop_money: z.object({ amount: Amount, currency_code: z.string() }),
    presentment_money: z.object({ amount: Amount, currency_code: z.string() }),
  })
  .nullish();

const Address = z
  .object({
    first_name: Str,
    last_name: Str,
    address1: Str,
    city: Str,
    province: Str,
    province_code: Str,
    zip: Str,
    country: Str,
    country_code: Str,
    phone: Str,
  })
  .nullish();

export const ShopifyLineItem = z.object({
  id: Id,
  product_id: Id.nullish(),
  variant_id: Id.nullish(),
  sku: Str,
  title: Str,
  name: Str,
  variant_title: Str,
  vendor: Str,
  price: Amount,
  price_set: MoneySet,
  quantity: Count,
  total_discount: Amount.nullish(),
  total_discount_set: MoneySet,
  discount_allocations: z.array(z.object({ amount: Amount, amount_set: MoneySet })).nullish(),
});
export type ShopifyLineItem = z.infer<typeof ShopifyLineItem>;

export const ShopifyRefund = z.object({
  id: Id,
  order_id: Id,
  created_at: z.string(),
  processed_at: Str,
  refund_line_items: z
    .array(
      z.object({
        quantity: Count,
        subtotal: Amount.nullish(),
        subtotal_set: MoneySet,
        total_tax: Amount.nullish(),
        total_tax_set: MoneySet,
        line_item: ShopifyLineItem,
      }),
    )
    .nullish(),
  /** In the currency the customer paid in (the presentment currency). */
  transactions: z.array(z.object({ kind: Str, status: Str, amount: Amount, currency: Str })).nullish(),
  /**
   * `refund_discrepancy`: Shopify's calculated refund minus what was actually refunded; `shipping_refund`
   * (still written next to `refund_shipping_lines`): the shipping refunded, negative.
   */
  order_adjustments: z
    .array(
      z.object({
        kind: Str,
        amount: Amount.nullish(),
        amount_set: MoneySet,
        tax_amount: Amount.nullish(),
        tax_amount_set: MoneySet,
      }),
    )
    .nullish(),
  refund_shipping_lines: z.array(z.object({ subtotal_amount_set: MoneySet })).nullish(),
  total_duties_set: MoneySet,
  total_additional_fees_set: MoneySet,
});
export type ShopifyRefund = z.infer<typeof ShopifyRefund>;

export const ShopifyOrder = z.object({
  id: Id,
  name: Str,
  order_number: z.union([z.string(), z.number()]).transform(String).nullish(),
  created_at: z.string(),
  processed_at: Str,
  cancelled_at: Str,
  financial_status: Str,
  test: Bool,
  source_name: Str,
  currency: z.string().length(3),
  total_price: Amount,
  total_price_set: MoneySet,
  /** After discounts, before shipping, duties, taxes and tips; includes the tax when `taxes_included`. */
  subtotal_price: Amount.nullish(),
  subtotal_price_set: MoneySet,
  taxes_included: Bool.nullish(),
  total_tax: Amount.nullish(),
  total_tax_set: MoneySet,
  total_discounts: Amount.nullish(),
  total_discounts_set: MoneySet,
  /** The list rate, before shipping discounts: what was charged is in `shipping_lines`. */
  total_shipping_price_set: MoneySet,
  shipping_lines: z
    .array(
      z.object({
        price: Amount.nullish(),
        discounted_price: Amount.nullish(),
        discounted_price_set: MoneySet,
      }),
    )
    .nullish(),
  discount_codes: z.array(z.object({ code: z.string() })).nullish(),
  line_items: z.array(ShopifyLineItem),
  refunds: z.array(ShopifyRefund).nullish(),
  email: Str,
  contact_email: Str,
  phone: Str,
  browser_ip: Str,
  landing_site: Str,
  /** What the customer-events pixel sees as `checkout.token`: joins what it posted to /collect. */
  checkout_token: Str,
  client_details: z.object({ browser_ip: Str, user_agent: Str }).nullish(),
  note_attributes: z
    .array(
      z.object({ name: z.string(), value: z.union([z.string(), z.number()]).transform(String).nullish() }),
    )
    .nullish(),
  billing_address: Address,
  customer: z.object({ id: Id.nullish(), email: Str, phone: Str, first_name: Str, last_name: Str }).nullish(),
});
export type ShopifyOrder = z.infer<typeof ShopifyOrder>;
