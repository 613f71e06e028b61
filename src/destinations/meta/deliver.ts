import { metaEnabled } from "../../config";
import type { DeliveryOutcome } from "../../model/statuses";
import { META_LIMITED_DATA_USE, metaConsentDecision } from "../consent";
import { liveTransport } from "../http";
import { testOrderPolicy } from "../test-orders";
import { type Destination, missingSettings } from "../types";
import { maxAgeDays, maxAgeSeconds } from "./action-source";
import { toMetaEvent } from "./payload";
import { type Ready, sendBatch } from "./send-batch";
import { validateMetaEvent } from "./validate";

const MAX_BATCH = 1000;

/** One request per batch of up to 1000 events; refunds, stale and invalid events never leave. */
export const meta: Destination = {
  name: "meta",
  label: "Meta",
  enabled: metaEnabled,
  // event_time may lie up to 7 days back for a website event.
  datedWindow: { ms: 7 * 86_400_000, text: "7 days", whose: "Meta's window" },
  health: (config) =>
    metaEnabled(config)
      ? { apiVersion: config.META_API_VERSION, testEvents: Boolean(config.META_TEST_EVENT_CODE) }
      : missingSettings(config, ["META_PIXEL_ID", "META_ACCESS_TOKEN"]),
  // Meta's Test Events tool: events sent with a test_event_code show there and not in reports.
  testModeNotice: (config) =>
    config.META_TEST_EVENT_CODE
      ? "Meta test events (META_TEST_EVENT_CODE): events go to Events Manager → Test events and do not count in reports."
      : undefined,
  acceptedAnswer: (eventIds) => ({
    status: 200,
    body: JSON.stringify({ events_received: eventIds.length, fbtrace_id: "dry-run" }),
  }),
  async deliver(events, config, now, transport = liveTransport) {
    const outcomes = new Map<string, DeliveryOutcome>();
    const ready: Ready[] = [];
    for (const event of events) {
      const policy = testOrderPolicy(event, "meta", config);
      if (!policy.send) {
        outcomes.set(event.id, { status: "skipped", reason: policy.reason });
        continue;
      }
      if (event.kind === "refund" && config.META_REFUNDS === "skip") {
        outcomes.set(event.id, {
          status: "skipped",
          reason: "META_REFUNDS is skip: Meta has no refund event",
        });
        continue;
      }
      const consent = metaConsentDecision(event.consent, config);
      if (consent.action === "skip") {
        outcomes.set(event.id, { status: "skipped", reason: consent.reason });
        continue;
      }
      const built = toMetaEvent(event, config);
      const data = consent.action === "send-ldu" ? { ...built, ...META_LIMITED_DATA_USE } : built;
      if (now.getTime() / 1000 - data.event_time > maxAgeSeconds(data.action_source)) {
        const days = maxAgeDays(data.action_source);
        outcomes.set(event.id, { status: "expired", reason: `event_time is more than ${days} days old` });
        continue;
      }
      const check = validateMetaEvent(data);
      if (!check.ok) {
        outcomes.set(event.id, { status: "failed", reason: check.reason });
        continue;
      }
      ready.push({ id: event.id, data });
    }
    for (let i = 0; i < ready.length; i += MAX_BATCH) {
      await sendBatch(ready.slice(i, i + MAX_BATCH), config, now, outcomes, transport);
    }
    return outcomes;
  },
};
