import type { Config } from "../../config";
import type { CommerceEvent } from "../../model/commerce-event";
import type { DeliveryOutcome } from "../../model/statuses";
import { marketingConsentDecision } from "../consent";
import { liveTransport } from "../http";
import { testOrderPolicy } from "../test-orders";
import { type Destination, missingSettings } from "../types";
import { bearer, dataManagerToken, noTokenOutcome } from "./auth";
import { toGoogleAdsEvent } from "./payload";
import { type Ready, sendBatch } from "./send-batch";

/** IngestEventsRequest takes at most 2,000 events (Data Manager "Limits and quotas"). */
const MAX_BATCH = 2000;
const DAY_MS = 86_400_000;
/** A click-through conversion window is at most 90 days: an older sale can match no click. */
const WINDOW_DAYS = 90;

const REQUIRED = [
  "GOOGLE_ADS_CUSTOMER_ID",
  "GOOGLE_ADS_CONVERSION_ACTION_ID",
  "GOOGLE_SERVICE_ACCOUNT_KEY",
] as const;

export function googleAdsEnabled(config: Config): boolean {
  return REQUIRED.every((name) => Boolean(config[name]));
}

/** Why an event is not sent, before any request: undefined when it goes. */
function holdBack(event: CommerceEvent, config: Config, now: Date): DeliveryOutcome | undefined {
  const policy = testOrderPolicy(event, "google_ads", config);
  if (!policy.send) return { status: "skipped", reason: policy.reason };
  if (policy.debug && !config.GOOGLE_ADS_VALIDATE_ONLY) {
    return {
      status: "skipped",
      reason: "test order: TEST_ORDERS is debug, and Google Ads only has GOOGLE_ADS_VALIDATE_ONLY",
    };
  }
  if (event.kind === "refund") {
    return {
      status: "skipped",
      reason:
        "Google Ads refunds are not sent: a Data Manager adjustment restates the order's whole value, and an order Google never recorded would become a new conversion",
    };
  }
  const consent = marketingConsentDecision(event.consent, {
    denied: config.GOOGLE_ADS_CONSENT_POLICY_DENIED,
    unknown: config.GOOGLE_ADS_CONSENT_POLICY_UNKNOWN,
    prefix: "GOOGLE_ADS",
  });
  if (consent.action === "skip") return { status: "skipped", reason: consent.reason };
  if (now.getTime() - Date.parse(event.occurredAt) > WINDOW_DAYS * DAY_MS) {
    return {
      status: "expired",
      reason: `the sale is more than ${WINDOW_DAYS} days old: it can match no click`,
    };
  }
  const { attribution, identity } = event;
  if (
    !attribution.gclid &&
    !attribution.wbraid &&
    !attribution.gbraid &&
    !identity.ga4.email &&
    !identity.ga4.phone
  ) {
    return {
      status: "skipped",
      reason: "no Google click id, e-mail or phone: nothing for Google Ads to match",
    };
  }
  return undefined;
}

/** Google Ads conversions through the Data Manager API: one `events:ingest` request per batch. */
export const googleAds: Destination = {
  name: "google_ads",
  label: "Google Ads",
  enabled: googleAdsEnabled,
  datedWindow: {
    ms: WINDOW_DAYS * DAY_MS,
    text: `${WINDOW_DAYS} days`,
    whose: "Google Ads' click-through window",
  },
  health: (config) =>
    googleAdsEnabled(config)
      ? {
          api: "Data Manager v1",
          customerId: config.GOOGLE_ADS_CUSTOMER_ID,
          conversionActionId: config.GOOGLE_ADS_CONVERSION_ACTION_ID,
          serviceAccount: config.GOOGLE_SERVICE_ACCOUNT_KEY?.clientEmail,
          validateOnly: config.GOOGLE_ADS_VALIDATE_ONLY,
        }
      : missingSettings(config, REQUIRED),
  testModeNotice: (config) =>
    config.GOOGLE_ADS_VALIDATE_ONLY
      ? "Google Ads validate-only (GOOGLE_ADS_VALIDATE_ONLY): Data Manager checks each request and records no conversion."
      : undefined,
  // Data Manager answers an accepted request with its request id alone.
  acceptedAnswer: () => ({ status: 200, body: JSON.stringify({ requestId: "dry-run" }) }),
  async deliver(events, config, now, transport = liveTransport) {
    const outcomes = new Map<string, DeliveryOutcome>();
    const ready: Ready[] = [];
    for (const event of events) {
      const held = holdBack(event, config, now);
      if (held) outcomes.set(event.id, held);
      else ready.push({ id: event.id, data: toGoogleAdsEvent(event, config) });
    }
    if (ready.length === 0) return outcomes;
    const token = await dataManagerToken(config, now);
    if (!token.ok) {
      const outcome = noTokenOutcome(token, ready.length);
      for (const { id } of ready) outcomes.set(id, outcome);
      return outcomes;
    }
    const auth = { headers: bearer(token.token), refreshed: false };
    for (let i = 0; i < ready.length; i += MAX_BATCH) {
      await sendBatch(ready.slice(i, i + MAX_BATCH), config, now, outcomes, transport, auth);
    }
    return outcomes;
  },
};
