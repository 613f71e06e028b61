import type { Config } from "../config";
import { ingestEvents } from "../ingest/outbox";
import { errorText } from "../lib/errors";
import { logError, logInfo, logWarn } from "../lib/log";
import { fail, ok, type Result } from "../lib/result";
import { EVENT, SOURCE_NAMES, type SourceName } from "../model/statuses";
import {
  isoInstant,
  type ListedOrder,
  type ListingPage,
  ListingPosition,
  type OrderListing,
  type Wait,
} from "../sources/listing";
import type { NormalizedEvent } from "../sources/types";
import { claimListing, type ListingProgress, type ReconcileState, saveListing } from "../store/reconcile";
import { orderListings } from "./listings";

/** A run holds a source's listing this long at most; a run that died lets go after it. */
const LEASE_MS = 5 * 60_000;
/** Orders changed in the last five minutes are left to their webhooks, which normally come within seconds. */
export const WEBHOOK_GRACE_MS = 5 * 60_000;
/**
 * Pages per source and run, whatever RECONCILE_ORDERS_PER_RUN allows: each page is a subrequest and
 * Workers Free allows 50 per invocation (the default 20 orders take 1 page of WooCommerce or
 * Magento and 4 of Shopify).
 */
const MAX_PAGES_PER_RUN = 25;
/** The Queue takes at most 100 messages in one send. */
const INGEST_CHUNK = 100;

export type RunStatus = "not reconciled" | "busy" | "caught up" | "more to list" | "stopped";

/** What one run did for one source: the JSON summary `POST /admin/api/reconcile` answers with. */
export interface SourceSummary {
  source: SourceName;
  shop?: string;
  status: RunStatus;
  /** Not reconciled: the setting to fix; stopped: what the shop API answered. */
  reason?: string;
  /** Orders the shop API listed. */
  listed: number;
  /** Refunds the shop API listed on their own (Magento's credit memos); absent where refunds come with their orders. */
  refunds?: number;
  /** Conversions of those orders that were already stored (their webhook came). */
  alreadyStored: number;
  /** Conversions stored now: no webhook had brought them. */
  recovered: number;
  /** Orders and conversions not stored, by reason. */
  skipped: Record<string, number>;
  pages: number;
}

export interface RunOptions {
  now?: number;
  /** How to wait before a retry the shop asked for (tests record instead of sleeping). */
  wait?: Wait;
  sources?: readonly SourceName[];
}

const sleep: Wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const wholeSecond = (ms: number) => isoInstant(Math.floor(ms / 1000) * 1000);

const summaryOf = (source: SourceName, fields: Partial<SourceSummary> = {}): SourceSummary => ({
  source,
  status: "caught up",
  listed: 0,
  alreadyStored: 0,
  recovered: 0,
  skipped: {},
  pages: 0,
  ...fields,
});

function count(summary: SourceSummary, reason: string): void {
  summary.skipped[reason] = (summary.skipped[reason] ?? 0) + 1;
}

/** The listing under way, or a new one from the watermark up to now, less the webhooks' grace. */
function positionOf(
  state: ReconcileState,
  listing: OrderListing,
  config: Config,
  now: number,
): ListingPosition {
  if (state.cursor) {
    try {
      const stored = ListingPosition.safeParse(JSON.parse(state.cursor));
      // The watermark stays where the listing under way began until it ends: that is its start.
      if (stored.success) return { ...stored.data, start: stored.data.start ?? state.watermark };
    } catch {
      // An unreadable cursor restarts from the watermark: orders are listed again, never skipped.
    }
    logWarn("reconcile cursor unreadable; listing again from the watermark", { source: listing.source });
  }
  return {
    from: state.watermark,
    until: wholeSecond(now - WEBHOOK_GRACE_MS),
    pageSize: listing.pageSize(config.RECONCILE_ORDERS_PER_RUN),
    page: 1,
    seen: [],
    start: state.watermark,
  };
}

/**
 * Stores a page's conversions through the webhooks' own ingest (KV fast path, D1 ON CONFLICT as
 * the authority), marked recovered. Conversions that depend on another (a cancellation reverses
 * a purchase only if one was recorded) go in a second pass, after the purchases of the same page.
 */
async function ingestPage(
  env: Env,
  config: Config,
  listing: OrderListing,
  page: ListingPage,
  ctx: ExecutionContext,
  summary: SourceSummary,
  now: number,
): Promise<Result<void>> {
  const events = [...page.orders, ...(page.refunds ?? [])].flatMap((o) => o.events);
  const dependent = (n: NormalizedEvent) => Boolean(n.onlyIfRecorded || n.unlessRecorded);
  const meta = { topic: "reconciliation", shop: listing.shop, recoveredAt: isoInstant(now) };
  for (const pass of [events.filter((n) => !dependent(n)), events.filter(dependent)]) {
    for (let i = 0; i < pass.length; i += INGEST_CHUNK) {
      const ingested = await ingestEvents(env, config, pass.slice(i, i + INGEST_CHUNK), meta, ctx);
      if (!ingested.ok) return fail(ingested.reason);
      const problems = [...ingested.value.problems];
      for (const { status } of ingested.value.events) {
        if (status === EVENT.accepted) summary.recovered++;
        else if (status === EVENT.duplicate) summary.alreadyStored++;
        else if (status === EVENT.too_old) count(summary, "older than RETENTION_DAYS");
        else if (status === EVENT.not_applicable)
          count(summary, "no recorded purchase to reverse, or already reversed");
        else count(summary, `invalid event: ${problems.shift() ?? "schema"}`);
      }
    }
  }
  return ok(undefined);
}

/** One source: claim its listing, list pages within the run's limits, store, move the cursor. */
async function reconcileSource(
  env: Env,
  config: Config,
  listing: OrderListing,
  ctx: ExecutionContext,
  now: number,
  wait: Wait,
): Promise<SourceSummary> {
  const key = { source: listing.source, shop: listing.shop };
  const summary = summaryOf(listing.source, {
    shop: listing.shop,
    ...(listing.listsRefunds ? { refunds: 0 } : {}),
  });
  const leaseUntil = now + LEASE_MS;
  const lookback = Math.min(config.RECONCILE_LOOKBACK_HOURS, config.RETENTION_DAYS * 24) * 3_600_000;
  const state = await claimListing(env.DB, key, wholeSecond(now - lookback), now, leaseUntil);
  if (!state) return { ...summary, status: "busy", reason: "another run is listing this source" };
  let position = positionOf(state, listing, config, now);
  let budget = config.RECONCILE_ORDERS_PER_RUN;
  const listedAt = isoInstant(now);

  for (;;) {
    const save = (progress: ListingProgress, orders: ListedOrder[] = []) =>
      saveListing(
        env.DB,
        key,
        progress,
        orders.map((o) => ({
          orderId: o.orderId,
          eventId: o.purchaseId ?? null,
          placedAt: o.placedAt,
          updatedAt: o.updatedAt,
          note: o.note ?? null,
        })),
        listedAt,
        leaseUntil,
      );
    if (position.from >= position.until) {
      await save({ cursor: null, caughtUpAt: listedAt, lastError: null, release: true });
      return summary;
    }
    const page = await listing.fetchPage(position, { wait, now });
    if (!page.ok) {
      const reason = page.reason.reason;
      logError("reconcile stopped", { source: listing.source, shop: listing.shop, reason });
      await save({ cursor: JSON.stringify(position), lastError: reason, release: true });
      return { ...summary, status: "stopped", reason };
    }
    const { orders, refunds = [], next } = page.value;
    summary.pages++;
    summary.listed += orders.length;
    if (listing.listsRefunds) summary.refunds = (summary.refunds ?? 0) + refunds.length;
    for (const o of [...orders, ...refunds]) if (o.note) count(summary, o.note);
    const stored = await ingestPage(env, config, listing, page.value, ctx, summary, now);
    if (!stored.ok) {
      const reason = `could not store: ${stored.reason}`;
      logError("reconcile stopped", { source: listing.source, shop: listing.shop, reason });
      await save({ cursor: JSON.stringify(position), lastError: reason, release: true }).catch(() => false);
      return { ...summary, status: "stopped", reason };
    }
    // A page costs what it listed, at least 1: the page-numbered listings leave out what was
    // listed already, so that is what the run read and stored. One run reads about
    // RECONCILE_ORDERS_PER_RUN orders and refunds (its last page is not cut short), and always ends.
    budget -= Math.max(1, orders.length + refunds.length);
    if (!next) {
      // Everything changed before `until` is listed; the next listing starts an overlap earlier.
      const overlapped = Date.parse(position.until) - config.RECONCILE_OVERLAP_MINUTES * 60_000;
      const watermark = wholeSecond(Math.max(overlapped, Date.parse(state.watermark)));
      await save({ cursor: null, watermark, caughtUpAt: listedAt, lastError: null, release: true }, orders);
      return summary;
    }
    const more = budget > 0 && summary.pages < MAX_PAGES_PER_RUN;
    const held = await save({ cursor: JSON.stringify(next), lastError: null, release: !more }, orders);
    if (!held) return { ...summary, status: "stopped", reason: "the listing was taken over by another run" };
    if (!more) return { ...summary, status: "more to list" };
    position = next;
  }
}

/**
 * One reconciliation pass over every source with API settings (or those asked for): each lists
 * what changed since its watermark, within RECONCILE_ORDERS_PER_RUN, and stores what no webhook
 * brought. Never throws: a source that fails is reported and the others go on.
 */
export async function reconcile(
  env: Env,
  config: Config,
  ctx: ExecutionContext,
  options: RunOptions = {},
): Promise<SourceSummary[]> {
  const now = options.now ?? Date.now();
  const listings = orderListings(config, env);
  const summaries: SourceSummary[] = [];
  for (const source of options.sources ?? SOURCE_NAMES) {
    const listing = listings[source];
    if (!listing.ok) {
      summaries.push(summaryOf(source, { status: "not reconciled", reason: listing.reason }));
      continue;
    }
    let summary: SourceSummary;
    try {
      summary = await reconcileSource(env, config, listing.value, ctx, now, options.wait ?? sleep);
    } catch (error) {
      const reason = `unexpected: ${errorText(error)}`;
      logError("reconcile failed", { source, reason });
      summary = summaryOf(source, { shop: listing.value.shop, status: "stopped", reason });
    }
    const { skipped, ...line } = summary;
    logInfo("reconcile", { ...line, skipped: Object.values(skipped).reduce((a, b) => a + b, 0) });
    summaries.push(summary);
  }
  return summaries;
}
