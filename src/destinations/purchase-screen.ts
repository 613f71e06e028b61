import type { Config } from "../config";
import type { CommerceEvent } from "../model/commerce-event";
import type { DeliveryOutcome, DestinationName } from "../model/statuses";
import type { ConsentDecision } from "./consent";
import { testOrderPolicy } from "./test-orders";
import type { Destination } from "./types";

export type Screened =
  | { send: true; debug: boolean; ldu: boolean }
  | { send: false; outcome: DeliveryOutcome };

/** What a platform without a refund event and with one dated window decides before any payload is built. */
export type ScreenRules = {
  name: DestinationName;
  label: string;
  datedWindow: Destination["datedWindow"];
  consent: (consent: CommerceEvent["consent"], config: Config) => ConsentDecision;
  /**
   * Where TEST_ORDERS=debug sends a test order: true when the platform's test mode is on (or, like
   * Snapchat's validate endpoint, needs nothing more); false names `testSetting` in the reason.
   */
  testMode: (config: Config) => boolean;
  /** The setting that turns the test mode on; none when the platform has no test mode. */
  testSetting?: string;
};

/**
 * Test orders (TEST_ORDERS; `debug` needs the platform's test mode), refunds (the platform has no
 * refund event: `skipped`), consent (the destination's policies) and age (past the platform's
 * window: `expired`), in that order, as Meta applies them. Every destination but GA4 and Meta
 * screens its events here, directly or through `prepareEvents` (./prepare.ts).
 */
export function screenPurchase(
  event: CommerceEvent,
  rules: ScreenRules,
  config: Config,
  now: Date,
): Screened {
  const skip = (reason: string): Screened => ({ send: false, outcome: { status: "skipped", reason } });
  const policy = testOrderPolicy(event, rules.name, config);
  if (!policy.send) return skip(policy.reason);
  if (policy.debug && !rules.testMode(config)) {
    return skip(
      rules.testSetting
        ? `test order: TEST_ORDERS is debug but ${rules.testSetting} is not set`
        : `test order: TEST_ORDERS is debug but ${rules.label} has no test mode`,
    );
  }
  if (event.kind === "refund") return skip(`${rules.label} has no refund event`);
  const consent = rules.consent(event.consent, config);
  if (consent.action === "skip") return skip(consent.reason);
  if (now.getTime() - Date.parse(event.occurredAt) > rules.datedWindow.ms) {
    return {
      send: false,
      outcome: { status: "expired", reason: `event time is more than ${rules.datedWindow.text} old` },
    };
  }
  return { send: true, debug: policy.debug, ldu: consent.action === "send-ldu" };
}
