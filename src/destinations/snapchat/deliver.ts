import type { Config } from "../../config";
import type { DeliveryOutcome } from "../../model/statuses";
import { marketingConsentDecision } from "../consent";
import { liveTransport, type Transport } from "../http";
import { type ScreenRules, screenPurchase } from "../purchase-screen";
import { sendBatchByStatus } from "../send-by-status";
import { type Destination, missingSettings } from "../types";
import { classifySnapResponse, rejectsTheToken } from "./classify";
import { toSnapEvent } from "./payload";
import type { SnapEvent } from "./types";

/**
 * Events per request. Snap's own pages state no limit; connectors built on the API (Tealium's) batch
 * up to 2,000. 1,000 is the conservative reading: a Queue batch (at most 100) is one request either way.
 */
const MAX_BATCH = 1000;

export const snapchatEnabled = (config: Config) =>
  Boolean(config.SNAPCHAT_PIXEL_ID && config.SNAPCHAT_ACCESS_TOKEN);

type Ready = { id: string; data: SnapEvent };

// "Events can have a date (timestamp) of maximum 37 days back" (Conversions API introduction).
const datedWindow = { ms: 37 * 86_400_000, text: "37 days", whose: "Snapchat's window" };

const rules: ScreenRules = {
  name: "snapchat",
  label: "Snapchat",
  datedWindow,
  consent: (consent, config) =>
    marketingConsentDecision(consent, {
      denied: config.SNAPCHAT_CONSENT_POLICY_DENIED,
      unknown: config.SNAPCHAT_CONSENT_POLICY_UNKNOWN,
      prefix: "SNAPCHAT",
    }),
  // A test order in TEST_ORDERS=debug goes to the Test Event Tool, which needs nothing more.
  testMode: () => true,
  testSetting: "SNAPCHAT_TEST",
};

const sendBatch = (batch: Ready[], test: boolean, config: Config, now: Date, transport: Transport) =>
  sendBatchByStatus(
    batch,
    {
      destination: "snapchat",
      label: "Snapchat",
      // The token goes in the query string, where Snap's docs put it; URLs are never logged or recorded.
      request: (data) => ({
        url: `${config.SNAPCHAT_ENDPOINT}/v3/${encodeURIComponent(config.SNAPCHAT_PIXEL_ID ?? "")}/${test ? "events/validate" : "events"}?access_token=${encodeURIComponent(config.SNAPCHAT_ACCESS_TOKEN ?? "")}`,
        body: { data },
      }),
      classify: classifySnapResponse,
      rejectsTheToken,
      tokenSetting: "SNAPCHAT_ACCESS_TOKEN",
    },
    config,
    now,
    transport,
  );

/** One request per batch of up to 1,000 PURCHASE events; refunds, stale and refused-consent events never leave. */
export const snapchat: Destination = {
  name: "snapchat",
  label: "Snapchat",
  enabled: snapchatEnabled,
  datedWindow,
  health: (config) =>
    snapchatEnabled(config)
      ? { testEvents: config.SNAPCHAT_TEST }
      : missingSettings(config, ["SNAPCHAT_PIXEL_ID", "SNAPCHAT_ACCESS_TOKEN"]),
  testModeNotice: (config) =>
    config.SNAPCHAT_TEST
      ? "Snapchat test events (SNAPCHAT_TEST): events go to Snap's Test Event Tool (/events/validate) and do not count."
      : undefined,
  acceptedAnswer: () => ({ status: 200, body: JSON.stringify({ status: "VALID", reason: "dry-run" }) }),
  async deliver(events, config, now, transport = liveTransport) {
    const outcomes = new Map<string, DeliveryOutcome>();
    const live: Ready[] = [];
    const test: Ready[] = [];
    for (const event of events) {
      const screened = screenPurchase(event, rules, config, now);
      if (!screened.send) {
        outcomes.set(event.id, screened.outcome);
        continue;
      }
      (config.SNAPCHAT_TEST || screened.debug ? test : live).push({
        id: event.id,
        data: toSnapEvent(event, config),
      });
    }
    for (const [ready, isTest] of [
      [live, false],
      [test, true],
    ] as const) {
      for (let i = 0; i < ready.length; i += MAX_BATCH) {
        const sent = await sendBatch(ready.slice(i, i + MAX_BATCH), isTest, config, now, transport);
        for (const [id, outcome] of sent) outcomes.set(id, outcome);
      }
    }
    return outcomes;
  },
};
