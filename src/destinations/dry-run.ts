import type { Config } from "../config";
import type { Transport } from "./http";
import type { Destination } from "./types";

/**
 * DESTINATIONS_MODE=dry-run: the destinations build exactly the requests they would send and
 * this transport answers as each platform does when it takes everything, sending nothing (the
 * consumer records what would have been sent). Undefined in live mode.
 */
export function dryRunTransport(config: Config, destinations: readonly Destination[]): Transport | undefined {
  if (config.DESTINATIONS_MODE !== "dry-run") return undefined;
  return async (request) => {
    const accepted = destinations
      .find((d) => d.name === request.destination)
      ?.acceptedAnswer(request.eventIds);
    return {
      kind: "response",
      status: accepted?.status ?? 200,
      retryAfter: null,
      body: accepted?.body ?? "",
    };
  };
}
