import type { Config } from "../config";
import type { CommerceEvent } from "../model/commerce-event";
import type { DestinationName } from "../model/statuses";

/** Whether a destination sends an event, and whether it marks it as a debug hit. */
export type TestOrderDecision = { send: true; debug: boolean } | { send: false; reason: string };

/**
 * TEST_ORDERS for the shop's test orders (`event.test`): `skip` sends nothing, `send` sends as
 * usual, `debug` sends GA4 a debug_mode hit (DebugView, not reports) and Meta only into its
 * Test events tab, which needs META_TEST_EVENT_CODE. Real orders are always sent.
 */
export function testOrderPolicy(
  event: Pick<CommerceEvent, "test">,
  destination: DestinationName,
  config: Pick<Config, "TEST_ORDERS" | "META_TEST_EVENT_CODE">,
): TestOrderDecision {
  if (!event.test || config.TEST_ORDERS === "send") return { send: true, debug: false };
  if (config.TEST_ORDERS === "skip") return { send: false, reason: "test order" };
  if (destination === "meta" && !config.META_TEST_EVENT_CODE) {
    return { send: false, reason: "test order: TEST_ORDERS is debug but META_TEST_EVENT_CODE is not set" };
  }
  return { send: true, debug: true };
}
