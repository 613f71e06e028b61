import type { Config } from "../config";
import type { CommerceEvent } from "../model/commerce-event";
import type { DestinationName, OUTCOME } from "../model/statuses";
import type { Transport } from "./http";

/** What happened to one event at one destination, after one attempt. */
export type DeliveryOutcome =
  | { status: typeof OUTCOME.sent; httpStatus: number; reason?: string }
  | { status: typeof OUTCOME.retry; httpStatus?: number; reason: string; retryAfterSeconds?: number }
  | { status: typeof OUTCOME.failed; httpStatus?: number; reason: string }
  | { status: typeof OUTCOME.skipped; reason: string }
  | { status: typeof OUTCOME.expired; reason: string };

export interface Destination {
  name: DestinationName;
  enabled(config: Config): boolean;
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
