import type { CommerceEvent } from "../model/commerce-event";
import type { DestinationName } from "../model/statuses";

/**
 * How old a dated conversion each destination still takes: GA4 accepts `timestamp_micros` up to
 * 72 hours back, Meta `event_time` up to 7 days back.
 */
export const DATED_WINDOW_MS: Record<DestinationName, number> = {
  ga4: 72 * 3_600_000,
  meta: 7 * 86_400_000,
};

const TOO_LATE: Record<DestinationName, string> = {
  ga4: "found by reconciliation more than 72 hours after it happened: past GA4's window for a dated event",
  meta: "found by reconciliation more than 7 days after it happened: past Meta's window",
};

/**
 * Why a conversion reconciliation recovered is not sent to this destination, or undefined when it
 * still can be. A webhook's late purchase goes to GA4 undated (it then counts on the day it
 * arrives); a recovered one is days late by nature, so it is recorded `expired` rather than counted
 * on the wrong day.
 */
export function recoveredTooLate(
  event: CommerceEvent,
  destination: DestinationName,
  now: number,
): string | undefined {
  return now - Date.parse(event.occurredAt) > DATED_WINDOW_MS[destination]
    ? TOO_LATE[destination]
    : undefined;
}
