import type { Config } from "../../config";
import { absMoney, money, subtractMoney, sumMoney } from "../../lib/money";
import { type CommerceEvent, eventId } from "../../model/commerce-event";
import { clientOf } from "../client";
import { hashIdentity } from "../identity";
import { creditMemoItems, orderItems } from "./items";
import type { MagentoAddress, MagentoCreditMemo, MagentoOrder } from "./schema";

/** Magento writes "2017-08-21 22:22:19" in UTC; anything else is passed through as given. */
export function magentoTime(value: string | undefined): string {
  if (!value) return new Date().toISOString();
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(value.trim());
  return match ? `${match[1]}T${match[2]}Z` : value;
}

function billingOf(order: MagentoOrder): MagentoAddress | undefined {
  return order.billing_address ?? order.addresses?.find((a) => a.address_type === "billing");
}

function regionOf(address: MagentoAddress | undefined): string | undefined {
  const region = address?.region;
  if (typeof region === "object") return region.region_code ?? region.region;
  return address?.region_code ?? region;
}

function firstLine(street: string | string[] | undefined): string | undefined {
  return (Array.isArray(street) ? street[0] : street?.split("\n")[0]) || undefined;
}

/** The shopper's address as Magento recorded it, often behind a proxy chain: the first hop. */
function clientIp(remoteIp: string | undefined): string | undefined {
  return remoteIp?.split(",")[0].trim() || undefined;
}

type Totals = Pick<
  MagentoOrder,
  | "grand_total"
  | "subtotal"
  | "discount_amount"
  | "shipping_amount"
  | "tax_amount"
  | "discount_tax_compensation_amount"
  | "shipping_discount_tax_compensation_amount"
  | "shipping_discount_amount"
>;

/**
 * An order's or a credit memo's money: the grand total; the items after discounts, which is `subtotal`
 * plus `discount_amount` less its shipping part (`shipping_discount_amount`; a credit memo does not
 * split it out) plus the discount's tax compensation; the shipping after its discount; the tax. A body
 * without `subtotal` leaves the items as the grand total less tax and shipping.
 */
function magentoMoney(totals: Totals) {
  const value = absMoney(totals.grand_total);
  const tax = money(totals.tax_amount);
  const shippingDiscount = absMoney(totals.shipping_discount_amount ?? "0");
  const shipping = sumMoney([
    subtractMoney(money(totals.shipping_amount), shippingDiscount),
    totals.shipping_discount_tax_compensation_amount,
  ]);
  const subtotal =
    totals.subtotal === undefined
      ? subtractMoney(value, sumMoney([tax, shipping]))
      : sumMoney([
          subtractMoney(totals.subtotal, absMoney(totals.discount_amount ?? "0")),
          shippingDiscount,
          totals.discount_tax_compensation_amount,
        ]);
  return { value, subtotal, tax, shipping };
}

/**
 * A paid order: value, tax and shipping in the order currency (what the customer paid),
 * the discount made positive (Magento stores it negative), personal data hashed here.
 */
export async function magentoPurchase(
  order: MagentoOrder,
  shop: string,
  config: Config,
): Promise<CommerceEvent> {
  const billing = billingOf(order);
  const identity = await hashIdentity({
    email: order.customer_email,
    phone: billing?.telephone,
    firstName: billing?.firstname ?? order.customer_firstname,
    lastName: billing?.lastname ?? order.customer_lastname,
    street: firstLine(billing?.street),
    city: billing?.city,
    region: regionOf(billing),
    postalCode: billing?.postcode,
    country: billing?.country_id,
    externalId: order.customer_id,
  });
  const ip = clientIp(order.remote_ip);
  return {
    id: eventId("magento", shop, "purchase", order.entity_id),
    kind: "purchase",
    source: "magento",
    shop,
    occurredAt: magentoTime(order.created_at),
    test: false,
    // Magento records the shopper's IP for storefront orders only; admin-created ones have none.
    channel: ip ? "web" : "other",
    order: {
      id: order.entity_id,
      number: order.increment_id,
      currency: order.order_currency_code,
      ...magentoMoney(order),
      discount: absMoney(order.discount_amount ?? "0"),
      coupon: order.coupon_code,
      items: orderItems(order.items),
    },
    identity,
    client: clientOf(config, { ip, customerId: order.customer_id }),
    attribution: {},
    consent: {},
  };
}

/**
 * One credit memo, one refund: its grand total, made positive, is what went back to the customer
 * (adjustment refunds and fees included; they are neither items nor shipping).
 */
export function magentoRefund(memo: MagentoCreditMemo, shop: string): CommerceEvent {
  const amounts = magentoMoney(memo);
  const items = creditMemoItems(memo.items);
  return {
    id: eventId("magento", shop, "refund", memo.entity_id),
    kind: "refund",
    source: "magento",
    shop,
    occurredAt: magentoTime(memo.created_at),
    test: false,
    channel: "other",
    order: {
      id: memo.order_id,
      currency: memo.order_currency_code,
      ...amounts,
      discount: "0.00",
      items,
    },
    refund: { id: memo.entity_id, ...amounts, items, full: false },
    identity: { ga4: {}, meta: {} },
    client: {},
    attribution: {},
    consent: {},
  };
}
