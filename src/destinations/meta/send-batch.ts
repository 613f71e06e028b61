import type { Config } from "../../config";
import { withoutUndefined } from "../../lib/defined";
import { logError } from "../../lib/log";
import type { DeliveryOutcome } from "../../model/statuses";
import { sendSplittingOnRejection } from "../halving";
import type { HttpAnswer, Transport } from "../http";
import { classifyMetaResponse } from "./classify";
import { parseGraphError, TOKEN_CODE } from "./graph-error";
import type { MetaServerEvent } from "./types";

/** A 400 about the events themselves: one of them is bad, so halving finds and isolates it. */
function rejectsAnEvent(answer: HttpAnswer): boolean {
  if (answer.kind !== "response" || answer.status !== 400) return false;
  const code = parseGraphError(answer.body)?.code;
  return code === undefined || code === 100;
}

export type Ready = { id: string; data: MetaServerEvent };

/** One request for the batch; a 400 about one bad event splits it (sendSplittingOnRejection) until it fails alone. */
export async function sendBatch(
  batch: Ready[],
  config: Config,
  now: Date,
  outcomes: Map<string, DeliveryOutcome>,
  transport: Transport,
) {
  const url = `${config.META_ENDPOINT}/${config.META_API_VERSION}/${config.META_PIXEL_ID}/events`;
  const send = (part: readonly Ready[]) =>
    transport(
      {
        destination: "meta",
        url,
        body: withoutUndefined({
          data: part.map((r) => r.data),
          test_event_code: config.META_TEST_EVENT_CODE,
          access_token: config.META_ACCESS_TOKEN,
        }),
        eventIds: part.map((r) => r.id),
      },
      config.DESTINATION_TIMEOUT_MS,
    );
  for (const { part, answer } of await sendSplittingOnRejection(batch, send, rejectsAnEvent)) {
    const error = answer.kind === "response" ? parseGraphError(answer.body) : undefined;
    if (error?.code === TOKEN_CODE) {
      logError("Meta rejected the access token: the owner must replace META_ACCESS_TOKEN", {
        destination: "meta",
        code: error.code,
        subcode: error.error_subcode,
        fbtraceId: error.fbtrace_id,
        events: part.length,
      });
    }
    const outcome = classifyMetaResponse(answer, now);
    for (const { id } of part) outcomes.set(id, outcome);
  }
}
