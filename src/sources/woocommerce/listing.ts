import * as z from "zod";
import type { Config } from "../../config";
import { joinUrl } from "../../lib/endpoints";
import { ok, type Result } from "../../lib/result";
import { siteUrl } from "../../lib/shops";
import {
  excludedIds,
  getCheckedPage,
  isoInstant,
  type ListedOrder,
  type ListingFailure,
  type ListingPage,
  type OrderListing,
  orderOrInvalid,
  type PageEntry,
  readNumberedPage,
} from "../listing";
import { NumericId } from "../schema-values";
import { atShop } from "../types";
import { woocommerceOrderEvents } from "./normalize";
import { GmtDate, WooOrder } from "./schema";

const CREDENTIALS = "WOOCOMMERCE_CONSUMER_KEY and WOOCOMMERCE_CONSUMER_SECRET (a key with Read access)";

/** What a page must be before any order on it is read: an array of orders with ids and dates. */
const Page = z.array(z.looseObject({ id: NumericId, date_modified_gmt: GmtDate, date_created_gmt: GmtDate }));
type Head = z.infer<typeof Page>[number];

/** WooCommerce compares dates to the second and `modified_after` excludes its own second. */
const gmt = (instant: string, shiftSeconds = 0) =>
  new Date(Date.parse(instant) + shiftSeconds * 1000).toISOString().slice(0, 19);

async function listedOrder(
  { id, updatedAt, head, raw }: PageEntry<Head>,
  shop: string,
  shopUrl: string | undefined,
  config: Config,
) {
  const created = isoInstant(head.date_created_gmt);
  const order = orderOrInvalid(WooOrder, raw, "woocommerce", shop, {
    orderId: id,
    updatedAt,
    placedAt: created,
  });
  if (!order.ok) return order.reason;
  const events = atShop(await woocommerceOrderEvents(order.value, shop, config), shopUrl);
  const purchase = events.find((n) => n.event.kind === "purchase")?.event;
  const listed: ListedOrder = {
    orderId: id,
    updatedAt,
    placedAt: purchase?.occurredAt ?? created,
    purchaseId: purchase?.id,
    note: purchase ? undefined : `order status ${order.value.status.slice(0, 40)} is not paid`,
    events,
  };
  return listed;
}

/**
 * WooCommerce's `GET /wp-json/wc/v3/orders`, oldest change first: `modified_after` / `modified_before`
 * with `dates_are_gmt`, `orderby=modified`, Basic auth; `exclude` (an array argument, which the WP
 * REST API also takes as a comma-separated list: rest_sanitize_array → wp_parse_list) leaves out
 * the orders of the first instant already listed. Each event's site is the store's URL
 * (WOOCOMMERCE_URL), as X-WC-Webhook-Source gives it to the webhooks.
 */
export function woocommerceListing(
  shop: string,
  site: URL,
  key: string,
  secret: string,
  config: Config,
): OrderListing {
  const authorization = `Basic ${btoa(`${key}:${secret}`)}`;
  const shopUrl = siteUrl(site.href);
  return {
    source: "woocommerce",
    shop,
    pageSize: (ordersPerRun) => Math.min(ordersPerRun, 100),
    async fetchPage(position, options): Promise<Result<ListingPage, ListingFailure>> {
      const url = joinUrl(site, "wp-json/wc/v3/orders");
      const query = {
        modified_after: gmt(position.from, -1),
        modified_before: gmt(position.until),
        dates_are_gmt: "true",
        orderby: "modified",
        order: "asc",
        per_page: String(position.pageSize),
        page: String(position.page),
      };
      for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
      const excluded = excludedIds(position);
      if (excluded.length) url.searchParams.set("exclude", excluded.join(","));
      const fetched = await getCheckedPage(url, { authorization }, CREDENTIALS, Page, options);
      if (!fetched.ok) return fetched;
      const { page, json, headers } = fetched.value;
      const raws = json as unknown[];
      const entries = page.map((head, i) => ({
        id: head.id,
        updatedAt: isoInstant(head.date_modified_gmt),
        head,
        raw: raws[i],
      }));
      const totalPages = Number(headers.get("x-wp-totalpages") ?? Number.NaN);
      const full = entries.length >= position.pageSize;
      const more = full && !(Number.isInteger(totalPages) && position.page >= totalPages);
      const read = await readNumberedPage(position, entries, more, (e) =>
        listedOrder(e, shop, shopUrl, config),
      );
      return read.ok ? ok({ orders: read.value.listed, next: read.value.next }) : read;
    },
  };
}
