import type { Config } from "../config";
import type { CommerceEvent } from "../model/commerce-event";
import type { DeliveryOutcome, DestinationName } from "../model/statuses";
import type { Transport } from "./http";

/**
 * What every destination is to the rest of the relay (docs/destinations.md). The consumer, the
 * sweep, replay, `/health`, the admin and the coverage report find destinations only through the
 * registry (`./registry.ts`) and this contract, never by name.
 */
export interface Destination {
  name: DestinationName;
  /** As people read it: "GA4", "Meta", "Google Ads". */
  label: string;
  enabled(config: Config): boolean;
  /**
   * How far back the platform takes an event dated when it happened: a conversion reconciliation
   * recovers later than that is recorded `expired` with the reason, never sent.
   */
  datedWindow: { ms: number; text: string; whose: string };
  /**
   * `/health`'s entry besides `enabled`: when disabled, `missing` names the settings to set;
   * when enabled, what an owner checks (API version, test mode on or off). No secret, ever.
   */
  health(config: Config): Record<string, unknown>;
  /**
   * When enabled in a mode whose events do not count as real conversions (a test event code,
   * validate-only), one sentence that names the setting; the admin's banner shows it.
   */
  testModeNotice(config: Config): string | undefined;
  /**
   * What the platform answers a request that it accepts whole: the answer a dry run records and
   * the tests' fake platform gives.
   */
  acceptedAnswer(eventIds: readonly string[]): { status: number; body: string };
  /**
   * Builds, sends and classifies. Returns one outcome per event id given; never throws
   * for a network error, a timeout or an HTTP answer (those are outcomes).
   */
  deliver(
    events: CommerceEvent[],
    config: Config,
    now: Date,
    transport?: Transport,
  ): Promise<Map<string, DeliveryOutcome>>;
}

/** `/health`'s `missing` for a destination whose settings are not all there. */
export function missingSettings(config: Config, names: readonly (keyof Config)[]): { missing: string[] } {
  return { missing: names.filter((name) => !config[name]) as string[] };
}
