import type { CommerceEvent } from "../model/commerce-event";
import { CLICK_ID_FIELDS, type IdentifierOrigin, identifierOrigins } from "../model/identifiers";
import type { PurchaseIdentifiersRow } from "../store/identifier-coverage";

/** The identifiers coverage counts, each a share of the day's purchases. */
export const COVERED = [
  "gaClientId",
  "gaSessionId",
  "fbp",
  "fbc",
  "clickId",
  "ipAndUserAgent",
  "hashedEmail",
] as const;
export type Covered = (typeof COVERED)[number];

type Share = { percent: number } & Record<IdentifierOrigin, number>;
export interface IdentifierDay {
  day: string;
  source: string;
  purchases: number;
  /** Per identifier: the share that had it (percent), and how many got it from each origin. */
  identifiers: Record<Covered, Share>;
}

const parse = (text: string | null) => {
  try {
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

/** Where one purchase got each covered identifier, or nothing for one it lacks. */
function originsOfRow(row: PurchaseIdentifiersRow): Partial<Record<Covered, IdentifierOrigin>> {
  const identity = parse(row.identity) as CommerceEvent["identity"];
  const recorded = parse(row.identifiers) as CommerceEvent["identifiers"];
  const event = {
    attribution: parse(row.attribution),
    client: parse(row.client),
    occurredAt: row.occurred_at,
    identifiers: row.identifiers ? recorded : undefined,
  } as unknown as CommerceEvent;
  const origins = identifierOrigins(event);
  const click = CLICK_ID_FIELDS.map((f) => origins[f]).filter(Boolean) as IdentifierOrigin[];
  return {
    gaClientId: origins.gaClientId,
    gaSessionId: origins.gaSessionId,
    fbp: origins.fbp,
    fbc: origins.fbc,
    // The best origin any click id had: the order's, else the pixel's, else a fallback.
    clickId: click.includes("order") ? "order" : click.includes("pixel") ? "pixel" : click[0],
    ipAndUserAgent: origins.client,
    hashedEmail: identity?.ga4?.email || identity?.meta?.em ? "order" : undefined,
  };
}

/**
 * Identifier coverage per day (UTC, when the order was placed) and source: of the purchases, the share
 * that carried each identifier, split by where it came from (order, pixel, fallback). IP address and
 * user agent count only while the event holds them (they are dropped once every destination is
 * final) or where the merge recorded them.
 */
export function identifierCoverage(rows: PurchaseIdentifiersRow[]): IdentifierDay[] {
  const days = new Map<string, IdentifierDay>();
  for (const row of rows) {
    const key = `${row.day} ${row.source}`;
    const day =
      days.get(key) ??
      ({
        day: row.day,
        source: row.source,
        purchases: 0,
        identifiers: Object.fromEntries(
          COVERED.map((c) => [c, { percent: 0, order: 0, pixel: 0, fallback: 0 }]),
        ),
      } as IdentifierDay);
    days.set(key, day);
    day.purchases++;
    for (const [name, origin] of Object.entries(originsOfRow(row))) {
      if (origin) day.identifiers[name as Covered][origin]++;
    }
  }
  for (const day of days.values()) {
    for (const share of Object.values(day.identifiers)) {
      share.percent = Math.round(((share.order + share.pixel + share.fallback) / day.purchases) * 1000) / 10;
    }
  }
  return [...days.values()];
}
