import { afterEach, describe, expect, it, vi } from "vitest";
import type { ListingPosition } from "../../../src/sources/listing";
import { magentoListing } from "../../../src/sources/magento/listing";
import { testConfig } from "../../fixtures/events";
import { MAGENTO_SHOP, magentoOrder } from "../../fixtures/magento";
import {
  dayListing,
  MAGENTO_TOKEN,
  type MagentoRecord,
  mockShops,
  recordedWaits,
} from "../../fixtures/shop-apis";

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
