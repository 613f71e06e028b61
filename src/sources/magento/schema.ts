import * as z from "zod";
import { DecimalAmount, NumericId } from "../schema-values";

/**
 * The parts of a Magento order and credit memo that tagrelay maps, in the field names of
 * the REST entities (`GET /V1/orders/:id`), which Adobe I/O Events, Adobe Commerce webhooks
 * and the body templates of docs/magento.md all use. Amounts arrive as JSON numbers or as
 * decimal text ("165.0000"); a template renders a missing value as "", read as absent.
 */
const absent = (value: unknown) => (value === "" || value === null ? undefined : value);

const DECIMAL = /^-?\d+(\.\d+)?$/;

const required = <T extends z.ZodType>(schema: T) => z.preprocess(absent, schema);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(absent, schema.optional());

const IdValue = NumericId;
const AmountValue = DecimalAmount;
const QuantityValue = z.union([
  z.string().trim().regex(DECIMAL, "not a quantity").transform(Number),
  z.number().finite(),
]);
const TextValue = z.union([z.string(), z.number().transform(String)]);

const Id = required(IdValue);
const OptionalId = optional(IdValue);
const Amount = required(AmountValue);
const OptionalAmount = optional(AmountValue);
const OptionalQuantity = optional(QuantityValue);
const Text = optional(TextValue);

export const MagentoItem = z.object({
  item_id: OptionalId,
  /** Credit memo rows point at the order row they refund. */
  order_item_id: OptionalId,
  parent_item_id: OptionalId,
  parent_item: optional(z.object({ item_id: OptionalId })),
  product_id: OptionalId,
  product_type: Text,
  sku: Text,
  name: Text,
  price: OptionalAmount,
  row_total: OptionalAmount,
  discount_amount: OptionalAmount,
  qty_ordered: OptionalQuantity,
  /** A credit memo row's refunded quantity. */
  qty: OptionalQuantity,
});
export type MagentoItem = z.infer<typeof MagentoItem>;

const Address = z.object({
  address_type: Text,
  firstname: Text,
  lastname: Text,
  street: optional(z.union([z.array(z.string()), z.string()])),
  city: Text,
  region: optional(z.union([TextValue, z.object({ region: Text, region_code: Text })])),
  region_code: Text,
  postcode: Text,
  country_id: Text,
  telephone: Text,
});
export type MagentoAddress = z.infer<typeof Address>;

const Currency = required(z.string().trim().length(3).toUpperCase());

/**
 * The totals an order and a credit memo share, in the order currency. `grand_total` is the sum of
 * `subtotal` (items before discounts, without tax), `discount_amount` (negative), `shipping_amount`,
 * `tax_amount` and the tax compensations (the tax part of a discount taken from prices with tax).
 */
const Totals = {
  grand_total: Amount,
  subtotal: OptionalAmount,
  discount_amount: OptionalAmount,
  shipping_amount: OptionalAmount,
  tax_amount: OptionalAmount,
  discount_tax_compensation_amount: OptionalAmount,
  shipping_discount_tax_compensation_amount: OptionalAmount,
};

export const MagentoOrder = z.object({
  entity_id: Id,
  increment_id: Text,
  state: Text,
  created_at: Text,
  order_currency_code: Currency,
  ...Totals,
  /** Positive, and part of `discount_amount`. */
  shipping_discount_amount: OptionalAmount,
  coupon_code: Text,
  customer_email: Text,
  customer_id: OptionalId,
  customer_firstname: Text,
  customer_lastname: Text,
  remote_ip: Text,
  store_url: Text,
  billing_address: optional(Address),
  /** Adobe Commerce webhooks list the addresses instead of naming the billing one. */
  addresses: optional(z.array(Address)),
  items: z.preprocess(absent, z.array(MagentoItem).default([])),
});
export type MagentoOrder = z.infer<typeof MagentoOrder>;

export const MagentoCreditMemo = z.object({
  entity_id: Id,
  order_id: Id,
  increment_id: Text,
  created_at: Text,
  order_currency_code: Currency,
  ...Totals,
  store_url: Text,
  items: z.preprocess(absent, z.array(MagentoItem).default([])),
});
export type MagentoCreditMemo = z.infer<typeof MagentoCreditMemo>;
