import type { Config } from "../config";
import { logError } from "../lib/log";
import type { DeliveryOutcome, DestinationName } from "../model/statuses";
import { sendSplittingOnRejection } from "./halving";
import type { HttpAnswer, OutboundRequest, Transport } from "./http";

/** A platform that answers by HTTP status alone (Snapchat, Reddit, Microsoft): how to ask and how to read. */
export type StatusPlatform<T> = {
  destination: DestinationName;
  label: string;
  /** The request for a part of the batch, without its event ids (filled in here). */
  request: (part: readonly T[]) => Omit<OutboundRequest, "destination" | "eventIds">;
  classify: (answer: HttpAnswer, now: Date) => DeliveryOutcome;
  rejectsTheToken: (answer: HttpAnswer) => boolean;
  /** The setting the owner replaces when the token is refused. */
  tokenSetting: string;
};

/** A 400 about the events themselves: one is bad, so halving isolates it (these platforms do not say which). */
const rejectsAnEvent = (answer: HttpAnswer) => answer.kind === "response" && answer.status === 400;

/**
 * Sends one batch in one request (halving on a 400 until the bad event is alone), and gives every
 * event of each part the outcome of that part's answer. A refused token is logged as an error every
 * time, naming the setting to replace.
 */
export async function sendBatchByStatus<T>(
  batch: Array<{ id: string; data: T }>,
  platform: StatusPlatform<T>,
  config: Config,
  now: Date,
  transport: Transport,
): Promise<Map<string, DeliveryOutcome>> {
  const outcomes = new Map<string, DeliveryOutcome>();
  const send = (part: ReadonlyArray<{ id: string; data: T }>) =>
    transport(
      {
        destination: platform.destination,
        eventIds: part.map((r) => r.id),
        ...platform.request(part.map((r) => r.data)),
      },
      config.DESTINATION_TIMEOUT_MS,
    );
  for (const { part, answer } of await sendSplittingOnRejection(batch, send, rejectsAnEvent)) {
    if (platform.rejectsTheToken(answer)) {
      logError(
        `${platform.label} rejected the access token: the owner must replace ${platform.tokenSetting}`,
        {
          destination: platform.destination,
          httpStatus: answer.kind === "response" ? answer.status : undefined,
          events: part.length,
        },
      );
    }
    const outcome = platform.classify(answer, now);
    for (const { id } of part) outcomes.set(id, outcome);
  }
  return outcomes;
}
