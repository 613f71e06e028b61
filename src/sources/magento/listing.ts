import * as z from "zod";
import type { Config } from "../../config";
import { joinUrl } from "../../lib/endpoints";
import { ok, type Result } from "../../lib/result";
import {
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
import { magentoTime } from "./normalize";
import { magentoOrderPurchase } from "./order-events";
import { MagentoOrder } from "./schema";

const CREDENTIALS =
  "MAGENTO_API_TOKEN (an integration's access token, with Stores → Configuration → Services → OAuth → " +
  "Allow OAuth Access Tokens to be used as standalone Bearer tokens set to Yes)";

/** What a page must be before any order on it is read: `items` with ids and dates, and `total_count`. */
const Page = z.object({
  items: z.array(z.looseObject({ entity_id: NumericId, updated_at: z.string(), created_at: z.string() })),
  total_count: z.number().int().nonnegative(),
});
type Head = z.infer<typeof Page>["items"][number];

/** Magento stores and compares "YYYY-MM-DD HH:MM:SS" in UTC. */
const magentoDate = (instant: string) => new Date(instant).toISOString().slice(0, 19).replace("T", " ");
const instantOf = (value: string) => isoInstant(magentoTime(value));

async function listedOrder({ id, updatedAt, head, raw }: PageEntry<Head>, shop: string, config: Config) {
  const created = instantOf(head.created_at);
  const order = orderOrInvalid(MagentoOrder, raw, "magento", shop, {
    orderId: id,
    updatedAt,
    placedAt: created,
  });
  if (!order.ok) return order.reason;
  const made = await magentoOrderPurchase(order.value, shop, config);
  const listed: ListedOrder =
    "purchase" in made
      ? {
          orderId: id,
          updatedAt,
          placedAt: made.purchase.occurredAt,
          purchaseId: made.purchase.id,
          events: [{ event: made.purchase }],
        }
      : { orderId: id, updatedAt, placedAt: created, note: made.notPurchase, events: [] };
  return listed;
}

/**
 * Magento's `GET /rest/V1/orders` with searchCriteria on updated_at, oldest change first (entity_id
 * breaks ties), Bearer token. Magento answers a page past the last with the last page again
 * (magento/magento2#3787, #26986), so `total_count` decides where the listing ends.
 */
export function magentoListing(shop: string, store: URL, token: string, config: Config): OrderListing {
  return {
    source: "magento",
    shop,
    pageSize: (ordersPerRun) => Math.min(ordersPerRun, 100),
    async fetchPage(position, options): Promise<Result<ListingPage, ListingFailure>> {
      const url = joinUrl(store, "rest/V1/orders");
      const criteria: Record<string, string> = {
        "[filter_groups][0][filters][0][field]": "updated_at",
        "[filter_groups][0][filters][0][value]": magentoDate(position.from),
        "[filter_groups][0][filters][0][condition_type]": "gteq",
        "[filter_groups][1][filters][0][field]": "updated_at",
        "[filter_groups][1][filters][0][value]": magentoDate(position.until),
        "[filter_groups][1][filters][0][condition_type]": "lt",
        "[sortOrders][0][field]": "updated_at",
        "[sortOrders][0][direction]": "ASC",
        "[sortOrders][1][field]": "entity_id",
        "[sortOrders][1][direction]": "ASC",
        "[pageSize]": String(position.pageSize),
        "[currentPage]": String(position.page),
      };
      for (const [name, value] of Object.entries(criteria))
        url.searchParams.set(`searchCriteria${name}`, value);
      const headers = { authorization: `Bearer ${token}` };
      const fetched = await getCheckedPage(url, headers, CREDENTIALS, Page, options);
      if (!fetched.ok) return fetched;
      const raws = (fetched.value.json as { items: unknown[] }).items;
      const { items, total_count: total } = fetched.value.page;
      if (position.page > 1 && (position.page - 1) * position.pageSize >= total) return ok({ orders: [] });
      const entries = items.map((head, i) => ({
        id: head.entity_id,
        updatedAt: instantOf(head.updated_at),
        head,
        raw: raws[i],
      }));
      const more = items.length >= position.pageSize && position.page * position.pageSize < total;
      return readNumberedPage(position, entries, more, (entry) => listedOrder(entry, shop, config));
    },
  };
}
