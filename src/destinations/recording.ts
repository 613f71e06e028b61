import { scrubbedText } from "../lib/errors";
import { PairMap } from "../model/keys";
import { EXCHANGE_LIMITS, type Exchange } from "../model/ledger";
import type { Transport } from "./http";
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
    const response = answer.kind === "response";
    request.eventIds.forEach((eventId, index) => {
      exchanges.set(
        { destination: request.destination, eventId },
        {
          at,
          sent,
          request: JSON.stringify(recordedBody(request, index)),
          status: response ? answer.status : null,
          answer: response ? scrubbedText(answer.body, EXCHANGE_LIMITS.answer) : null,
          error: response
            ? undefined
            : answer.kind === "timeout"
              ? "timeout"
              : `network error: ${answer.message}`,
        },
      );
    });
    return answer;
  };
  return { transport: recorder, exchanges };
}
