import * as z from "zod";
import { readBodyCapped } from "../lib/body";
import { errorText } from "../lib/errors";
import { decodeUtf8, parseJsonLossless } from "../lib/json";
import { fail, ok, type Result } from "../lib/result";
import { retryAfterSeconds } from "../lib/retry-after";
import { eventId } from "../model/commerce-event";
import type { SourceName } from "../model/statuses";
import { type NormalizedEvent, schemaProblem } from "./types";

/*
 * Listing a shop's orders through its own API, read-only, for reconciliation: each source's
 * listing.ts fetches one page, checks it against the documented shape and normalizes every order
 * with the same rules as its webhooks. What is shared lives here: the position a listing is at
 * (stored between runs), the page fetch with its failures, and the retry rule.
 */

const Iso = z.string().refine((v) => !Number.isNaN(Date.parse(v)), "not a date");

/**
 * Where a listing stands. It lists the orders changed in [from, until), oldest change first, and
 * `from` only moves past orders already processed. Page-numbered APIs (WooCommerce, Magento) are
 * read by key, not by page number: each request asks again from the last change seen (`from`),
 * leaving out the orders changed at that very instant that were processed (`seen`, sent as the
 * API's exclusion filter), so neither many orders changed in one second nor an order edited while
 * the listing runs can shift an order past a page boundary unseen (see nextPagePosition). Shopify
 * continues `after` its GraphQL cursor.
 */
export const ListingPosition = z.object({
  from: Iso,
  until: Iso,
  pageSize: z.number().int().min(1).max(250),
  /** Past 1 only once more than MAX_EXCLUDED orders changed at `from` (see nextPagePosition). */
  page: z.number().int().min(1).default(1),
  after: z.string().optional(),
  seen: z.array(z.string()).default([]),
  /** The first and last id of the page this position came from: the same page again is no progress. */
  previous: z.string().optional(),
  /** Where this listing's window began (the watermark): a listing in two parts starts its second there. */
  start: Iso.optional(),
  /** The listing's second part: Magento's credit memos, listed after its orders over the same window. */
  part: z.literal("creditmemos").optional(),
});
export type ListingPosition = z.infer<typeof ListingPosition>;

/** One order a listing found, normalized. */
export interface ListedOrder {
  orderId: string;
  /** When the shop last changed it: the listing's order. */
  updatedAt: string;
  /** When it was placed (its purchase's occurredAt when it has one): its coverage day. */
  placedAt: string;
  /** The purchase event it converts to; absent when it is no conversion under the settings. */
  purchaseId?: string;
  /** Why it is no conversion, or why it was skipped (fixed words, never the order's data). */
  note?: string;
  /** What its webhooks would have stored: the purchase first, refunds and reversals after. */
  events: NormalizedEvent[];
}

/** A refund a listing found on its own, not on an order (Magento's credit memos). */
export interface ListedRefund {
  refundId: string;
  updatedAt: string;
  /** Why it yields no event (fixed words, never the refund's data). */
  note?: string;
  /** What its webhook would have stored. */
  events: NormalizedEvent[];
}

export interface ListingPage {
  orders: ListedOrder[];
  /** Refunds listed on their own: stored like the orders' events, never counted as the shop's orders. */
  refunds?: ListedRefund[];
  /** Where the next page starts; absent once the listing has reached `until`. */
  next?: ListingPosition;
}

/** Why a page could not be had. `retryable`: the same request may succeed later (429, 5xx, timeout). */
export interface ListingFailure {
  reason: string;
  retryable: boolean;
  status?: number;
  retryAfterSeconds?: number;
}

export interface OrderListing {
  source: SourceName;
  shop: string;
  /** Whether it lists refunds on their own (ListingPage.refunds), so a run counts them. */
  listsRefunds?: boolean;
  /** Orders per page for a new listing: each page is one request. */
  pageSize(ordersPerRun: number): number;
  fetchPage(position: ListingPosition, options: FetchOptions): Promise<Result<ListingPage, ListingFailure>>;
}

export type Wait = (ms: number) => Promise<void>;

export interface FetchOptions {
  /** How the run waits before a retry (tests pass one that records instead of sleeping). */
  wait: Wait;
  now: number;
}

/** A page larger than this is refused unread: no real page of orders is, and a stream that never ends is stopped. */
export const MAX_PAGE_BYTES = 8 * 1024 * 1024;
/** A shop API that takes longer than this for a page is given up on for this run. */
export const PAGE_TIMEOUT_MS = 20_000;

export interface Fetched {
  status: number;
  headers: Headers;
  json: unknown;
}

/**
 * One request to a shop API, answered as JSON or as a failure that says what went wrong in fixed
 * words (never the URL, which may carry credentials, nor the body, which may carry personal data).
 */
export async function fetchJson(
  url: URL,
  init: RequestInit,
  credentials: string,
  now: number,
): Promise<Result<Fetched, ListingFailure>> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(PAGE_TIMEOUT_MS) });
  } catch (error) {
    const name = error instanceof Error ? error.name : "";
    const timedOut = name === "TimeoutError" || name === "AbortError";
    return fail({ reason: timedOut ? "timeout" : `network error: ${errorText(error)}`, retryable: true });
  }
  const status = response.status;
  if (status === 401 || status === 403) {
    await response.body?.cancel();
    return fail({ reason: `unauthorized (HTTP ${status}): check ${credentials}`, retryable: false, status });
  }
  if (status === 429 || status >= 500) {
    await response.body?.cancel();
    const wait = retryAfterSeconds(response.headers.get("retry-after"), new Date(now));
    const reason = status === 429 ? "rate limited (HTTP 429)" : `HTTP ${status}`;
    return fail({ reason, retryable: true, status, retryAfterSeconds: wait });
  }
  const body = await readBodyCapped(response, MAX_PAGE_BYTES);
  if (!body.ok) {
    const reason = body.reason === "too_large" ? `malformed page: over ${MAX_PAGE_BYTES} bytes` : "timeout";
    return fail({ reason, retryable: body.reason !== "too_large", status });
  }
  if (status < 200 || status > 299) return fail({ reason: `HTTP ${status}`, retryable: false, status });
  const text = decodeUtf8(body.value);
  const json = text.ok ? parseJsonLossless(text.text) : fail("not UTF-8");
  if (!json.ok) return fail({ reason: "malformed page: not JSON", retryable: false, status });
  return ok({ status, headers: response.headers, json: json.value });
}

/** The longest a run waits before a retry; a shop asking for longer is left until the next run. */
export const MAX_WAIT_SECONDS = 10;
const TRIES = 3;

/**
 * Tries a request up to three times while its failure is retryable, waiting as the shop asks
 * (Retry-After, or 1 s then 2 s). A wait longer than MAX_WAIT_SECONDS is not waited for: the
 * failure is returned and the next run starts where this one stopped.
 */
export async function withRetries<T>(
  attempt: () => Promise<Result<T, ListingFailure>>,
  wait: Wait,
): Promise<Result<T, ListingFailure>> {
  for (let i = 1; ; i++) {
    const result = await attempt();
    if (result.ok || !result.reason.retryable) return result;
    const seconds = result.reason.retryAfterSeconds ?? 2 ** (i - 1);
    if (i === TRIES) return fail({ ...result.reason, reason: `${result.reason.reason}, ${TRIES} tries` });
    if (seconds > MAX_WAIT_SECONDS) {
      return fail({ ...result.reason, reason: `${result.reason.reason}: retry after ${seconds} s` });
    }
    await wait(seconds * 1000);
  }
}

/** A fingerprint of a page: its first and last order and its length. */
export function pageFingerprint(ids: string[]): string {
  return `${ids[0] ?? ""}…${ids.at(-1) ?? ""}×${ids.length}`;
}

/**
 * The most orders changed at one instant a listing leaves out by id (WooCommerce `exclude`,
 * Magento `nin` on entity_id): about 2 KB of query string. Past it, the rest of that instant is
 * read by page number, and an order edited while those pages are read can be skipped: it would
 * take more than this many orders changed within one second.
 */
export const MAX_EXCLUDED = 200;

/**
 * The position after a page of a page-numbered listing (see ListingPosition), or undefined when
 * the page was its last. `listed` is the whole page in the API's order, the seen orders excluded.
 * - The page reaches past `from`: the next request starts at its last change, leaving out the
 *   orders of that instant on this page.
 * - The whole page changed at `from`: the next request asks from `from` again, leaving out these
 *   orders too, so it gets the rest of that instant however the API orders ties and whatever
 *   changed meanwhile (an order edited since moves past `until`, out of the window: the next
 *   listing's overlap lists it). Past MAX_EXCLUDED orders at one instant, the next page number.
 */
export function nextPagePosition(
  position: ListingPosition,
  listed: Array<{ id: string; updatedAt: string }>,
  more: boolean,
): ListingPosition | undefined {
  if (!more || listed.length === 0) return undefined;
  const previous = pageFingerprint(listed.map((o) => o.id));
  const last = listed[listed.length - 1].updatedAt;
  if (last > position.from) {
    const seen = listed.filter((o) => o.updatedAt === last).map((o) => o.id);
    return { ...position, from: last, page: 1, seen, previous };
  }
  const seen = [...new Set([...position.seen, ...listed.map((o) => o.id)])];
  if (position.page === 1 && seen.length <= MAX_EXCLUDED) return { ...position, seen, previous };
  return { ...position, page: position.page + 1, previous };
}

/** The orders of a page not processed yet: those changed at `from` and already seen are skipped. */
export function unseen<T extends { id: string; updatedAt: string }>(
  position: ListingPosition,
  listed: T[],
): T[] {
  if (position.seen.length === 0) return listed;
  const seen = new Set(position.seen);
  return listed.filter((o) => !(o.updatedAt === position.from && seen.has(o.id)));
}

/**
 * A page that brings the listing no further: past the first page, the very page the position came
 * from (the API ignores the page number); on the first, nothing but orders already seen (the API
 * ignores the exclusion).
 */
export function repeatsPrevious(position: ListingPosition, ids: string[], fresh: number): boolean {
  if (ids.length === 0) return false;
  if (position.page > 1) return position.previous === pageFingerprint(ids);
  return fresh === 0 && position.seen.length > 0;
}

/** The ids a request leaves out: the orders changed at `from` already processed. */
export const excludedIds = (position: ListingPosition): string[] => position.seen.slice(0, MAX_EXCLUDED);

/** An instant as ISO 8601 UTC with milliseconds: the one form positions compare in. */
export function isoInstant(value: string | number | Date): string {
  return new Date(value).toISOString();
}

/**
 * An order the API lists whose body fails the webhook's schema: counted as the shop's order and as
 * the purchase it would be, stored nowhere, with the field and rule as its note.
 */
export function invalidOrder(
  source: SourceName,
  shop: string,
  head: { orderId: string; updatedAt: string; placedAt: string },
  problem: string,
): ListedOrder {
  return {
    ...head,
    purchaseId: eventId(source, shop, "purchase", head.orderId),
    note: `invalid order: ${problem}`,
    events: [],
  };
}

/** An order's body read with the webhook's schema, or the invalid order it is listed as (see invalidOrder). */
export function orderOrInvalid<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  source: SourceName,
  shop: string,
  head: { orderId: string; updatedAt: string; placedAt: string },
): Result<z.infer<S>, ListedOrder> {
  const order = schema.safeParse(raw);
  return order.success ? ok(order.data) : fail(invalidOrder(source, shop, head, schemaProblem(order.error)));
}

/** One order of a page-numbered API's page: its id and last change (ISO), and its body as listed. */
export interface PageEntry<T> {
  id: string;
  updatedAt: string;
  head: T;
  raw: unknown;
}

/**
 * The page of a page-numbered listing (WooCommerce, Magento), once the API's answer passed its
 * page-level check: refused when it brings the listing no further (repeatsPrevious), its orders
 * not yet seen read in the API's order, and the position after it (see nextPagePosition).
 */
export async function readNumberedPage<T, R = ListedOrder>(
  position: ListingPosition,
  entries: PageEntry<T>[],
  more: boolean,
  read: (entry: PageEntry<T>) => Promise<R>,
): Promise<Result<{ listed: R[]; next?: ListingPosition }, ListingFailure>> {
  const fresh = unseen(position, entries);
  if (
    repeatsPrevious(
      position,
      entries.map((e) => e.id),
      fresh.length,
    )
  ) {
    return fail({ reason: "the shop API returned the same page again", retryable: false });
  }
  const listed: R[] = [];
  for (const entry of fresh) listed.push(await read(entry));
  return ok({ listed, next: nextPagePosition(position, fresh, more) });
}

/**
 * A page-numbered API's page: one GET with retries, checked against the page's documented shape
 * before any order on it is read. `json` is the page as parsed, for each order's own schema.
 */
export async function getCheckedPage<S extends z.ZodType>(
  url: URL,
  headers: Record<string, string>,
  credentials: string,
  shape: S,
  options: FetchOptions,
): Promise<Result<{ page: z.infer<S>; json: unknown; headers: Headers }, ListingFailure>> {
  const fetched = await withRetries(
    () => fetchJson(url, { headers: { accept: "application/json", ...headers } }, credentials, options.now),
    options.wait,
  );
  if (!fetched.ok) return fetched;
  const page = shape.safeParse(fetched.value.json);
  if (!page.success)
    return fail({ reason: `malformed page: ${schemaProblem(page.error)}`, retryable: false });
  return ok({ page: page.data, json: fetched.value.json, headers: fetched.value.headers });
}
