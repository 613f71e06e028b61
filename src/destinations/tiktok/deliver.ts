import type { Config } from "../../config";
import { marketingConsentDecision } from "../consent";
import { liveTransport } from "../http";
import { inBatches, prepareEvents } from "../prepare";
import type { ScreenRules } from "../purchase-screen";
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

const datedWindow = { ms: MAX_AGE_DAYS * DAY_MS, text: `${MAX_AGE_DAYS} days`, whose: "TikTok's window" };

/** Test orders, refunds (none at TikTok), consent and age, screened before a payload is built. */
const rules: ScreenRules = {
  name: "tiktok",
  label: "TikTok",
  datedWindow,
  consent: (consent, config) =>
    marketingConsentDecision(consent, {
      denied: config.TIKTOK_CONSENT_POLICY_DENIED,
      unknown: config.TIKTOK_CONSENT_POLICY_UNKNOWN,
      prefix: "TIKTOK",
    }),
  testMode: (config) => Boolean(config.TIKTOK_TEST_EVENT_CODE),
  testSetting: "TIKTOK_TEST_EVENT_CODE",
};

/** One request per batch of up to 1,000 Purchase events; refunds, stale and refused events never leave. */
export const tiktok: Destination = {
  name: "tiktok",
  label: "TikTok",
  enabled: tiktokEnabled,
  datedWindow,
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
    const { outcomes, ready } = prepareEvents(events, config, now, {
      rules,
      build: (event, limited) => {
        const built = toTikTokEvent(event, config);
        return limited ? { ...built, limited_data_use: true as const } : built;
      },
    });
    await inBatches(ready, MAX_BATCH, (batch) => sendBatch(batch, config, now, outcomes, transport));
    return outcomes;
  },
};
