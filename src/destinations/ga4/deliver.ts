import { type Config, ga4Enabled } from "../../config";
import { errorText } from "../../lib/errors";
import { logError } from "../../lib/log";
import type { CommerceEvent } from "../../model/commerce-event";
import type { DeliveryOutcome } from "../../model/statuses";
import { ga4ConsentDecision } from "../consent";
import { liveTransport, type Transport } from "../http";
import { testOrderPolicy } from "../test-orders";
import { type Destination, missingSettings } from "../types";
import { classifyGa4Response } from "./classify";
import { toGa4Payload } from "./payload";

/** A Worker may hold six outgoing connections open at once. */
const CONCURRENCY = 6;

function collectUrl(config: Config): string | undefined {
  try {
    const url = new URL(config.GA4_ENDPOINT);
    if (config.GA4_VALIDATE) url.pathname = url.pathname.replace(/\/mp\/collect\/?$/, "/debug/mp/collect");
    url.searchParams.set("measurement_id", config.GA4_MEASUREMENT_ID ?? "");
    url.searchParams.set("api_secret", config.GA4_API_SECRET ?? "");
    return url.toString();
  } catch {
    return undefined;
  }
}

async function deliverOne(
  event: CommerceEvent,
  config: Config,
  now: Date,
  transport: Transport,
): Promise<DeliveryOutcome> {
  const url = collectUrl(config);
  if (!url) return { status: "failed", reason: "GA4_ENDPOINT is not a valid URL" };
  const policy = testOrderPolicy(event, "ga4", config);
  if (!policy.send) return { status: "skipped", reason: policy.reason };
  const consent = ga4ConsentDecision(event.consent, config);
  if (consent.action === "skip") return { status: "skipped", reason: consent.reason };
  const { body, note } = await toGa4Payload(event, config, now);
  // debug_mode routes the hit to DebugView and keeps it out of the reports.
  if (policy.debug) body.events[0].params.debug_mode = 1;
  const request = { destination: "ga4" as const, url, body, eventIds: [event.id] };
  const answer = await transport(request, config.DESTINATION_TIMEOUT_MS);
  const outcome = classifyGa4Response(answer, now, config.GA4_VALIDATE);
  if (outcome.status !== "sent" || !note) return outcome;
  return { ...outcome, reason: outcome.reason ? `${outcome.reason}; ${note}` : note };
}

/** One request per event: client_id is per request and each order has its own. */
export const ga4: Destination = {
  name: "ga4",
  label: "GA4",
  enabled: ga4Enabled,
  // timestamp_micros may lie up to 72 hours back.
  datedWindow: { ms: 72 * 3_600_000, text: "72 hours", whose: "GA4's window for a dated event" },
  health: (config) =>
    ga4Enabled(config)
      ? { validate: config.GA4_VALIDATE }
      : missingSettings(config, ["GA4_MEASUREMENT_ID", "GA4_API_SECRET"]),
  testModeNotice: (config) =>
    config.GA4_VALIDATE
      ? "GA4 validation (GA4_VALIDATE): events go to /debug/mp/collect, which checks them and collects nothing."
      : undefined,
  // The Measurement Protocol answers 204 with no body to anything it takes (and to much it drops).
  acceptedAnswer: () => ({ status: 204, body: "" }),
  async deliver(events, config, now, transport = liveTransport) {
    const outcomes = new Map<string, DeliveryOutcome>();
    // An event that cannot even be built fails alone: its neighbours may already be sent.
    for (let i = 0; i < events.length; i += CONCURRENCY) {
      const batch = events.slice(i, i + CONCURRENCY);
      const results = await Promise.all(
        batch.map((event) =>
          deliverOne(event, config, now, transport).catch((error: unknown): DeliveryOutcome => {
            const reason = `unexpected: ${errorText(error)}`;
            logError("ga4 delivery failed unexpectedly", { destination: "ga4", eventId: event.id, reason });
            return { status: "failed", reason };
          }),
        ),
      );
      for (const [j, event] of batch.entries()) outcomes.set(event.id, results[j]);
    }
    return outcomes;
  },
};
