import type { Config } from "../config";
import type { CommerceEvent } from "../model/commerce-event";
import type { DeliveryOutcome, DestinationName } from "../model/statuses";
import type { Transport } from "./http";

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
