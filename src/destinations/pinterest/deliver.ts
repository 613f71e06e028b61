import type { Config } from "../../config";
import { marketingConsentDecision } from "../consent";
import { liveTransport } from "../http";
import { inBatches, prepareEvents } from "../prepare";
import type { ScreenRules } from "../purchase-screen";
import { type Destination, missingSettings } from "../types";
import { toPinterestEvent } from "./payload";
import { sendBatch } from "./send-batch";
import { validatePinterestEvent } from "./validate";

const MAX_BATCH = 1000;
const DAY_MS = 86_400_000;
/** Pinterest takes events that happened within the previous 7 days. */
const MAX_AGE_DAYS = 7;

export function pinterestEnabled(config: Config): boolean {
  return Boolean(config.PINTEREST_AD_ACCOUNT_ID && config.PINTEREST_ACCESS_TOKEN);
}

const datedWindow = { ms: MAX_AGE_DAYS * DAY_MS, text: `${MAX_AGE_DAYS} days`, whose: "Pinterest's window" };

/** Test orders, refunds (none at Pinterest), consent and age, screened before a payload is built. */
const rules: ScreenRules = {
  name: "pinterest",
  label: "Pinterest",
  datedWindow,
  consent: (consent, config) =>
    marketingConsentDecision(consent, {
      denied: config.PINTEREST_CONSENT_POLICY_DENIED,
      unknown: config.PINTEREST_CONSENT_POLICY_UNKNOWN,
      prefix: "PINTEREST",
    }),
  testMode: (config) => config.PINTEREST_TEST,
  testSetting: "PINTEREST_TEST",
};

/** One request per batch of up to 1,000 checkout events; refunds, stale and refused events never leave. */
export const pinterest: Destination = {
  name: "pinterest",
  label: "Pinterest",
  enabled: pinterestEnabled,
  datedWindow,
  health: (config) =>
    pinterestEnabled(config)
      ? { apiVersion: "v5", adAccountId: config.PINTEREST_AD_ACCOUNT_ID, test: config.PINTEREST_TEST }
      : missingSettings(config, ["PINTEREST_AD_ACCOUNT_ID", "PINTEREST_ACCESS_TOKEN"]),
  testModeNotice: (config) =>
    config.PINTEREST_TEST
      ? "Pinterest test mode (PINTEREST_TEST): requests carry test=true, so Pinterest checks the events and records none."
      : undefined,
  acceptedAnswer: (eventIds) => ({
    status: 200,
    body: JSON.stringify({
      num_events_received: eventIds.length,
      num_events_processed: eventIds.length,
      events: eventIds.map(() => ({ status: "processed", error_message: null, warning_message: null })),
    }),
  }),
  async deliver(events, config, now, transport = liveTransport) {
    const { outcomes, ready } = prepareEvents(events, config, now, {
      rules,
      build: (event, limited) => {
        const built = toPinterestEvent(event, config);
        // Limited Data Processing: Pinterest's opt_out_type "LDP".
        return limited
          ? { ...built, custom_data: { ...built.custom_data, opt_out_type: "LDP" as const } }
          : built;
      },
      refusal: (data) => {
        const check = validatePinterestEvent(data);
        return check.ok ? undefined : check.reason;
      },
    });
    await inBatches(ready, MAX_BATCH, (batch) => sendBatch(batch, config, now, outcomes, transport));
    return outcomes;
  },
};
