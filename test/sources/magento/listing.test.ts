import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ListingPosition } from "../../../src/sources/listing";
import { magentoListing } from "../../../src/sources/magento/listing";
import { testConfig } from "../../fixtures/events";
import { MAGENTO_SHOP, magentoCreditMemo, magentoOrder, signedMagentoRequest } from "../../fixtures/magento";
import {
  dayListing,
  MAGENTO_TOKEN,
  type MagentoRecord,
  mockShops,
  recordedWaits,
} from "../../fixtures/shop-apis";
import { fetchWith, recordingQueue } from "../../helpers";

const config = testConfig();
const STORE = new URL("https://magento.example/");

afterEach(() => {
  vi.restoreAllMocks();
});

const order = (id: number, updatedAt: string, state = "processing"): MagentoRecord => ({
  ...magentoOrder({ entityId: String(id), state, createdAt: "2026-11-28 09:00:00" }),
  entity_id: id,
  updated_at: updatedAt,
});

function setup(token = MAGENTO_TOKEN) {
  const mocked = mockShops();
  const listing = magentoListing(MAGENTO_SHOP, STORE, token, config);
  return { ...mocked, ...recordedWaits(), listing };
}

async function listAll(
  listing: ReturnType<typeof setup>["listing"],
  options: ReturnType<typeof setup>["options"],
) {
  const listed: string[] = [];
  let position: ListingPosition | undefined = dayListing();
  let pages = 0;
  for (; position && pages < 20; pages++) {
    const page = await listing.fetchPage(position, options);
    if (!page.ok) throw new Error(page.reason.reason);
    listed.push(...page.value.orders.map((o) => o.orderId));
    position = page.value.next;
  }
  return { listed, pages };
}

describe("Magento order listing", () => {
  it("asks with searchCriteria on updated_at, oldest change first, with the bearer token", async () => {
    const { shops, listing, options } = setup();
    shops.magento = [order(3, "2026-11-28 10:00:00"), order(4, "2026-11-28 11:00:00")];
    const page = await listing.fetchPage(dayListing(), options);
    expect(page.ok && page.value.orders).toMatchObject([
      {
        orderId: "3",
        updatedAt: "2026-11-28T10:00:00.000Z",
        purchaseId: `magento:${MAGENTO_SHOP}:purchase:3`,
      },
      { orderId: "4", updatedAt: "2026-11-28T11:00:00.000Z" },
    ]);
    const url = shops.requests[0].url;
    expect(url.pathname).toBe("/rest/V1/orders");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      "searchCriteria[filter_groups][0][filters][0][field]": "updated_at",
      "searchCriteria[filter_groups][0][filters][0][value]": "2026-11-28 00:00:00",
      "searchCriteria[filter_groups][0][filters][0][condition_type]": "gteq",
      "searchCriteria[filter_groups][1][filters][0][field]": "updated_at",
      "searchCriteria[filter_groups][1][filters][0][value]": "2026-11-29 00:00:00",
      "searchCriteria[filter_groups][1][filters][0][condition_type]": "lt",
      "searchCriteria[sortOrders][0][field]": "updated_at",
      "searchCriteria[sortOrders][0][direction]": "ASC",
      "searchCriteria[sortOrders][1][field]": "entity_id",
      "searchCriteria[sortOrders][1][direction]": "ASC",
      "searchCriteria[pageSize]": "2",
      "searchCriteria[currentPage]": "1",
    });
  });

  it("sets the store MAGENTO_URL names as each event's site, as the webhooks do", async () => {
    const { shops, listing, options } = setup();
    shops.magento = [order(3, "2026-11-28 10:00:00")];
    const page = await listing.fetchPage(dayListing(), options);
    expect(page.ok && page.value.orders[0].events.map((n) => n.event.shopUrl)).toEqual([
      "https://magento.example/",
    ]);
  });

  it("does not skip an order when one listed before it is edited while the second is listed", async () => {
    const { shops, listing, options } = setup();
    shops.magento = [1, 2, 3, 4, 5].map((id) => order(id, "2026-11-28 10:00:00"));
    const first = await listing.fetchPage(dayListing(), options);
    if (!first.ok || !first.value.next) throw new Error("expected a next page");
    expect(first.value.orders.map((o) => o.orderId)).toEqual(["1", "2"]);
    // Order 1 is edited now: currentPage 2 of that second would start at 4, and 3 be on no page.
    shops.magento[0] = { ...shops.magento[0], updated_at: "2026-11-29 00:00:05" };
    const listed: string[] = [];
    let position: ListingPosition | undefined = first.value.next;
    for (let i = 0; position && !position.part && i < 10; i++) {
      const page = await listing.fetchPage(position, options);
      if (!page.ok) throw new Error(page.reason.reason);
      listed.push(...page.value.orders.map((o) => o.orderId));
      position = page.value.next;
    }
    expect(listed).toEqual(["3", "4", "5"]);
    const asked = shops.requests.map((r) => Object.fromEntries(r.url.searchParams));
    expect(
      asked.map((q) => [
        q["searchCriteria[currentPage]"],
        q["searchCriteria[filter_groups][2][filters][0][field]"],
        q["searchCriteria[filter_groups][2][filters][0][value]"],
        q["searchCriteria[filter_groups][2][filters][0][condition_type]"],
      ]),
    ).toEqual([
      ["1", undefined, undefined, undefined],
      ["1", "entity_id", "1,2", "nin"],
      ["1", "entity_id", "1,2,3,4", "nin"],
    ]);
  });

  it("lists the credit memos of the same window once the orders are listed", async () => {
    const { shops, listing, options } = setup();
    shops.magento = [order(3, "2026-11-28 10:00:00")];
    shops.magentoCreditMemos = [
      {
        ...magentoCreditMemo({ entityId: "701", orderId: "1" }),
        entity_id: 701,
        updated_at: "2026-11-28 08:00:00",
      },
      {
        ...magentoCreditMemo({ entityId: "702", orderId: "3" }),
        entity_id: 702,
        updated_at: "2026-11-29 08:00:00",
      },
    ];
    // The orders part has moved on from the window's start; the memos start there again.
    const position = { ...dayListing(), from: "2026-11-28T09:00:00.000Z", start: "2026-11-28T00:00:00.000Z" };
    const orders = await listing.fetchPage(position, options);
    if (!orders.ok || !orders.value.next) throw new Error("expected the credit memos next");
    expect(orders.value.orders.map((o) => o.orderId)).toEqual(["3"]);
    expect(orders.value.next).toEqual({
      from: "2026-11-28T00:00:00.000Z",
      until: "2026-11-29T00:00:00.000Z",
      pageSize: 2,
      page: 1,
      seen: [],
      start: "2026-11-28T00:00:00.000Z",
      part: "creditmemos",
    });
    const memos = await listing.fetchPage(orders.value.next, options);
    if (!memos.ok) throw new Error(memos.reason.reason);
    expect(memos.value.orders).toEqual([]);
    expect(memos.value.refunds?.map((r) => [r.refundId, r.events.map((n) => n.event.id)])).toEqual([
      ["701", [`magento:${MAGENTO_SHOP}:refund:701`]],
    ]);
    expect(memos.value.next).toBeUndefined();
    const url = shops.requests[1].url;
    expect(url.pathname).toBe("/rest/V1/creditmemos");
    expect(url.searchParams.get("searchCriteria[filter_groups][0][filters][0][value]")).toBe(
      "2026-11-28 00:00:00",
    );
    expect(url.searchParams.get("searchCriteria[sortOrders][0][field]")).toBe("updated_at");
  });

  it("turns a listed credit memo into exactly the refund its webhook stores", async () => {
    const { shops, listing, options } = setup();
    // The memo as `GET /V1/creditmemos` answers it: amounts as JSON numbers, every REST field.
    shops.magentoCreditMemos = [
      {
        entity_id: 7301,
        order_id: 7300,
        increment_id: "20007301",
        invoice_id: 12,
        state: 2,
        creditmemo_status: 2,
        store_id: 1,
        created_at: "2026-11-28 09:30:00",
        updated_at: "2026-11-28 09:30:01",
        base_currency_code: "USD",
        order_currency_code: "EUR",
        global_currency_code: "USD",
        base_to_order_rate: 0.9174,
        base_grand_total: 86.11,
        grand_total: 79,
        subtotal: 74,
        subtotal_incl_tax: 74,
        discount_amount: 0,
        tax_amount: 0,
        shipping_amount: 5,
        shipping_incl_tax: 5,
        adjustment_positive: 0,
        adjustment_negative: 0,
        email_sent: 1,
        items: [
          {
            entity_id: 11,
            parent_id: 7301,
            order_item_id: 1,
            product_id: 1553,
            sku: "WS12-M-Orange",
            name: "Radiant Tee",
            price: 22,
            base_price: 24,
            row_total: 22,
            qty: 1,
          },
          {
            entity_id: 12,
            parent_id: 7301,
            order_item_id: 2,
            product_id: 67,
            sku: "MH01-S-Gray",
            name: "Chaz Hoodie",
            price: 52,
            base_price: 56.68,
            row_total: 52,
            qty: 1,
          },
          {
            entity_id: 13,
            parent_id: 7301,
            order_item_id: 3,
            product_id: 56,
            sku: "MH01-S-Gray",
            name: "Chaz Hoodie-S-Gray",
            price: 0,
            base_price: 0,
            row_total: 0,
            qty: 1,
          },
          {
            entity_id: 14,
            parent_id: 7301,
            order_item_id: 4,
            product_id: 51,
            sku: "24-WG080-24-WG084",
            name: "Yoga Kit",
            price: 68,
            base_price: 74.12,
            row_total: 0,
            qty: 0,
          },
        ],
        comments: [],
      },
    ];
    const memos = await listing.fetchPage({ ...dayListing(), part: "creditmemos" }, options);
    if (!memos.ok) throw new Error(memos.reason.reason);
    const listed = memos.value.refunds?.[0].events[0].event;

    // The same memo as the webhook's body template renders it: amounts as decimal text.
    const webhookMemo = {
      ...magentoCreditMemo({ entityId: "7301", orderId: "7300" }),
      created_at: "2026-11-28 09:30:00",
    };
    const answer = await fetchWith(await signedMagentoRequest(JSON.stringify({ creditmemo: webhookMemo })), {
      EVENTS_QUEUE: recordingQueue(),
    });
    expect(answer.status).toBe(200);
    const row = await env.DB.prepare("SELECT payload FROM events WHERE id = ?1")
      .bind(`magento:${MAGENTO_SHOP}:refund:7301`)
      .first<{ payload: string }>();
    expect(listed).toEqual(JSON.parse(row?.payload ?? "{}"));
    expect(listed).toMatchObject({
      id: `magento:${MAGENTO_SHOP}:refund:7301`,
      kind: "refund",
      occurredAt: "2026-11-28T09:30:00Z",
      shopUrl: "https://magento.example/",
      order: { id: "7300", currency: "EUR", value: "79.00" },
      refund: { id: "7301", value: "79.00", shipping: "5.00", full: false },
    });
  });

  it("reports a credit memo that fails the webhook's schema, storing nothing for it", async () => {
    const { shops, listing, options } = setup();
    shops.magentoCreditMemos = [
      {
        entity_id: 7401,
        order_id: 7400,
        created_at: "2026-11-28 09:30:00",
        updated_at: "2026-11-28 09:30:00",
      },
    ];
    const memos = await listing.fetchPage({ ...dayListing(), part: "creditmemos" }, options);
    expect(memos.ok && memos.value.refunds).toEqual([
      {
        refundId: "7401",
        updatedAt: "2026-11-28T09:30:00.000Z",
        note: "invalid credit memo: order_currency_code: Invalid input: expected string, received undefined",
        events: [],
      },
    ]);
  });

  it("ends where total_count says, though Magento answers a page past the last with the last again", async () => {
    const { shops, listing, options } = setup();
    shops.magento = [
      order(1, "2026-11-28 10:00:00"),
      order(2, "2026-11-28 10:00:00"),
      order(3, "2026-11-28 10:00:00"),
      order(4, "2026-11-28 10:00:00"),
    ];
    const { listed, pages } = await listAll(listing, options);
    expect(listed).toEqual(["1", "2", "3", "4"]);
    // Two pages of orders (the second leaving out the first's), then the window's credit memos.
    expect(pages).toBe(3);
  });

  it("lists an order not in a purchase state with the state as the reason", async () => {
    const { shops, listing, options } = setup();
    shops.magento = [order(5, "2026-11-28 10:00:00", "pending_payment")];
    const page = await listing.fetchPage(dayListing(), options);
    expect(page.ok && page.value.orders).toEqual([
      {
        orderId: "5",
        updatedAt: "2026-11-28T10:00:00.000Z",
        placedAt: "2026-11-28T09:00:00.000Z",
        note: "order state pending_payment",
        events: [],
      },
    ]);
  });

  it("stops at a 401, saying which store setting a bearer token needs", async () => {
    const { shops, listing, options } = setup("wrong-token");
    shops.magento = [order(3, "2026-11-28 10:00:00")];
    const page = await listing.fetchPage(dayListing(), options);
    expect(!page.ok && page.reason.reason).toBe(
      "unauthorized (HTTP 401): check MAGENTO_API_TOKEN (an integration's access token, with Stores → Configuration → " +
        "Services → OAuth → Allow OAuth Access Tokens to be used as standalone Bearer tokens set to Yes)",
    );
  });

  it("refuses a page without total_count: nothing on it is read", async () => {
    const { shops, listing, options } = setup();
    shops.fault = () => new Response(JSON.stringify({ items: [order(3, "2026-11-28 10:00:00")] }));
    const page = await listing.fetchPage(dayListing(), options);
    expect(!page.ok && page.reason.reason).toBe(
      "malformed page: total_count: Invalid input: expected number, received undefined",
    );
  });
});
