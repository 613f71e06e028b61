import type { Config } from "../../config";
import type { CommerceEvent } from "../../model/commerce-event";
import { liveTransport } from "../http";
import { inBatches, prepareEvents } from "../prepare";
import { testOrderPolicy } from "../test-orders";
import { type Destination, missingSettings } from "../types";
import { toTikTokEvent } from "./payload";
import { sendBatch } from "./send-batch";

const MAX_BATCH = 1000;
const DAY_MS = 86_400_000;
/**
 * How old an event TikTok takes. The stored docs could not settle the Events API's limit for web
 * events: 7 days, Meta's, is the conservative choice (docs/destinations/tiktok.md).
 */
const MAX_AGE_DAYS = 7;

export function tiktokEnabled(config: Config): boolean {
  return Boolean(config.TIKTOK_PIXEL_CODE && config.TIKTOK_ACCESS_TOKEN);
}

/** Why an event is not sent to TikTok, or undefined when it is. */
function skipReason(event: CommerceEvent, config: Config): string | undefined {
  const policy = testOrderPolicy(event, "tiktok", config);
  if (!policy.send) return policy.reason;
  if (policy.debug && !config.TIKTOK_TEST_EVENT_CODE) {
    return "test order: TEST_ORDERS is debug but TIKTOK_TEST_EVENT_CODE is not set";
  }
  if (event.kind === "refund") return "TikTok has no refund event";
  return undefined;
}

/** One request per batch of up to 1,000 Purchase events; refunds, stale and refused events never leave. */
export const tiktok: Destination = {
  name: "tiktok",
  label: "TikTok",
  enabled: tiktokEnabled,
  datedWindow: { ms: MAX_AGE_DAYS * DAY_MS, text: `${MAX_AGE_DAYS} days`, whose: "TikTok's window" },
  health: (config) =>
    tiktokEnabled(config)
      ? { apiVersion: "v1.3", testEvents: Boolean(config.TIKTOK_TEST_EVENT_CODE) }
      : missingSettings(config, ["TIKTOK_PIXEL_CODE", "TIKTOK_ACCESS_TOKEN"]),
  testModeNotice: (config) =>
    config.TIKTOK_TEST_EVENT_CODE
      ? "TikTok test events (TIKTOK_TEST_EVENT_CODE): events go to Events Manager → Test events and do not count in reports."
      : undefined,
  acceptedAnswer: () => ({
    status: 200,
    body: JSON.stringify({ code: 0, message: "OK", request_id: "dry-run", data: {} }),
  }),
  async deliver(events, config, now, transport = liveTransport) {
    const { outcomes, ready } = prepareEvents(events, now, {
      skipReason: (event) => skipReason(event, config),
      consent: {
        denied: config.TIKTOK_CONSENT_POLICY_DENIED,
        unknown: config.TIKTOK_CONSENT_POLICY_UNKNOWN,
        prefix: "TIKTOK",
      },
      build: (event, limited) => {
        const built = toTikTokEvent(event, config);
        return limited ? { ...built, limited_data_use: true as const } : built;
      },
      eventTime: (data) => data.event_time,
      maxAgeDays: MAX_AGE_DAYS,
    });
    await inBatches(ready, MAX_BATCH, (batch) => sendBatch(batch, config, now, outcomes, transport));
    return outcomes;
  },
};
