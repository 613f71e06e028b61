import type { Config } from "../../config";
import { logError } from "../../lib/log";
import type { DeliveryOutcome } from "../../model/statuses";
import { sendSplittingOnRejection } from "../halving";
import type { HttpAnswer, Transport } from "../http";
import type { Ready as ReadyOf } from "../prepare";
import { classifyPinterestResponse, isTokenStatus } from "./classify";
import type { PinterestEvent } from "./types";

type Ready = ReadyOf<PinterestEvent>;

/** A 400 refuses the request as a whole: one of its events may be at fault, so halving isolates it. */
const rejectsAnEvent = (answer: HttpAnswer) => answer.kind === "response" && answer.status === 400;

/** One request for the batch (up to 1,000 events), the conversion token as a Bearer token. */
export async function sendBatch(
  batch: readonly Ready[],
  config: Config,
  now: Date,
  outcomes: Map<string, DeliveryOutcome>,
  transport: Transport,
) {
  const test = config.PINTEREST_TEST ? "?test=true" : "";
  const url = `${config.PINTEREST_ENDPOINT}/v5/ad_accounts/${encodeURIComponent(config.PINTEREST_AD_ACCOUNT_ID ?? "")}/events${test}`;
  const headers = { Authorization: `Bearer ${config.PINTEREST_ACCESS_TOKEN ?? ""}` };
  const send = (part: readonly Ready[]) =>
    transport(
      {
        destination: "pinterest",
        url,
        headers,
        body: { data: part.map((r) => r.data) },
        eventIds: part.map((r) => r.id),
      },
      config.DESTINATION_TIMEOUT_MS,
    );
  for (const { part, answer } of await sendSplittingOnRejection(batch, send, rejectsAnEvent)) {
    if (answer.kind === "response" && isTokenStatus(answer.status)) {
      logError("Pinterest refused the conversion token: the owner must replace PINTEREST_ACCESS_TOKEN", {
        destination: "pinterest",
        httpStatus: answer.status,
        events: part.length,
      });
    }
    classifyPinterestResponse(answer, now, part.length).forEach((outcome, i) => {
      outcomes.set(part[i].id, outcome);
    });
  }
}
