import type { Config } from "../../config";
import type { CommerceEvent } from "../../model/commerce-event";
import type { DeliveryOutcome } from "../../model/statuses";
import { marketingConsentDecision } from "../consent";
import { liveTransport } from "../http";
import { testOrderPolicy } from "../test-orders";
import { type Destination, missingSettings } from "../types";
import { toPinterestEvent } from "./payload";
import { type Ready, sendBatch } from "./send-batch";
import { validatePinterestEvent } from "./validate";

const MAX_BATCH = 1000;
const DAY_MS = 86_400_000;
/** Pinterest takes events that happened within the previous 7 days. */
const MAX_AGE_DAYS = 7;

export function pinterestEnabled(config: Config): boolean {
  return Boolean(config.PINTEREST_AD_ACCOUNT_ID && config.PINTEREST_ACCESS_TOKEN);
}

/** Why an event is not sent to Pinterest, or undefined when it is. */
function skipReason(event: CommerceEvent, config: Config): string | undefined {
  const policy = testOrderPolicy(event, "pinterest", config);
  if (!policy.send) return policy.reason;
  if (policy.debug && !config.PINTEREST_TEST) {
    return "test order: TEST_ORDERS is debug but PINTEREST_TEST is off";
  }
  if (event.kind === "refund") return "Pinterest has no refund event";
  return undefined;
}

/** One request per batch of up to 1,000 checkout events; refunds, stale and refused events never leave. */
export const pinterest: Destination = {
  name: "pinterest",
  label: "Pinterest",
  enabled: pinterestEnabled,
  datedWindow: { ms: MAX_AGE_DAYS * DAY_MS, text: `${MAX_AGE_DAYS} days`, whose: "Pinterest's window" },
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
    const outcomes = new Map<string, DeliveryOutcome>();
    const ready: Ready[] = [];
    for (const event of events) {
      const skip = skipReason(event, config);
      if (skip) {
        outcomes.set(event.id, { status: "skipped", reason: skip });
        continue;
      }
      const consent = marketingConsentDecision(event.consent, {
        denied: config.PINTEREST_CONSENT_POLICY_DENIED,
        unknown: config.PINTEREST_CONSENT_POLICY_UNKNOWN,
        prefix: "PINTEREST",
      });
      if (consent.action === "skip") {
        outcomes.set(event.id, { status: "skipped", reason: consent.reason });
        continue;
      }
      const built = toPinterestEvent(event, config);
      if (now.getTime() - built.event_time * 1000 > MAX_AGE_DAYS * DAY_MS) {
        outcomes.set(event.id, {
          status: "expired",
          reason: `event_time is more than ${MAX_AGE_DAYS} days old`,
        });
        continue;
      }
      const check = validatePinterestEvent(built);
      if (!check.ok) {
        outcomes.set(event.id, { status: "failed", reason: check.reason });
        continue;
      }
      // Limited Data Processing: Pinterest's opt_out_type "LDP" (its Help Center, "Limited data processing").
      const data =
        consent.action === "send-ldu"
          ? { ...built, custom_data: { ...built.custom_data, opt_out_type: "LDP" as const } }
          : built;
      ready.push({ id: event.id, data });
    }
    for (let i = 0; i < ready.length; i += MAX_BATCH) {
      await sendBatch(ready.slice(i, i + MAX_BATCH), config, now, outcomes, transport);
    }
    return outcomes;
  },
};
