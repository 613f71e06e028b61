import { afterEach, describe, expect, it, vi } from "vitest";
import type { ListingPosition } from "../../../src/sources/listing";
import { woocommerceListing } from "../../../src/sources/woocommerce/listing";
import { testConfig } from "../../fixtures/events";
import {
  dayListing,
  endlessBody,
  mockShops,
  recordedWaits,
  WOO_KEY,
  WOO_SECRET_KEY,
  type WooRecord,
} from "../../fixtures/shop-apis";
import { WOO_SHOP, wooOrder } from "../../fixtures/woocommerce";

const config = testConfig();
const SITE = new URL("https://shop.example/");

afterEach(() => {
  vi.restoreAllMocks();
});

/** Paid orders changed at the given GMT times ("2026-11-28T10:00:00"), ids from 501. */
const orders = (...modified: string[]): WooRecord[] =>
  modified.map(
    (at, i) => wooOrder({ id: 501 + i, createdAt: "2026-11-28T09:00:00", modifiedAt: at }) as WooRecord,
  );

function setup(key = WOO_KEY) {
  const mocked = mockShops();
  const listing = woocommerceListing(WOO_SHOP, SITE, key, WOO_SECRET_KEY, config);
  return { ...mocked, ...recordedWaits(), listing };
}

/** Every order id a listing lists from `position` to its end (10 pages at most). */
async function listAll(
  listing: ReturnType<typeof setup>["listing"],
  options: ReturnType<typeof setup>["options"],
  start: ListingPosition,
): Promise<string[]> {
  const listed: string[] = [];
  let position: ListingPosition | undefined = start;
  for (let i = 0; position && i < 10; i++) {
    const page = await listing.fetchPage(position, options);
    if (!page.ok) throw new Error(page.reason.reason);
    listed.push(...page.value.orders.map((o) => o.orderId));
    position = page.value.next;
  }
  return listed;
}

describe("WooCommerce order listing", () => {
  it("asks for the window, oldest change first, and pages on from the last change seen", async () => {
    const { shops, listing, options } = setup();
    shops.woocommerce = orders("2026-11-28T10:00:00", "2026-11-28T11:00:00", "2026-11-28T12:00:00");
    const first = await listing.fetchPage(dayListing(), options);
    expect(first.ok && first.value.orders.map((o) => o.orderId)).toEqual(["501", "502"]);
    const query = Object.fromEntries(shops.requests[0].url.searchParams);
    expect(shops.requests[0].url.pathname).toBe("/wp-json/wc/v3/orders");
    expect(query).toEqual({
      modified_after: "2026-11-27T23:59:59",
      modified_before: "2026-11-29T00:00:00",
      dates_are_gmt: "true",
      orderby: "modified",
      order: "asc",
      per_page: "2",
      page: "1",
    });
    if (!first.ok) throw new Error("first page failed");
    expect(first.value.next).toEqual({
      ...dayListing(),
      from: "2026-11-28T11:00:00.000Z",
      seen: ["502"],
      previous: "501…502×2",
    });
    const second = await listing.fetchPage(first.value.next as ListingPosition, options);
    expect(second.ok && second.value.orders.map((o) => o.orderId)).toEqual(["503"]);
    expect(second.ok && second.value.next).toBeUndefined();
    expect(shops.requests[1].url.searchParams.get("modified_after")).toBe("2026-11-28T10:59:59");
  });

  it("lists orders changed in the same second across pages once each", async () => {
    const { shops, listing, options } = setup();
    shops.woocommerce = orders(...Array.from({ length: 5 }, () => "2026-11-28T10:00:00"));
    const listed = await listAll(listing, options, dayListing());
    expect(listed).toEqual(["501", "502", "503", "504", "505"]);
    // The rest of the second is asked for by leaving out what was listed, never by page number.
    expect(
      shops.requests.map((r) => [r.url.searchParams.get("page"), r.url.searchParams.get("exclude")]),
    ).toEqual([
      ["1", null],
      ["1", "501,502"],
      ["1", "501,502,503,504"],
    ]);
  });

  it("does not skip an order when one listed before it is edited while the second is listed", async () => {
    const { shops, listing, options } = setup();
    shops.woocommerce = orders(...Array.from({ length: 5 }, () => "2026-11-28T10:00:00"));
    const first = await listing.fetchPage(dayListing(), options);
    if (!first.ok || !first.value.next) throw new Error("expected a next page");
    expect(first.value.orders.map((o) => o.orderId)).toEqual(["501", "502"]);
    // The shop owner edits order 501 now: it leaves 10:00:00, and every later order moves up one
    // place. Page 2 of that second (what page numbers would read next) now starts at 504: 503 is
    // on no page any more.
    shops.woocommerce[0] = { ...shops.woocommerce[0], date_modified_gmt: "2026-11-29T00:00:05" };
    const pageTwo = await fetch(
      "https://shop.example/wp-json/wc/v3/orders?modified_after=2026-11-28T09:59:59&modified_before=2026-11-29T00:00:00&dates_are_gmt=true&orderby=modified&order=asc&per_page=2&page=2",
      { headers: { authorization: `Basic ${btoa(`${WOO_KEY}:${WOO_SECRET_KEY}`)}` } },
    );
    expect(((await pageTwo.json()) as Array<{ id: number }>).map((o) => o.id)).toEqual([504, 505]);

    const listed = await listAll(listing, options, first.value.next);
    expect(listed).toEqual(["503", "504", "505"]);
  });

  it("reads past MAX_EXCLUDED orders of one second by page number, leaving the first 200 out", async () => {
    const { shops, listing, options } = setup();
    shops.woocommerce = orders(...Array.from({ length: 305 }, () => "2026-11-28T10:00:00"));
    const listed = await listAll(listing, options, dayListing(100));
    expect(listed).toEqual(Array.from({ length: 305 }, (_, i) => String(501 + i)));
    const asked = shops.requests.map((r) => [
      r.url.searchParams.get("page"),
      r.url.searchParams.get("exclude")?.split(",").length ?? 0,
    ]);
    expect(asked).toEqual([
      ["1", 0],
      ["1", 100],
      ["1", 200],
      ["2", 200],
    ]);
  });

  it("normalizes each order with the webhook's rules: purchase id, when it was placed, why not", async () => {
    const { shops, listing, options } = setup();
    shops.woocommerce = [
      wooOrder({ id: 601, createdAt: "2026-11-28T09:00:00", modifiedAt: "2026-11-28T10:00:00" }) as WooRecord,
      wooOrder({
        id: 602,
        status: "pending",
        createdAt: "2026-11-28T09:30:00",
        modifiedAt: "2026-11-28T10:01:00",
      }) as WooRecord,
    ];
    const page = await listing.fetchPage(dayListing(10), options);
    expect(page.ok && page.value.orders).toMatchObject([
      {
        orderId: "601",
        updatedAt: "2026-11-28T10:00:00.000Z",
        placedAt: "2026-11-28T09:01:30Z",
        purchaseId: `woocommerce:${WOO_SHOP}:purchase:601`,
        note: undefined,
        // The store's URL (WOOCOMMERCE_URL), as X-WC-Webhook-Source gives it to the webhooks.
        events: [{ event: { kind: "purchase", shopUrl: "https://shop.example/" } }],
      },
      {
        orderId: "602",
        placedAt: "2026-11-28T09:30:00.000Z",
        note: "order status pending is not paid",
        events: [],
      },
    ]);
  });

  it("stops at a 401 without retrying, naming the settings", async () => {
    const { shops, listing, options } = setup("ck_wrong_key");
    shops.woocommerce = orders("2026-11-28T10:00:00");
    const page = await listing.fetchPage(dayListing(), options);
    expect(page).toEqual({
      ok: false,
      reason: {
        reason:
          "unauthorized (HTTP 401): check WOOCOMMERCE_CONSUMER_KEY and WOOCOMMERCE_CONSUMER_SECRET (a key with Read access)",
        retryable: false,
        status: 401,
      },
    });
    expect(shops.requests).toHaveLength(1);
  });

  it("waits as a 429's Retry-After asks, then goes on", async () => {
    const { shops, listing, options, waits } = setup();
    shops.woocommerce = orders("2026-11-28T10:00:00");
    let limited = 1;
    shops.fault = () =>
      limited-- > 0 ? new Response("", { status: 429, headers: { "retry-after": "2" } }) : undefined;
    const page = await listing.fetchPage(dayListing(), options);
    expect(page.ok && page.value.orders.map((o) => o.orderId)).toEqual(["501"]);
    expect(waits).toEqual([2000]);
    expect(shops.requests).toHaveLength(2);
  });

  it("does not wait minutes in a run: a long Retry-After stops it for the next run", async () => {
    const { shops, listing, options, waits } = setup();
    shops.fault = () => new Response("", { status: 429, headers: { "retry-after": "120" } });
    const page = await listing.fetchPage(dayListing(), options);
    expect(!page.ok && page.reason).toMatchObject({
      reason: "rate limited (HTTP 429): retry after 120 s",
      status: 429,
    });
    expect(waits).toEqual([]);
  });

  it("retries a 5xx twice, then stops", async () => {
    const { shops, listing, options, waits } = setup();
    shops.fault = () => new Response("<html>Bad gateway</html>", { status: 502 });
    const page = await listing.fetchPage(dayListing(), options);
    expect(!page.ok && page.reason.reason).toBe("HTTP 502, 3 tries");
    expect(waits).toEqual([1000, 2000]);
    expect(shops.requests).toHaveLength(3);
  });

  it("refuses a malformed page whole: not JSON, not a list, an order without its dates", async () => {
    const { shops, listing, options } = setup();
    const answers = [
      new Response("<!doctype html><p>Maintenance</p>", { status: 200 }),
      new Response(JSON.stringify({ orders: [] }), { status: 200 }),
      new Response(JSON.stringify([{ id: 1, status: "processing" }]), { status: 200 }),
    ];
    shops.fault = () => answers.shift();
    const reasons = [];
    for (let i = 0; i < 3; i++) {
      const page = await listing.fetchPage(dayListing(), options);
      reasons.push(!page.ok && page.reason.reason);
    }
    expect(reasons).toEqual([
      "malformed page: not JSON",
      "malformed page: body: Invalid input: expected array, received object",
      "malformed page: 0.date_modified_gmt: Invalid input: expected string, received undefined",
    ]);
  });

  it("stops reading a page that never ends", async () => {
    const { shops, listing, options } = setup();
    shops.fault = () => endlessBody();
    const page = await listing.fetchPage(dayListing(), options);
    expect(!page.ok && page.reason).toMatchObject({
      reason: "malformed page: over 8388608 bytes",
      retryable: false,
    });
  });

  it("stops when the API answers the same page whatever is asked for", async () => {
    const { shops, listing, options } = setup();
    shops.woocommerce = orders("2026-11-28T10:00:00", "2026-11-28T10:00:00", "2026-11-28T10:00:00");
    // A caching proxy that drops the query string: every request gets the first page.
    shops.fault = () =>
      new Response(JSON.stringify(shops.woocommerce.slice(0, 2)), { headers: { "x-wp-totalpages": "2" } });
    const first = await listing.fetchPage(dayListing(), options);
    if (!first.ok || !first.value.next) throw new Error("expected a next page");
    const second = await listing.fetchPage(first.value.next, options);
    expect(!second.ok && second.reason.reason).toBe("the shop API returned the same page again");
  });
});
