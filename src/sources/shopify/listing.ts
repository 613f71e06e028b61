import * as z from "zod";
import type { Config } from "../../config";
import { fail, ok, type Result } from "../../lib/result";
import { siteUrl } from "../../lib/shops";
import {
  type FetchOptions,
  fetchJson,
  invalidOrder,
  isoInstant,
  type ListedOrder,
  type ListingFailure,
  type ListingPage,
  type ListingPosition,
  MAX_WAIT_SECONDS,
  type OrderListing,
  withRetries,
} from "../listing";
import { atShop, schemaProblem } from "../types";
import type { AdminToken } from "./admin-token";
import {
  GraphqlOrder,
  GraphqlRefund,
  type Line,
  LineConnection,
  legacyId,
  MAX_REFUNDS,
  ORDER_LINES_QUERY,
  ORDER_REFUND_IDS_QUERY,
  ORDERS_QUERY,
  REFUND_LINES,
  REFUNDS,
  REFUNDS_QUERY,
  webhookOrderOf,
} from "./graphql-order";
import { shopifyCancellation, shopifyPurchase, shopifyRefund } from "./normalize";
import { ShopifyOrder } from "./schema";
import { purchaseTopicApplies } from "./topics";

/** The GraphQL Admin API version reconciliation is written against. */
export const SHOPIFY_ADMIN_API_VERSION = "2026-01";

/** Orders per query to start with; halved while Shopify answers MAX_COST_EXCEEDED. */
const FIRST_PAGE_SIZE = 5;

const CREDENTIALS =
  "SHOPIFY_ADMIN_TOKEN (or SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET); the app needs read_orders";

/** What every GraphQL answer says about the query's cost and the bucket it was taken from. */
const Cost = z
  .object({
    requestedQueryCost: z.number().nullish(),
    throttleStatus: z
      .object({ maximumAvailable: z.number(), currentlyAvailable: z.number(), restoreRate: z.number() })
      .nullish(),
  })
  .nullish();

const Answer = z.object({
  data: z.unknown().nullish(),
  errors: z
    .array(
      z.object({
        message: z.string().optional(),
        extensions: z.object({ code: z.string() }).partial().nullish(),
      }),
    )
    .nullish(),
  extensions: z.object({ cost: Cost }).nullish(),
});

const OrdersData = z.object({
  orders: z.object({
    pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullish() }),
    nodes: z.array(z.unknown()),
  }),
});
const OrderLinesData = z.object({ order: z.object({ lineItems: LineConnection }).nullable() });
const RefundIdsData = z.object({
  order: z.object({ refunds: z.array(z.object({ id: z.string() })) }).nullable(),
});
const RefundsData = z.object({ nodes: z.array(GraphqlRefund.nullable()) });

type Graphql = (
  query: string,
  variables: Record<string, unknown>,
) => Promise<Result<unknown, ListingFailure>>;
type Client = (options: FetchOptions) => Graphql;

/** The query filter of a listing window: orders changed in [from, until). */
export const windowQuery = (position: ListingPosition) =>
  `updated_at:>='${position.from}' AND updated_at:<'${position.until}'`;

/**
 * One GraphQL client for a run: the token, the calculated-cost rate limit (THROTTLED is waited out
 * when the bucket refills within MAX_WAIT_SECONDS, and the next query waits for the bucket to hold
 * what the last one cost), and a token Shopify refuses is fetched anew once.
 */
function graphqlClient(endpoint: URL, token: AdminToken): Client {
  let needed = 0;
  let bucket: { available: number; rate: number } | undefined;
  return (options) => {
    const refill = async () => {
      if (!bucket || bucket.available >= needed || bucket.rate <= 0) return;
      const seconds = Math.ceil((needed - bucket.available) / bucket.rate);
      if (seconds <= MAX_WAIT_SECONDS) await options.wait(seconds * 1000);
    };
    const once = async (query: string, variables: Record<string, unknown>, retried = false) => {
      const access = await token.get(options.now);
      if (!access.ok) return access;
      const answer = await fetchJson(
        endpoint,
        {
          method: "POST",
          headers: {
            "content-type": "application/json",
            accept: "application/json",
            "x-shopify-access-token": access.value,
          },
          body: JSON.stringify({ query, variables }),
        },
        CREDENTIALS,
        options.now,
      );
      if (!answer.ok) {
        if (answer.reason.status === 401 && !retried) {
          token.forget();
          return once(query, variables, true);
        }
        return answer;
      }
      const parsed = Answer.safeParse(answer.value.json);
      if (!parsed.success) return fail({ reason: "malformed page: not a GraphQL answer", retryable: false });
      const cost = parsed.data.extensions?.cost;
      const status = cost?.throttleStatus;
      if (status) bucket = { available: status.currentlyAvailable, rate: status.restoreRate };
      needed = cost?.requestedQueryCost ?? needed;
      const code = parsed.data.errors?.[0]?.extensions?.code;
      if (code === "THROTTLED") {
        const seconds =
          status && status.restoreRate > 0
            ? Math.ceil((needed - status.currentlyAvailable) / status.restoreRate)
            : 1;
        return fail({
          reason: "rate limited (query cost)",
          retryable: true,
          retryAfterSeconds: Math.max(1, seconds),
        });
      }
      if (code === "MAX_COST_EXCEEDED")
        return fail({ reason: "query cost over Shopify's limit", retryable: false });
      if (code === "ACCESS_DENIED")
        return fail({ reason: `access denied: check ${CREDENTIALS}`, retryable: false });
      if (parsed.data.errors?.length)
        return fail({ reason: `GraphQL error ${code ?? ""}`.trim(), retryable: false });
      return ok(parsed.data.data);
    };
    return async (query, variables) => {
      await refill();
      return withRetries(() => once(query, variables), options.wait);
    };
  };
}

/** The events an order's webhooks would have brought: purchase (per the purchase topics), then refunds or the cancellation. */
async function shopifyOrderEvents(order: ShopifyOrder, shop: string, config: Config, tooLong: Set<string>) {
  const purchase = purchaseTopicApplies(order, config)
    ? await shopifyPurchase(order, shop, config)
    : undefined;
  const after = order.cancelled_at
    ? await shopifyCancellation(order, shop, config)
    : await Promise.all(
        (order.refunds ?? []).map(async (refund) => ({ event: await shopifyRefund(refund, shop, config) })),
      );
  const refunds = after.filter((n) => !n.event.refund || !tooLong.has(n.event.refund.id));
  // At the shop's own domain, as the webhooks set it.
  const events = atShop([...(purchase ? [{ event: purchase }] : []), ...refunds], siteUrl(shop));
  return { purchase, events };
}

async function remainingLines(
  graphql: Graphql,
  order: GraphqlOrder,
): Promise<Result<Line[], ListingFailure>> {
  const lines = [...order.lineItems.nodes];
  let after = order.lineItems.pageInfo.endCursor;
  let more = order.lineItems.pageInfo.hasNextPage;
  while (more) {
    const answer = await graphql(ORDER_LINES_QUERY, { id: order.id, after });
    if (!answer.ok) return answer;
    const data = OrderLinesData.safeParse(answer.value);
    if (!data.success || !data.data.order)
      return fail({ reason: "malformed page: order lines", retryable: false });
    const page = data.data.order.lineItems;
    lines.push(...page.nodes);
    if (page.pageInfo.hasNextPage && page.pageInfo.endCursor === after) {
      return fail({ reason: "the shop API returned the same lines again", retryable: false });
    }
    after = page.pageInfo.endCursor;
    more = page.pageInfo.hasNextPage;
  }
  return ok(lines);
}

/**
 * All of an order's refunds: those the page brought, and, when it brought REFUNDS (there may be
 * more), the rest by id. `capped`: the order has MAX_REFUNDS refund ids or more, and refunds past
 * them are not read.
 */
async function allRefunds(
  graphql: Graphql,
  order: GraphqlOrder,
): Promise<Result<{ refunds: GraphqlRefund[]; capped: boolean }, ListingFailure>> {
  const refunds = [...(order.refunds ?? [])];
  if (refunds.length < REFUNDS) return ok({ refunds, capped: false });
  const answer = await graphql(ORDER_REFUND_IDS_QUERY, { id: order.id });
  if (!answer.ok) return answer;
  const ids = RefundIdsData.safeParse(answer.value);
  if (!ids.success || !ids.data.order)
    return fail({ reason: "malformed page: refund ids", retryable: false });
  const have = new Set(refunds.map((r) => r.id));
  const missing = ids.data.order.refunds.map((r) => r.id).filter((id) => !have.has(id));
  for (let i = 0; i < missing.length; i += REFUNDS) {
    const batch = missing.slice(i, i + REFUNDS);
    const page = await graphql(REFUNDS_QUERY, { ids: batch });
    if (!page.ok) return page;
    const data = RefundsData.safeParse(page.value);
    const found = data.success ? data.data.nodes : [];
    if (found.length !== batch.length || found.some((r, j) => r?.id !== batch[j])) {
      return fail({ reason: "malformed page: refunds", retryable: false });
    }
    refunds.push(...(found as GraphqlRefund[]));
  }
  return ok({ refunds, capped: ids.data.order.refunds.length >= MAX_REFUNDS });
}

async function listedOrder(
  graphql: Graphql,
  raw: unknown,
  shop: string,
  config: Config,
): Promise<Result<ListedOrder, ListingFailure>> {
  const node = GraphqlOrder.safeParse(raw);
  if (!node.success)
    return fail({ reason: `malformed page: ${schemaProblem(node.error)}`, retryable: false });
  const lines = await remainingLines(graphql, node.data);
  if (!lines.ok) return lines;
  const refunds = await allRefunds(graphql, node.data);
  if (!refunds.ok) return refunds;
  const whole = { ...node.data, refunds: refunds.value.refunds };
  const body = webhookOrderOf(whole, lines.value);
  const orderId = legacyId(node.data.id);
  const updatedAt = isoInstant(node.data.updatedAt);
  const order = ShopifyOrder.safeParse(body);
  if (!order.success) {
    const placedAt = isoInstant(node.data.createdAt);
    return ok(invalidOrder("shopify", shop, { orderId, updatedAt, placedAt }, schemaProblem(order.error)));
  }
  const tooLong = new Set(
    whole.refunds.filter((r) => r.refundLineItems.pageInfo.hasNextPage).map((r) => legacyId(r.id)),
  );
  const { purchase, events } = await shopifyOrderEvents(order.data, shop, config, tooLong);
  const notes = [
    purchase ? undefined : "not a purchase under SHOPIFY_PURCHASE_TOPICS",
    tooLong.size ? `a refund has more than ${REFUND_LINES} lines: not recovered` : undefined,
    refunds.value.capped ? `${MAX_REFUNDS} refunds or more: any past them not recovered` : undefined,
  ].filter(Boolean);
  return ok({
    orderId,
    updatedAt,
    placedAt: purchase?.occurredAt ?? isoInstant(node.data.createdAt),
    purchaseId: purchase?.id,
    note: notes.length ? notes.join("; ") : undefined,
    events,
  });
}

/** Shopify's orders through the GraphQL Admin API, by cursor. */
export function shopifyListing(shop: string, endpoint: URL, token: AdminToken, config: Config): OrderListing {
  const client = graphqlClient(endpoint, token);
  return {
    source: "shopify",
    shop,
    pageSize: (ordersPerRun) => Math.min(ordersPerRun, FIRST_PAGE_SIZE),
    async fetchPage(position, options): Promise<Result<ListingPage, ListingFailure>> {
      const graphql = client(options);
      let first = position.pageSize;
      for (;;) {
        const answer = await graphql(ORDERS_QUERY, {
          first,
          after: position.after ?? null,
          query: windowQuery(position),
        });
        if (!answer.ok && answer.reason.reason.startsWith("query cost") && first > 1) {
          first = Math.ceil(first / 2);
          continue;
        }
        if (!answer.ok) return answer;
        const data = OrdersData.safeParse(answer.value);
        if (!data.success) return fail({ reason: "malformed page: no orders connection", retryable: false });
        const { pageInfo, nodes } = data.data.orders;
        const orders: ListedOrder[] = [];
        for (const raw of nodes) {
          const listed = await listedOrder(graphql, raw, shop, config);
          if (!listed.ok) return listed;
          orders.push(listed.value);
        }
        if (pageInfo.hasNextPage && (!pageInfo.endCursor || pageInfo.endCursor === position.after)) {
          return fail({ reason: "the shop API returned the same page again", retryable: false });
        }
        const next = pageInfo.hasNextPage
          ? { ...position, pageSize: first, after: pageInfo.endCursor ?? undefined }
          : undefined;
        return ok({ orders, next });
      }
    },
  };
}
