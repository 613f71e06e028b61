import type { Config } from "../config";
import { PairMap } from "../model/keys";
import type { HttpAnswer, Transport } from "./http";
import { recordedBody } from "./recorded-body";
import type { Destination } from "./types";

/**
 * DESTINATIONS_MODE=dry-run: the destinations build exactly the requests they would send and
 * this transport keeps them (per event; secrets, client IP and user agent redacted) instead of
 * sending anything, answering as each platform does when it takes everything. Undefined in live mode.
 */
export function dryRunFor(
  config: Config,
  destinations: readonly Destination[],
): { transport: Transport; recorded: PairMap<string> } | undefined {
  if (config.DESTINATIONS_MODE !== "dry-run") return undefined;
  const recorded = new PairMap<string>();
  const transport: Transport = async (request) => {
    request.eventIds.forEach((eventId, index) => {
      recorded.set(
        { destination: request.destination, eventId },
        JSON.stringify(recordedBody(request, index)),
      );
    });
    const accepted = destinations
      .find((d) => d.name === request.destination)
      ?.acceptedAnswer(request.eventIds);
    const answer: HttpAnswer = {
      kind: "response",
      status: accepted?.status ?? 200,
      retryAfter: null,
      body: accepted?.body ?? "",
    };
    return answer;
  };
  return { transport, recorded };
}
