import type { Config } from "../../config";
import { withoutUndefined } from "../../lib/defined";
import { logError } from "../../lib/log";
import type { DeliveryOutcome } from "../../model/statuses";
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

export async function sendBatch(
  batch: Ready[],
  config: Config,
  now: Date,
  outcomes: Map<string, DeliveryOutcome>,
  transport: Transport,
) {
  const url = `${config.META_ENDPOINT}/${config.META_API_VERSION}/${config.META_PIXEL_ID}/events`;
  const body = withoutUndefined({
    data: batch.map((r) => r.data),
    test_event_code: config.META_TEST_EVENT_CODE,
    access_token: config.META_ACCESS_TOKEN,
  });
  const eventIds = batch.map((r) => r.id);
  const answer = await transport({ destination: "meta", url, body, eventIds }, config.DESTINATION_TIMEOUT_MS);
  if (batch.length > 1 && rejectsAnEvent(answer)) {
    const half = Math.ceil(batch.length / 2);
    await sendBatch(batch.slice(0, half), config, now, outcomes, transport);
    await sendBatch(batch.slice(half), config, now, outcomes, transport);
    return;
  }
  const outcome = classifyMetaResponse(answer, now);
  if (answer.kind === "response") {
    const error = parseGraphError(answer.body);
    if (error?.code === TOKEN_CODE) {
      logError("Meta rejected the access token: the owner must replace META_ACCESS_TOKEN", {
        destination: "meta",
        code: error.code,
        subcode: error.error_subcode,
        fbtraceId: error.fbtrace_id,
        events: batch.length,
      });
    }
  }
  for (const { id } of batch) outcomes.set(id, outcome);
}
