import { scrubbedText } from "../lib/errors";
import { PairMap } from "../model/keys";
import { EXCHANGE_LIMITS, type Exchange } from "../model/ledger";
import { type Transport, unansweredOutcome } from "./http";
import { recordedBody } from "./recorded-body";

/** An exchange as the transport sees it; the ledger adds which attempt it was. */
export type Recorded = Omit<Exchange, "attempt">;

/**
 * The transport, keeping per destination and event the last request made for it (the event's own
 * part of the body, credentials and client data redacted, never the headers; whole: the ledger
 * cuts it) and the start of what came back, for the order's story. `sent` is false when the transport only records (a dry run).
 */
export function recording(
  transport: Transport,
  sent: boolean,
): { transport: Transport; exchanges: PairMap<Recorded> } {
  const exchanges = new PairMap<Recorded>();
  const recorder: Transport = async (request, timeoutMs) => {
    const at = new Date().toISOString();
    const answer = await transport(request, timeoutMs);
    // What came back, or why nothing did, in the words the ledger's reason uses.
    const got =
      answer.kind === "response"
        ? { status: answer.status, answer: scrubbedText(answer.body, EXCHANGE_LIMITS.answer) }
        : { status: null, answer: null, error: unansweredOutcome(answer).reason };
    request.eventIds.forEach((eventId, index) => {
      exchanges.set(
        { destination: request.destination, eventId },
        { at, sent, request: JSON.stringify(recordedBody(request, index)), ...got },
      );
    });
    return answer;
  };
  return { transport: recorder, exchanges };
}
