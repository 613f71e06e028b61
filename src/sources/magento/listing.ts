import * as z from "zod";
import type { Config } from "../../config";
import { joinUrl } from "../../lib/endpoints";
import { ok, type Result } from "../../lib/result";
import {
  excludedIds,
  type FetchOptions,
  getCheckedPage,
  isoInstant,
  type ListedOrder,
  type ListedRefund,
  type ListingFailure,
  type ListingPage,
  type ListingPosition,
  type OrderListing,
  orderOrInvalid,
  type PageEntry,
  readNumberedPage,
} from "../listing";
import { NumericId } from "../schema-values";
import { magentoTime } from "./normalize";
import { atStore, magentoCreditMemoEvents, magentoOrderPurchase } from "./order-events";
import { MagentoOrder } from "./schema";

const CREDENTIALS =
  "MAGENTO_API_TOKEN (an integration's access token, with Stores → Configuration → Services → OAuth → " +
  "Allow OAuth Access Tokens to be used as standalone Bearer tokens set to Yes)";

/** What a page must be before anything on it is read: `items` with ids and dates, and `total_count`. */
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
          events: atStore([{ event: made.purchase }], shop),
        }
      : { orderId: id, updatedAt, placedAt: created, note: made.notPurchase, events: [] };
  return listed;
}

/** A credit memo as its webhook would have stored it: its refund, or why it yields none. */
function listedMemo({ id, updatedAt, raw }: PageEntry<Head>, shop: string): ListedRefund {
  const events = magentoCreditMemoEvents(raw, shop);
  return events.ok
    ? { refundId: id, updatedAt, events: events.value }
    : { refundId: id, updatedAt, note: `invalid credit memo: ${events.reason}`, events: [] };
}

/**
 * The searchCriteria of a listing page: updated_at in [from, until), oldest change first with
 * entity_id as the tie-break, and the entities of the first instant already listed left out
 * (`nin`, a comma-separated list: Adobe Commerce "Search using REST endpoints"). Filter groups
 * are ANDed.
 */
function searchCriteria(position: ListingPosition): Record<string, string> {
  const criteria: Record<string, string> = {
    "[filter_groups][0][filters][0][field]": "updated_at",
    "[filter_groups][0][filters][0][value]": magentoDate(position.from),
    "[filter_groups][0][filters][0][condition_type]": "gteq",
    "[filter_groups][1][filters][0][field]": "updated_at",
    "[filter_groups][1][filters][0][value]": magentoDate(position.until),
    "[filter_groups][1][filters][0][condition_type]": "lt",
  };
  const excluded = excludedIds(position);
  if (excluded.length) {
    criteria["[filter_groups][2][filters][0][field]"] = "entity_id";
    criteria["[filter_groups][2][filters][0][value]"] = excluded.join(",");
    criteria["[filter_groups][2][filters][0][condition_type]"] = "nin";
  }
  return {
    ...criteria,
    "[sortOrders][0][field]": "updated_at",
    "[sortOrders][0][direction]": "ASC",
    "[sortOrders][1][field]": "entity_id",
    "[sortOrders][1][direction]": "ASC",
    "[pageSize]": String(position.pageSize),
    "[currentPage]": String(position.page),
  };
}

/**
 * Magento's orders, then its credit memos over the same window: `GET /rest/V1/orders` and
 * `GET /rest/V1/creditmemos` (CreditmemoRepositoryInterface::getList, resource Magento_Sales::sales),
 * both with searchCriteria on updated_at, Bearer token. A credit memo whose webhook was lost is
 * found as its own entity: an order's listing does not carry its memos. Magento answers a page past
 * the last with the last page again (magento/magento2#3787, #26986), so `total_count` decides where
 * a listing ends.
 */
export function magentoListing(shop: string, store: URL, token: string, config: Config): OrderListing {
  const headers = { authorization: `Bearer ${token}` };
  async function page(
    path: string,
    position: ListingPosition,
    options: FetchOptions,
  ): Promise<Result<{ entries: PageEntry<Head>[]; more: boolean; pastLast: boolean }, ListingFailure>> {
    const url = joinUrl(store, path);
    for (const [name, value] of Object.entries(searchCriteria(position)))
      url.searchParams.set(`searchCriteria${name}`, value);
    const fetched = await getCheckedPage(url, headers, CREDENTIALS, Page, options);
    if (!fetched.ok) return fetched;
    const raws = (fetched.value.json as { items: unknown[] }).items;
    const { items, total_count: total } = fetched.value.page;
    const entries = items.map((head, i) => ({
      id: head.entity_id,
      updatedAt: instantOf(head.updated_at),
      head,
      raw: raws[i],
    }));
    return ok({
      entries,
      more: items.length >= position.pageSize && position.page * position.pageSize < total,
      pastLast: position.page > 1 && (position.page - 1) * position.pageSize >= total,
    });
  }
  return {
    source: "magento",
    shop,
    listsRefunds: true,
    pageSize: (ordersPerRun) => Math.min(ordersPerRun, 100),
    async fetchPage(position, options): Promise<Result<ListingPage, ListingFailure>> {
      if (position.part === "creditmemos") {
        const memos = await page("rest/V1/creditmemos", position, options);
        if (!memos.ok) return memos;
        if (memos.value.pastLast) return ok({ orders: [], refunds: [] });
        const { entries, more } = memos.value;
        const read = await readNumberedPage(position, entries, more, async (e) => listedMemo(e, shop));
        return read.ok ? ok({ orders: [], refunds: read.value.listed, next: read.value.next }) : read;
      }
      const orders = await page("rest/V1/orders", position, options);
      if (!orders.ok) return orders;
      // The orders are listed: the credit memos of the same window come next.
      const memos: ListingPosition = {
        from: position.start ?? position.from,
        until: position.until,
        pageSize: position.pageSize,
        page: 1,
        seen: [],
        start: position.start,
        part: "creditmemos",
      };
      if (orders.value.pastLast) return ok({ orders: [], next: memos });
      const { entries, more } = orders.value;
      const read = await readNumberedPage(position, entries, more, (e) => listedOrder(e, shop, config));
      return read.ok ? ok({ orders: read.value.listed, next: read.value.next ?? memos }) : read;
    },
  };
}
