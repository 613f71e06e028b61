import type { Config } from "../config";
import { DESTINATIONS } from "../destinations/registry";
import { errorText } from "../lib/errors";
import { logError, logWarn } from "../lib/log";
import type { DestinationName, SourceName } from "../model/statuses";
import { coverageCounts, nextDay, skipReasons, uncoveredOrders } from "../store/coverage";
import { listingStates, markAlerted } from "../store/reconcile";
import { orderListings } from "./listings";

const DAY_MS = 86_400_000;
/** A day is complete for coverage once it ended this long ago: the retry schedule takes about 8½ hours. */
export const SETTLE_MS = 12 * 3_600_000;

export interface DestinationCoverage {
  sent: number;
  skipped: number;
  /** Why orders were skipped on purpose (test orders, consent, refunds policy). */
  skippedReasons: Record<string, number>;
  failed: number;
  dead: number;
  expired: number;
  /** Stored, not final yet (or not tried yet). */
  pending: number;
}

export interface CoverageDay {
  day: string;
  source: string;
  shop: string;
  /** Orders the shop's API listed, placed that day. */
  shopOrders: number;
  /** Of those, the ones that are conversions under the settings (paid, a purchase state…). */
  conversions: number;
  stored: { byWebhook: number; byReconciliation: number };
  /** Conversions with no stored event at all. */
  missing: number;
  destinations: Record<string, DestinationCoverage>;
  covered: number;
  /** covered ÷ conversions in percent (one decimal), null on a day without conversions. */
  coverage: number | null;
}

export interface CoverageReport {
  generatedAt: string;
  threshold: number;
  destinations: DestinationName[];
  lastCompleteDay: string;
  sources: Array<{
    source: SourceName;
    reconciled: boolean;
    reason?: string;
    shop?: string;
    startedAt?: string;
    watermark?: string;
    caughtUpAt?: string | null;
    lastError?: string | null;
  }>;
  days: CoverageDay[];
}

export function enabledDestinations(config: Config): DestinationName[] {
  return DESTINATIONS.filter((d) => d.enabled(config)).map((d) => d.name);
}

/** The latest UTC day that ended at least SETTLE_MS ago: the last complete window. */
export function lastCompleteDay(now: number): string {
  return new Date(Math.floor((now - SETTLE_MS) / DAY_MS) * DAY_MS - DAY_MS).toISOString().slice(0, 10);
}

export const percent = (covered: number, total: number): number | null =>
  total === 0 ? null : Math.floor((covered / total) * 1000) / 10;

/** The coverage report: per day and source, for the last `days` days. */
export async function coverageReport(
  env: Pick<Env, "DB" | "WOOCOMMERCE_URL" | "MAGENTO_URL">,
  config: Config,
  now: number,
  days = 14,
): Promise<CoverageReport> {
  const destinations = enabledDestinations(config);
  const since = new Date(Math.floor(now / DAY_MS) * DAY_MS - (days - 1) * DAY_MS).toISOString();
  const [counts, reasons, states] = await Promise.all([
    coverageCounts(env.DB, since, destinations),
    skipReasons(env.DB, since),
    listingStates(env.DB),
  ]);
  const listings = orderListings(config, env);
  return {
    generatedAt: new Date(now).toISOString(),
    threshold: config.COVERAGE_ALERT_THRESHOLD,
    destinations,
    lastCompleteDay: lastCompleteDay(now),
    sources: (Object.keys(listings) as SourceName[]).map((source) => {
      const listing = listings[source];
      if (!listing.ok) return { source, reconciled: false, reason: listing.reason };
      const state = states.find((s) => s.source === source && s.shop === listing.value.shop);
      return {
        source,
        reconciled: true,
        shop: listing.value.shop,
        startedAt: state?.startedAt,
        watermark: state?.watermark,
        caughtUpAt: state?.caughtUpAt ?? null,
        lastError: state?.lastError ?? null,
      };
    }),
    days: counts.map((c) => {
      const missing = c.conversions - c.byWebhook - c.byReconciliation;
      return {
        day: c.day,
        source: c.source,
        shop: c.shop,
        shopOrders: c.listed,
        conversions: c.conversions,
        stored: { byWebhook: c.byWebhook, byReconciliation: c.byReconciliation },
        missing,
        destinations: Object.fromEntries(
          destinations.map((d) => {
            const n = c.destinations[d] ?? {};
            const skippedReasons = Object.fromEntries(
              reasons
                .filter(
                  (r) => r.source === c.source && r.shop === c.shop && r.day === c.day && r.destination === d,
                )
                .map((r) => [r.reason, r.n]),
            );
            return [
              d,
              {
                sent: n.sent ?? 0,
                skipped: n.skipped ?? 0,
                skippedReasons,
                failed: n.failed ?? 0,
                dead: n.dead ?? 0,
                expired: n.expired ?? 0,
                // A conversion not stored at all is pending for every destination too.
                pending: (n.pending ?? 0) + missing,
              },
            ];
          }),
        ),
        covered: c.covered,
        coverage: percent(c.covered, c.conversions),
      };
    }),
  };
}

/** The orders of one source and day that are not covered, for the drill-down. */
export async function uncovered(env: Pick<Env, "DB">, config: Config, source: string, day: string) {
  return uncoveredOrders(env.DB, source, day, enabledDestinations(config));
}

/** Posts a Slack-compatible `{"text": …}`; a failure is logged, never thrown (the log line already says it). */
async function postAlert(url: string, text: string): Promise<void> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text }),
      signal: AbortSignal.timeout(10_000),
    });
    await response.body?.cancel();
    if (!response.ok) logWarn("coverage alert not delivered", { httpStatus: response.status });
  } catch (error) {
    logWarn("coverage alert not delivered", { error: errorText(error) });
  }
}

/**
 * The alert: for each reconciled source whose listing has passed the end of the last complete
 * day, coverage of that day below COVERAGE_ALERT_THRESHOLD writes one error-level log line and,
 * with ALERT_WEBHOOK_URL, posts one short message, once per source and day.
 */
export async function checkCoverage(
  env: Pick<Env, "DB" | "WOOCOMMERCE_URL" | "MAGENTO_URL">,
  config: Config,
  now: number,
): Promise<Array<{ source: string; day: string; coverage: number }>> {
  const report = await coverageReport(env, config, now, 3);
  const day = report.lastCompleteDay;
  const end = `${nextDay(day)}T00:00:00.000Z`;
  const raised: Array<{ source: string; day: string; coverage: number }> = [];
  for (const source of report.sources) {
    if (!source.reconciled || !source.shop || !source.watermark || source.watermark < end) continue;
    const row = report.days.find(
      (d) => d.day === day && d.source === source.source && d.shop === source.shop,
    );
    if (!row || row.coverage === null || row.coverage >= report.threshold) continue;
    if (!(await markAlerted(env.DB, { source: source.source, shop: source.shop }, day))) continue;
    const uncoveredCount = row.conversions - row.covered;
    logError("coverage below threshold", {
      source: source.source,
      shop: source.shop,
      day,
      coverage: row.coverage,
      threshold: report.threshold,
      conversions: row.conversions,
      uncovered: uncoveredCount,
    });
    if (config.ALERT_WEBHOOK_URL) {
      const text =
        `tagrelay: ${source.source} (${source.shop}) coverage on ${day} is ${row.coverage}% ` +
        `(${uncoveredCount} of ${row.conversions} orders not delivered), below ${report.threshold}%. ` +
        "See /admin/coverage.";
      await postAlert(config.ALERT_WEBHOOK_URL, text);
    }
    raised.push({ source: source.source, day, coverage: row.coverage });
  }
  return raised;
}
