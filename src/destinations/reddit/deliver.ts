import type { Config } from "../../config";
import { withoutUndefined } from "../../lib/defined";
import type { DeliveryOutcome } from "../../model/statuses";
import { marketingConsentDecision } from "../consent";
import { liveTransport, type Transport } from "../http";
import { type ScreenRules, screenPurchase } from "../purchase-screen";
import { sendBatchByStatus } from "../send-by-status";
import { type Destination, missingSettings } from "../types";
import { classifyRedditResponse, rejectsTheToken } from "./classify";
import { toRedditEvent } from "./payload";
import type { RedditEvent } from "./types";

/** Events per request: 1,000, the batch RudderStack's Reddit destination sends (Reddit's pages state none). */
const MAX_BATCH = 1000;

export const redditEnabled = (config: Config) =>
  Boolean(config.REDDIT_PIXEL_ID && config.REDDIT_ACCESS_TOKEN);

type Ready = { id: string; data: RedditEvent };

// event_at "must be less than 168 hours (7 days) old".
const datedWindow = { ms: 7 * 86_400_000, text: "7 days", whose: "Reddit's window" };

const rules: ScreenRules = {
  name: "reddit",
  label: "Reddit",
  datedWindow,
  consent: (consent, config) =>
    marketingConsentDecision(consent, {
      denied: config.REDDIT_CONSENT_POLICY_DENIED,
      unknown: config.REDDIT_CONSENT_POLICY_UNKNOWN,
      prefix: "REDDIT",
    }),
  testMode: (config) => Boolean(config.REDDIT_TEST_ID),
  testSetting: "REDDIT_TEST_ID",
};

const sendBatch = (
  batch: Ready[],
  testId: string | undefined,
  config: Config,
  now: Date,
  transport: Transport,
) =>
  sendBatchByStatus(
    batch,
    {
      destination: "reddit",
      label: "Reddit",
      request: (events) => ({
        url: `${config.REDDIT_ENDPOINT}/api/v3/pixels/${encodeURIComponent(config.REDDIT_PIXEL_ID ?? "")}/conversion_events`,
        body: { data: withoutUndefined({ test_id: testId, events }) },
        headers: { authorization: `Bearer ${config.REDDIT_ACCESS_TOKEN}` },
        eventsAt: ["data", "events"],
      }),
      classify: classifyRedditResponse,
      rejectsTheToken,
      tokenSetting: "REDDIT_ACCESS_TOKEN",
    },
    config,
    now,
    transport,
  );

/** One request per batch of up to 1,000 PURCHASE events; refunds, stale and refused-consent events never leave. */
export const reddit: Destination = {
  name: "reddit",
  label: "Reddit",
  enabled: redditEnabled,
  datedWindow,
  health: (config) =>
    redditEnabled(config)
      ? { testEvents: Boolean(config.REDDIT_TEST_ID) }
      : missingSettings(config, ["REDDIT_PIXEL_ID", "REDDIT_ACCESS_TOKEN"]),
  testModeNotice: (config) =>
    config.REDDIT_TEST_ID
      ? "Reddit test events (REDDIT_TEST_ID): events go to Events Manager's test view and do not count."
      : undefined,
  acceptedAnswer: () => ({ status: 200, body: JSON.stringify({ message: "dry-run" }) }),
  async deliver(events, config, now, transport = liveTransport) {
    const outcomes = new Map<string, DeliveryOutcome>();
    const ready: Ready[] = [];
    for (const event of events) {
      const screened = screenPurchase(event, rules, config, now);
      if (screened.send) ready.push({ id: event.id, data: toRedditEvent(event, config, screened.ldu) });
      else outcomes.set(event.id, screened.outcome);
    }
    // With REDDIT_TEST_ID every event is a test event (a debug test order needs it to be sent at all).
    for (let i = 0; i < ready.length; i += MAX_BATCH) {
      const sent = await sendBatch(
        ready.slice(i, i + MAX_BATCH),
        config.REDDIT_TEST_ID,
        config,
        now,
        transport,
      );
      for (const [eventId, outcome] of sent) outcomes.set(eventId, outcome);
    }
    return outcomes;
  },
};
