import type { DeliveryOutcome } from "../../model/statuses";
import { type HttpAnswer, retryableStatusOutcome, unansweredOutcome } from "../http";
import { parsePinterestError, parsePinterestReceipt } from "./answer";

function describe(status: number, body: string): string {
  const error = parsePinterestError(body);
  const detail = error?.message ? `: ${error.message}` : "";
  return `Pinterest HTTP ${status}${error?.code !== undefined ? ` code ${error.code}` : ""}${detail}`.slice(
    0,
    400,
  );
}

/** 401 (not authorized to send conversions) and 403 (no access to the ad account) mean the token must change. */
export const isTokenStatus = (status: number) => status === 401 || status === 403;

/**
 * Pinterest's answer → one outcome per event sent, in order. A 200 carries a status per event
 * (`processed` or `failed` with its message); 429 and 5xx (503 when the endpoint is ramped down)
 * retry; 401 and 403 are the token's fault; any other 4xx fails every event of the request.
 */
export function classifyPinterestResponse(answer: HttpAnswer, now: Date, count: number): DeliveryOutcome[] {
  const all = (outcome: DeliveryOutcome) => Array.from({ length: count }, () => outcome);
  if (answer.kind !== "response") return all(unansweredOutcome(answer));
  const { status, body } = answer;
  const retryable = retryableStatusOutcome(answer, now);
  if (retryable) return all({ ...retryable, reason: describe(status, body) });
  if (isTokenStatus(status)) {
    return all({
      status: "failed",
      httpStatus: status,
      reason: `conversion token refused: the owner must replace PINTEREST_ACCESS_TOKEN (one with access to PINTEREST_AD_ACCOUNT_ID) (${describe(status, body)})`,
    });
  }
  if (status < 200 || status >= 300)
    return all({ status: "failed", httpStatus: status, reason: describe(status, body) });
  const events = parsePinterestReceipt(body)?.events;
  return Array.from({ length: count }, (_, i): DeliveryOutcome => {
    const event = events?.[i];
    if (event?.status !== "failed") {
      return event?.warning_message
        ? {
            status: "sent",
            httpStatus: status,
            reason: `Pinterest warning: ${event.warning_message}`.slice(0, 400),
          }
        : { status: "sent", httpStatus: status };
    }
    return {
      status: "failed",
      httpStatus: status,
      reason: `Pinterest: ${event.error_message ?? "event failed"}`.slice(0, 400),
    };
  });
}
