import { z } from "zod";
import type { Config } from "../../config";
import { joinUrl } from "../../lib/endpoints";
import { fail, ok, type Result } from "../../lib/result";
import { eventId } from "../../model/commerce-event";
import {
  fetchJson,
  isoInstant,
  type ListedOrder,
  type ListingFailure,
  type ListingPage,
  nextPagePosition,
  type OrderListing,
  repeatsPrevious,
  unseen,
  withRetries,
} from "../listing";
import { NumericId } from "../schema-values";
import { schemaProblem } from "../types";
import { woocommerceOrderEvents } from "./normalize";
import { GmtDate, WooOrder } from "./schema";

const CREDENTIALS = "WOOCOMMERCE_CONSUMER_KEY and WOOCOMMERCE_CONSUMER_SECRET (a key with Read access)";

/** What a page must be before any order on it is read: an array of orders with ids and dates. */
const Page = z.array(z.looseObject({ id: NumericId, date_modified_gmt: GmtDate, date_created_gmt: GmtDate }));

/** WooCommerce compares dates to the second and `modified_after` excludes its own second. */
const gmt = (instant: string, shiftSeconds = 0) =>
  new Date(Date.parse(instant) + shiftSeconds * 1000).toISOString().slice(0, 19);

async function listedOrder(raw: unknown, head: z.infer<typeof Page>[number], shop: string, config: Config) {
  const orderId = head.id;
  const updatedAt = isoInstant(head.date_modified_gmt);
  const order = WooOrder.safeParse(raw);
  if (!order.success) {
    const note = `invalid order: ${schemaProblem(order.error)}`;
    const purchaseId = eventId("woocommerce", shop, "purchase", orderId);
    return { orderId, updatedAt, placedAt: isoInstant(head.date_created_gmt), purchaseId, note, events: [] };
  }
  const events = await woocommerceOrderEvents(order.data, shop, config);
  const purchase = events.find((n) => n.event.kind === "purchase")?.event;
  const listed: ListedOrder = {
    orderId,
    updatedAt,
    placedAt: purchase?.occurredAt ?? isoInstant(head.date_created_gmt),
    purchaseId: purchase?.id,
    note: purchase ? undefined : `order status ${order.data.status.slice(0, 40)} is not paid`,
    events,
  };
  return listed;
}

/**
 * WooCommerce's `GET /wp-json/wc/v3/orders`, oldest change first: `modified_after` / `modified_before`
 * with `dates_are_gmt`, `orderby=modified` (WooCommerce adds the id as the tie-break), Basic auth.
 */
export function woocommerceListing(
  shop: string,
  site: URL,
  key: string,
  secret: string,
  config: Config,
): OrderListing {
  const authorization = `Basic ${btoa(`${key}:${secret}`)}`;
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
      const fetched = await withRetries(
        () =>
          fetchJson(
            url,
            { headers: { authorization, accept: "application/json" } },
            CREDENTIALS,
            options.now,
          ),
        options.wait,
      );
      if (!fetched.ok) return fetched;
      const page = Page.safeParse(fetched.value.json);
      if (!page.success)
        return fail({ reason: `malformed page: ${schemaProblem(page.error)}`, retryable: false });
      const raws = fetched.value.json as unknown[];
      const heads = page.data.map((head, i) => ({ head, raw: raws[i] }));
      const ids = page.data.map((o) => o.id);
      if (repeatsPrevious(position, ids)) {
        return fail({ reason: "the shop API returned the same page again", retryable: false });
      }
      const totalPages = Number(fetched.value.headers.get("x-wp-totalpages") ?? Number.NaN);
      const full = page.data.length >= position.pageSize;
      const more = full && !(Number.isInteger(totalPages) && position.page >= totalPages);
      const sorted = page.data.map((o) => ({ id: o.id, updatedAt: isoInstant(o.date_modified_gmt) }));
      const fresh = new Set(unseen(position, sorted).map((o) => o.id));
      const orders: ListedOrder[] = [];
      for (const { head, raw } of heads) {
        if (fresh.has(head.id)) orders.push(await listedOrder(raw, head, shop, config));
      }
      return ok({ orders, next: nextPagePosition(position, sorted, more) });
    },
  };
}
