import * as z from "zod";
import { DecimalAmount } from "../schema-values";

/*
 * Shopify's GraphQL Admin API `orders` query and its answer, turned into the JSON an order webhook
 * carries (the REST Order resource), so the webhook's schema and normalizer read it unchanged. Field
 * names: GraphQL Admin API 2026-01 (Order, LineItem, Refund, RefundLineItem, OrderTransaction,
 * RefundShippingLine, MailingAddress, Customer, MoneyBag). GraphQL has no user agent for an order:
 * a listed order carries none, and Meta matches it without.
 */

/**
 * Shopify prices a query by what it could return (single query at most 1000 points), so the page
 * asks for few lines and refunds per order: an order with more lines is completed with
 * ORDER_LINES_QUERY; an order that came with REFUNDS refunds (it may have more: `Order.refunds` is
 * a list truncated by `first`, not a connection, so it has no cursor) is completed with
 * ORDER_REFUND_IDS_QUERY and REFUNDS_QUERY; a refund with more lines than REFUND_LINES is
 * reported, not guessed.
 */
export const LINES_PER_PAGE = 20;
export const MORE_LINES_PER_PAGE = 50;
export const REFUNDS = 5;
export const REFUND_LINES = 10;
/**
 * The most refund ids read for one order. An order with this many may have more, which are
 * reported, not read: no order seen in practice has.
 */
export const MAX_REFUNDS = 250;

const MONEY = "shopMoney { amount currencyCode } presentmentMoney { amount currencyCode }";
const LINE = `id sku title name variantTitle vendor quantity product { id }
  originalUnitPriceSet { ${MONEY} } totalDiscountSet { ${MONEY} }
  discountAllocations { allocatedAmountSet { ${MONEY} } }`;
const REFUND = `id createdAt processedAt
        refundLineItems(first: ${REFUND_LINES}) { pageInfo { hasNextPage } nodes {
          quantity subtotalSet { ${MONEY} } totalTaxSet { ${MONEY} } lineItem { ${LINE} } } }
        transactions(first: 5) { nodes { kind status amountSet { ${MONEY} } } }
        refundShippingLines(first: 3) { nodes { subtotalAmountSet { ${MONEY} } taxAmountSet { ${MONEY} } } }`;

/** Sorted by last change, oldest first, so the cursor only moves past what was processed. */
export const ORDERS_QUERY = `query TagrelayOrders($first: Int!, $after: String, $query: String!) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id name createdAt processedAt updatedAt cancelledAt displayFinancialStatus test sourceName
      currencyCode presentmentCurrencyCode email phone clientIp discountCodes
      totalPriceSet { ${MONEY} } totalTaxSet { ${MONEY} } totalDiscountsSet { ${MONEY} }
      totalShippingPriceSet { ${MONEY} }
      customAttributes { key value }
      customerJourneySummary { lastVisit { landingPage } }
      billingAddress { firstName lastName address1 city province provinceCode zip country countryCodeV2 phone }
      customer { id firstName lastName defaultEmailAddress { emailAddress } defaultPhoneNumber { phoneNumber } }
      lineItems(first: ${LINES_PER_PAGE}) { pageInfo { hasNextPage endCursor } nodes { ${LINE} } }
      refunds(first: ${REFUNDS}) {
        ${REFUND}
      }
    }
  }
}`;

/** Every refund id of one order: ids alone cost little whatever their number. */
export const ORDER_REFUND_IDS_QUERY = `query TagrelayOrderRefundIds($id: ID!) {
  order(id: $id) { refunds(first: ${MAX_REFUNDS}) { id } }
}`;

/** Refunds by id, REFUNDS at a time: one query costs what one order's refunds cost on the page. */
export const REFUNDS_QUERY = `query TagrelayRefunds($ids: [ID!]!) {
  nodes(ids: $ids) { ... on Refund {
        ${REFUND}
  } }
}`;

/** The rest of one order's lines. */
export const ORDER_LINES_QUERY = `query TagrelayOrderLines($id: ID!, $after: String) {
  order(id: $id) {
    lineItems(first: ${MORE_LINES_PER_PAGE}, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${LINE} } }
  }
}`;

const Str = z.string().nullish();
const Gid = z.string().regex(/^gid:\/\/shopify\/\w+\/\d+$/, "not a Shopify global id");
const Money = z.object({ amount: DecimalAmount, currencyCode: z.string() });
const MoneyBag = z.object({ shopMoney: Money, presentmentMoney: Money });

const Line = z.object({
  id: Gid,
  sku: Str,
  title: Str,
  name: Str,
  variantTitle: Str,
  vendor: Str,
  quantity: z.number().int().nonnegative(),
  product: z.object({ id: Gid }).nullish(),
  originalUnitPriceSet: MoneyBag,
  totalDiscountSet: MoneyBag.nullish(),
  discountAllocations: z.array(z.object({ allocatedAmountSet: MoneyBag })).nullish(),
});
export type Line = z.infer<typeof Line>;

const PageInfo = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullish() });
export const LineConnection = z.object({ pageInfo: PageInfo, nodes: z.array(Line) });

export const GraphqlRefund = z.object({
  id: Gid,
  createdAt: z.string(),
  processedAt: Str,
  refundLineItems: z.object({
    pageInfo: z.object({ hasNextPage: z.boolean() }),
    nodes: z.array(
      z.object({
        quantity: z.number().int().nonnegative(),
        subtotalSet: MoneyBag,
        totalTaxSet: MoneyBag,
        lineItem: Line,
      }),
    ),
  }),
  transactions: z.object({
    nodes: z.array(z.object({ kind: z.string(), status: z.string(), amountSet: MoneyBag })),
  }),
  refundShippingLines: z.object({
    nodes: z.array(z.object({ subtotalAmountSet: MoneyBag, taxAmountSet: MoneyBag })),
  }),
});

export const GraphqlOrder = z.object({
  id: Gid,
  name: Str,
  createdAt: z.string(),
  processedAt: Str,
  updatedAt: z.string(),
  cancelledAt: Str,
  displayFinancialStatus: Str,
  test: z.boolean(),
  sourceName: Str,
  currencyCode: z.string(),
  presentmentCurrencyCode: Str,
  email: Str,
  phone: Str,
  clientIp: Str,
  discountCodes: z.array(z.string()).nullish(),
  totalPriceSet: MoneyBag,
  totalTaxSet: MoneyBag.nullish(),
  totalDiscountsSet: MoneyBag.nullish(),
  totalShippingPriceSet: MoneyBag.nullish(),
  customAttributes: z.array(z.object({ key: z.string(), value: Str })).nullish(),
  customerJourneySummary: z.object({ lastVisit: z.object({ landingPage: Str }).nullish() }).nullish(),
  billingAddress: z
    .object({
      firstName: Str,
      lastName: Str,
      address1: Str,
      city: Str,
      province: Str,
      provinceCode: Str,
      zip: Str,
      country: Str,
      countryCodeV2: Str,
      phone: Str,
    })
    .nullish(),
  customer: z
    .object({
      id: Gid,
      firstName: Str,
      lastName: Str,
      defaultEmailAddress: z.object({ emailAddress: Str }).nullish(),
      defaultPhoneNumber: z.object({ phoneNumber: Str }).nullish(),
    })
    .nullish(),
  lineItems: LineConnection,
  refunds: z.array(GraphqlRefund).nullish(),
});
export type GraphqlOrder = z.infer<typeof GraphqlOrder>;
export type GraphqlRefund = z.infer<typeof GraphqlRefund>;

/** `gid://shopify/Order/820982911946154508` → `820982911946154508`: the id webhooks carry. */
export const legacyId = (gid: string): string => gid.slice(gid.lastIndexOf("/") + 1);

type Bag = z.infer<typeof MoneyBag>;
const moneySet = (bag: Bag) => ({
  shop_money: { amount: bag.shopMoney.amount, currency_code: bag.shopMoney.currencyCode },
  presentment_money: {
    amount: bag.presentmentMoney.amount,
    currency_code: bag.presentmentMoney.currencyCode,
  },
});
const optionalSet = (bag: Bag | null | undefined) => (bag ? moneySet(bag) : null);

function webhookLine(line: Line) {
  return {
    id: legacyId(line.id),
    product_id: line.product ? legacyId(line.product.id) : null,
    sku: line.sku,
    title: line.title,
    name: line.name,
    variant_title: line.variantTitle,
    vendor: line.vendor,
    price: line.originalUnitPriceSet.shopMoney.amount,
    price_set: moneySet(line.originalUnitPriceSet),
    quantity: line.quantity,
    total_discount: line.totalDiscountSet?.shopMoney.amount ?? null,
    total_discount_set: optionalSet(line.totalDiscountSet),
    discount_allocations: (line.discountAllocations ?? []).map((a) => ({
      amount: a.allocatedAmountSet.shopMoney.amount,
      amount_set: moneySet(a.allocatedAmountSet),
    })),
  };
}

/**
 * The order as its webhook body would have it (field names of the REST Order resource). Enums
 * become the REST words (PARTIALLY_REFUNDED → partially_refunded); a refund transaction's amount
 * is in the currency the customer paid in, as REST's transaction `amount` and `currency` are.
 */
export function webhookOrderOf(order: GraphqlOrder, lines: Line[] = order.lineItems.nodes) {
  const id = legacyId(order.id);
  const billing = order.billingAddress;
  const customer = order.customer;
  return {
    id,
    admin_graphql_api_id: order.id,
    name: order.name,
    created_at: order.createdAt,
    processed_at: order.processedAt,
    updated_at: order.updatedAt,
    cancelled_at: order.cancelledAt,
    financial_status: order.displayFinancialStatus?.toLowerCase() ?? null,
    test: order.test,
    source_name: order.sourceName,
    currency: order.currencyCode,
    presentment_currency: order.presentmentCurrencyCode,
    total_price: order.totalPriceSet.shopMoney.amount,
    total_price_set: moneySet(order.totalPriceSet),
    total_tax: order.totalTaxSet?.shopMoney.amount ?? null,
    total_tax_set: optionalSet(order.totalTaxSet),
    total_discounts: order.totalDiscountsSet?.shopMoney.amount ?? null,
    total_discounts_set: optionalSet(order.totalDiscountsSet),
    total_shipping_price_set: optionalSet(order.totalShippingPriceSet),
    discount_codes: (order.discountCodes ?? []).map((code) => ({ code })),
    email: order.email,
    phone: order.phone,
    browser_ip: order.clientIp,
    client_details: order.clientIp ? { browser_ip: order.clientIp, user_agent: null } : null,
    landing_site: order.customerJourneySummary?.lastVisit?.landingPage ?? null,
    note_attributes: (order.customAttributes ?? []).map((a) => ({ name: a.key, value: a.value })),
    billing_address: billing
      ? {
          first_name: billing.firstName,
          last_name: billing.lastName,
          address1: billing.address1,
          city: billing.city,
          province: billing.province,
          province_code: billing.provinceCode,
          zip: billing.zip,
          country: billing.country,
          country_code: billing.countryCodeV2,
          phone: billing.phone,
        }
      : null,
    customer: customer
      ? {
          id: legacyId(customer.id),
          email: customer.defaultEmailAddress?.emailAddress ?? null,
          phone: customer.defaultPhoneNumber?.phoneNumber ?? null,
          first_name: customer.firstName,
          last_name: customer.lastName,
        }
      : null,
    line_items: lines.map(webhookLine),
    refunds: (order.refunds ?? []).map((refund) => ({
      id: legacyId(refund.id),
      order_id: id,
      created_at: refund.createdAt,
      processed_at: refund.processedAt,
      refund_line_items: refund.refundLineItems.nodes.map((r) => ({
        quantity: r.quantity,
        subtotal: r.subtotalSet.shopMoney.amount,
        subtotal_set: moneySet(r.subtotalSet),
        total_tax: r.totalTaxSet.shopMoney.amount,
        total_tax_set: moneySet(r.totalTaxSet),
        line_item: webhookLine(r.lineItem),
      })),
      transactions: refund.transactions.nodes.map((t) => ({
        kind: t.kind.toLowerCase(),
        status: t.status.toLowerCase(),
        amount: t.amountSet.presentmentMoney.amount,
        currency: t.amountSet.presentmentMoney.currencyCode,
      })),
      refund_shipping_lines: refund.refundShippingLines.nodes.map((s) => ({
        subtotal_amount_set: moneySet(s.subtotalAmountSet),
        total_tax_amount_set: moneySet(s.taxAmountSet),
      })),
    })),
  };
}
