import type { CommerceEvent } from "../model/commerce-event";
import type { Destination } from "./types";

/**
 * Why a conversion reconciliation recovered is not sent to this destination, or undefined when it
 * still can be. A webhook's late purchase goes to GA4 undated (it then counts on the day it
 * arrives); a recovered one is days late by nature, so it is recorded `expired` rather than counted
 * on the wrong day.
 */
export function recoveredTooLate(
  event: CommerceEvent,
  destination: Pick<Destination, "datedWindow">,
  now: number,
): string | undefined {
  const { ms, text } = destination.datedWindow;
  return now - Date.parse(event.occurredAt) > ms
    ? `found by reconciliation more than ${text} after it happened: past ${destination.datedWindow.whose}`
    : undefined;
}
