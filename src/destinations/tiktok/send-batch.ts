import type { Config } from "../../config";
import { logError } from "../../lib/log";
import type { DeliveryOutcome } from "../../model/statuses";
import { sendSplittingOnRejection } from "../halving";
import type { HttpAnswer, Transport } from "../http";
import type { Ready as ReadyOf } from "../prepare";
import { isTokenCode, PARAMETER_CODE, parseTikTokAnswer } from "./answer";
import { classifyTikTokResponse } from "./classify";
import { toTikTokBody } from "./payload";
import type { TikTokEvent } from "./types";

type Ready = ReadyOf<TikTokEvent>;

/** A bad parameter fails the whole request (one bad event rejects its batch): halving isolates it. */
function rejectsAnEvent(answer: HttpAnswer): boolean {
  return answer.kind === "response" && parseTikTokAnswer(answer.body)?.code === PARAMETER_CODE;
}

/** One request for the batch (up to 1,000 events), the access token in the Access-Token header. */
export async function sendBatch(
  batch: readonly Ready[],
  config: Config,
  now: Date,
  outcomes: Map<string, DeliveryOutcome>,
  transport: Transport,
) {
  const url = `${config.TIKTOK_ENDPOINT}/open_api/v1.3/event/track/`;
  const headers = { "Access-Token": config.TIKTOK_ACCESS_TOKEN ?? "" };
  const send = (part: readonly Ready[]) =>
    transport(
      {
        destination: "tiktok",
        url,
        headers,
        body: toTikTokBody(
          part.map((r) => r.data),
          config,
        ),
        eventIds: part.map((r) => r.id),
      },
      config.DESTINATION_TIMEOUT_MS,
    );
  for (const { part, answer } of await sendSplittingOnRejection(batch, send, rejectsAnEvent)) {
    const code = answer.kind === "response" ? parseTikTokAnswer(answer.body)?.code : undefined;
    if (code !== undefined && isTokenCode(code)) {
      logError("TikTok refused the access token: the owner must replace TIKTOK_ACCESS_TOKEN", {
        destination: "tiktok",
        code,
        events: part.length,
      });
    }
    const outcome = classifyTikTokResponse(answer, now);
    for (const { id } of part) outcomes.set(id, outcome);
  }
}
