import type { Config } from "../../config";
import type { DeliveryOutcome } from "../../model/statuses";
import { marketingConsentDecision } from "../consent";
import { liveTransport, type Transport } from "../http";
import { type ScreenRules, screenPurchase } from "../purchase-screen";
import { sendBatchByStatus } from "../send-by-status";
import { type Destination, missingSettings } from "../types";
import { classifyUetResponse, rejectsTheToken } from "./classify";
import { toUetEvent } from "./payload";
import type { UetEvent } from "./types";

/** Events per request: 1,000, the batch Tealium's UET connector sends; Microsoft's guide states none. */
const MAX_BATCH = 1000;

export const microsoftEnabled = (config: Config) =>
  Boolean(config.MICROSOFT_UET_TAG_ID && config.MICROSOFT_UET_ACCESS_TOKEN);

type Ready = { id: string; data: UetEvent };

// The stored guide states no window for CAPI events: 7 days, the shortest of the platforms here, is
// the conservative reading (an older recovered order is recorded expired, never sent mis-dated).
const datedWindow = {
  ms: 7 * 86_400_000,
  text: "7 days",
  whose: "the window tagrelay assumes for Microsoft UET",
};

const rules: ScreenRules = {
  name: "microsoft",
  label: "Microsoft Advertising",
  datedWindow,
  consent: (consent, config) =>
    marketingConsentDecision(consent, {
      denied: config.MICROSOFT_CONSENT_POLICY_DENIED,
      unknown: config.MICROSOFT_CONSENT_POLICY_UNKNOWN,
      prefix: "MICROSOFT",
    }),
  // UET CAPI documents no test or validate-only mode.
  testMode: () => false,
};

// With continueOnValidationError false, one invalid event refuses the request (a 400): halving
// isolates it, as for Meta.
const sendBatch = (batch: Ready[], config: Config, now: Date, transport: Transport) =>
  sendBatchByStatus(
    batch,
    {
      destination: "microsoft",
      label: "Microsoft UET",
      request: (data) => ({
        url: `${config.MICROSOFT_UET_ENDPOINT}/v1/${encodeURIComponent(config.MICROSOFT_UET_TAG_ID ?? "")}/events`,
        body: { data, continueOnValidationError: false },
        headers: { authorization: `Bearer ${config.MICROSOFT_UET_ACCESS_TOKEN}` },
      }),
      classify: classifyUetResponse,
      rejectsTheToken,
      tokenSetting: "MICROSOFT_UET_ACCESS_TOKEN",
    },
    config,
    now,
    transport,
  );

/** One request per batch of up to 1,000 purchases; refunds, stale and refused-consent events never leave. */
export const microsoft: Destination = {
  name: "microsoft",
  label: "Microsoft Advertising",
  enabled: microsoftEnabled,
  datedWindow,
  health: (config) =>
    microsoftEnabled(config)
      ? { tagId: config.MICROSOFT_UET_TAG_ID }
      : missingSettings(config, ["MICROSOFT_UET_TAG_ID", "MICROSOFT_UET_ACCESS_TOKEN"]),
  testModeNotice: () => undefined,
  acceptedAnswer: () => ({ status: 200, body: JSON.stringify({ status: "dry-run" }) }),
  async deliver(events, config, now, transport = liveTransport) {
    const outcomes = new Map<string, DeliveryOutcome>();
    const ready: Ready[] = [];
    for (const event of events) {
      const screened = screenPurchase(event, rules, config, now);
      if (screened.send) ready.push({ id: event.id, data: toUetEvent(event, config) });
      else outcomes.set(event.id, screened.outcome);
    }
    for (let i = 0; i < ready.length; i += MAX_BATCH) {
      const sent = await sendBatch(ready.slice(i, i + MAX_BATCH), config, now, transport);
      for (const [id, outcome] of sent) outcomes.set(id, outcome);
    }
    return outcomes;
  },
};
