import { afterEach, describe, expect, it, vi } from "vitest";
import { clientCredentialsToken, staticToken } from "../../../src/sources/shopify/admin-token";
import { shopifyListing } from "../../../src/sources/shopify/listing";
import { testConfig } from "../../fixtures/events";
import {
  dayListing,
  mockShops,
  recordedWaits,
  SHOPIFY_CLIENT_ID,
  SHOPIFY_CLIENT_SECRET,
  SHOPIFY_TOKEN,
  type ShopifyRecord,
} from "../../fixtures/shop-apis";
import { SHOP } from "../../fixtures/shopify";
import { graphqlRefund, shopifyGraphqlOrder } from "../../fixtures/shopify-graphql";

const config = testConfig();
const ENDPOINT = new URL(`https://${SHOP}/admin/api/2026-01/graphql.json`);
const TOKEN_ENDPOINT = new URL(`https://${SHOP}/admin/oauth/access_token`);

afterEach(() => {
  vi.restoreAllMocks();
});

const order = (id: string, updatedAt: string, extra: Parameters<typeof shopifyGraphqlOrder>[0] = {}) =>
  ({
    ...shopifyGraphqlOrder({ id, createdAt: "2026-11-28T09:00:00Z", updatedAt, ...extra }),
  }) as ShopifyRecord;

function setup(token = staticToken(SHOPIFY_TOKEN)) {
  const mocked = mockShops();
  const listing = shopifyListing(SHOP, ENDPOINT, token, config);
  return { ...mocked, ...recordedWaits(), listing };
}

const sent = (body: string | undefined) =>
  JSON.parse(body ?? "{}") as { query: string; variables: Record<string, unknown> };

describe("Shopify order listing (GraphQL Admin API)", () => {
  it("asks for the window by updated_at, sorted by UPDATED_AT, and pages by cursor", async () => {
    const { shops, listing, options } = setup();
    shops.shopify = [
      order("1001", "2026-11-28T10:00:00Z"),
      order("1002", "2026-11-28T11:00:00Z"),
      order("1003", "2026-11-28T12:00:00Z"),
    ];
    const first = await listing.fetchPage(dayListing(), options);
    if (!first.ok || !first.value.next) throw new Error("expected a next page");
    expect(first.value.orders.map((o) => o.orderId)).toEqual(["1001", "1002"]);
    const request = sent(shops.requests[0].body);
    expect(request.query).toContain(
      "orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT)",
    );
    expect(request.variables).toEqual({
      first: 2,
      after: null,
      query: "updated_at:>='2026-11-28T00:00:00.000Z' AND updated_at:<'2026-11-29T00:00:00.000Z'",
    });
    const second = await listing.fetchPage(first.value.next, options);
    expect(second.ok && second.value.orders.map((o) => o.orderId)).toEqual(["1003"]);
    expect(second.ok && second.value.next).toBeUndefined();
    expect(sent(shops.requests[1].body).variables.after).toBe(first.value.next.after);
  });

  it("turns each order into the webhook's events: the purchase, then its refunds", async () => {
    const { shops, listing, options } = setup();
    shops.shopify = [order("1004", "2026-11-28T10:00:00Z", { refunds: [graphqlRefund({ id: "77" })] })];
    const page = await listing.fetchPage(dayListing(), options);
    if (!page.ok) throw new Error(page.reason.reason);
    expect(page.value.orders[0]).toMatchObject({
      orderId: "1004",
      updatedAt: "2026-11-28T10:00:00.000Z",
      placedAt: "2026-11-28T09:00:00Z",
      purchaseId: `shopify:${SHOP}:purchase:1004`,
    });
    expect(page.value.orders[0].events.map((n) => n.event.id)).toEqual([
      `shopify:${SHOP}:purchase:1004`,
      `shopify:${SHOP}:refund:77`,
    ]);
  });

  it("reads every refund of an order, not only the 5 the page brings, and sets the shop's site", async () => {
    const { shops, listing, options } = setup();
    const refunds = Array.from({ length: 12 }, (_, i) => graphqlRefund({ id: String(8801 + i) }));
    shops.shopify = [order("1006", "2026-11-28T10:00:00Z", { refunds })];
    const page = await listing.fetchPage(dayListing(), options);
    if (!page.ok) throw new Error(page.reason.reason);
    const events = page.value.orders[0].events;
    expect(events.map((n) => n.event.id)).toEqual([
      `shopify:${SHOP}:purchase:1006`,
      ...Array.from({ length: 12 }, (_, i) => `shopify:${SHOP}:refund:${8801 + i}`),
    ]);
    expect(new Set(events.map((n) => n.event.shopUrl))).toEqual(new Set([`https://${SHOP}/`]));
    expect(page.value.orders[0].note).toBeUndefined();
    // The page, the order's refund ids, then the 7 refunds it lacked by id, 5 a query.
    const asked = shops.requests.map((r) => sent(r.body));
    expect(asked.map((q) => /query (\w+)/.exec(q.query)?.[1])).toEqual([
      "TagrelayOrders",
      "TagrelayOrderRefundIds",
      "TagrelayRefunds",
      "TagrelayRefunds",
    ]);
    expect(asked[1].variables).toEqual({ id: "gid://shopify/Order/1006" });
    expect(asked[2].variables.ids).toEqual(
      [8806, 8807, 8808, 8809, 8810].map((id) => `gid://shopify/Refund/${id}`),
    );
    expect(asked[3].variables.ids).toEqual([8811, 8812].map((id) => `gid://shopify/Refund/${id}`));
  });

  it("asks for nothing more when an order has fewer refunds than the page brings", async () => {
    const { shops, listing, options } = setup();
    shops.shopify = [order("1007", "2026-11-28T10:00:00Z", { refunds: [graphqlRefund({ id: "8901" })] })];
    const page = await listing.fetchPage(dayListing(), options);
    expect(page.ok && page.value.orders[0].events.length).toBe(2);
    expect(shops.requests).toHaveLength(1);
  });

  it("reports the refunds past 250 of an order as not recovered, and reads the first 250", async () => {
    const { shops, listing, options } = setup();
    const refunds = Array.from({ length: 251 }, (_, i) => graphqlRefund({ id: String(10_001 + i) }));
    shops.shopify = [order("1008", "2026-11-28T10:00:00Z", { refunds })];
    const page = await listing.fetchPage(dayListing(), options);
    if (!page.ok) throw new Error(page.reason.reason);
    expect(page.value.orders[0].events).toHaveLength(251);
    expect(page.value.orders[0].note).toBe("250 refunds or more: any past them not recovered");
  });

  it("fetches the lines an order has beyond the page's 20", async () => {
    const { shops, listing, options } = setup();
    shops.shopify = [{ ...order("1005", "2026-11-28T10:00:00Z", { lineCount: 75 }), lineCount: 75 }];
    const page = await listing.fetchPage(dayListing(), options);
    if (!page.ok) throw new Error(page.reason.reason);
    expect(page.value.orders[0].events[0].event.order.items).toHaveLength(75);
    const lineQueries = shops.requests
      .map((r) => sent(r.body))
      .filter((r) => r.query.includes("TagrelayOrderLines"));
    expect(lineQueries.map((r) => r.variables)).toEqual([
      { id: "gid://shopify/Order/1005", after: "lines:20" },
      { id: "gid://shopify/Order/1005", after: "lines:70" },
    ]);
  });

  it("waits out THROTTLED for as long as the bucket takes to refill, then asks again", async () => {
    const { shops, listing, options, waits } = setup();
    shops.shopify = [order("1006", "2026-11-28T10:00:00Z")];
    let throttled = 1;
    shops.fault = () =>
      throttled-- > 0
        ? new Response(
            JSON.stringify({
              errors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }],
              extensions: {
                cost: {
                  requestedQueryCost: 382,
                  actualQueryCost: null,
                  throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 82, restoreRate: 100 },
                },
              },
            }),
          )
        : undefined;
    const page = await listing.fetchPage(dayListing(), options);
    expect(page.ok && page.value.orders.map((o) => o.orderId)).toEqual(["1006"]);
    // (382 − 82) ÷ 100 points a second.
    expect(waits).toEqual([3000]);
  });

  it("asks for fewer orders a query when Shopify says the query costs too much", async () => {
    const { shops, listing, options } = setup();
    shops.shopify = [order("1007", "2026-11-28T10:00:00Z"), order("1008", "2026-11-28T11:00:00Z")];
    const page = await listing.fetchPage(dayListing(8), options);
    expect(page.ok && page.value.orders.map((o) => o.orderId)).toEqual(["1007", "1008"]);
    expect(shops.requests.map((r) => sent(r.body).variables.first)).toEqual([8, 4]);
  });

  it("fetches a token by the client-credentials grant once, and again after Shopify refuses it", async () => {
    const token = clientCredentialsToken(TOKEN_ENDPOINT, SHOPIFY_CLIENT_ID, SHOPIFY_CLIENT_SECRET);
    const { shops, listing, options } = setup(token);
    shops.shopify = [order("1009", "2026-11-28T10:00:00Z")];
    expect((await listing.fetchPage(dayListing(), options)).ok).toBe(true);
    expect((await listing.fetchPage(dayListing(), options)).ok).toBe(true);
    expect(shops.tokensIssued).toBe(1);
    const grant = shops.requests.find((r) => r.url.pathname === "/admin/oauth/access_token");
    expect(Object.fromEntries(new URLSearchParams(grant?.body))).toEqual({
      grant_type: "client_credentials",
      client_id: SHOPIFY_CLIENT_ID,
      client_secret: SHOPIFY_CLIENT_SECRET,
    });
    let refused = 1;
    shops.fault = (_, url) =>
      url.pathname.endsWith("graphql.json") && refused-- > 0
        ? new Response('{"errors":"[API] Invalid API key"}', { status: 401 })
        : undefined;
    expect((await listing.fetchPage(dayListing(), options)).ok).toBe(true);
    expect(shops.tokensIssued).toBe(2);
  });

  it("stops at a 401 for a static token, naming the settings and the scope", async () => {
    const { shops, listing, options } = setup(staticToken("shpat_wrong"));
    shops.shopify = [order("1010", "2026-11-28T10:00:00Z")];
    const page = await listing.fetchPage(dayListing(), options);
    expect(!page.ok && page.reason.reason).toBe(
      "unauthorized (HTTP 401): check SHOPIFY_ADMIN_TOKEN (or SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET); the app needs read_orders",
    );
  });

  it("refuses a page whose order is not the documented shape: nothing on it is read", async () => {
    const { shops, listing, options } = setup();
    const { lineItems: _, ...broken } = order("1011", "2026-11-28T10:00:00Z");
    shops.fault = () =>
      new Response(
        JSON.stringify({
          data: { orders: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: [broken] } },
        }),
      );
    const page = await listing.fetchPage(dayListing(), options);
    expect(!page.ok && page.reason.reason).toBe(
      "malformed page: lineItems: Invalid input: expected object, received undefined",
    );
  });

  it("stops when hasNextPage never ends with the same cursor", async () => {
    const { shops, listing, options } = setup();
    shops.fault = () =>
      new Response(
        JSON.stringify({
          data: { orders: { pageInfo: { hasNextPage: true, endCursor: "same" }, nodes: [] } },
        }),
      );
    const page = await listing.fetchPage({ ...dayListing(), after: "same" }, options);
    expect(!page.ok && page.reason.reason).toBe("the shop API returned the same page again");
  });
});
