import type { DeliveryOutcome } from "../../model/statuses";
import { type HttpAnswer, retryAfterSeconds, retryableStatusOutcome, unansweredOutcome } from "../http";
import { isServerCode, isTokenCode, parseTikTokAnswer, RATE_LIMIT_CODE, type TikTokAnswer } from "./answer";

function describe(answer: TikTokAnswer): string {
  const request = answer.request_id ? ` (request_id ${answer.request_id})` : "";
  return `TikTok code ${answer.code}: ${answer.message ?? ""}`.slice(0, 400) + request;
}

/** Events API answer → outcome. TikTok answers HTTP 200 to most errors: the body's code decides first. */
export function classifyTikTokResponse(answer: HttpAnswer, now: Date): DeliveryOutcome {
  if (answer.kind !== "response") return unansweredOutcome(answer);
  const { status } = answer;
  const parsed = parseTikTokAnswer(answer.body);
  if (parsed && parsed.code !== 0) {
    const reason = describe(parsed);
    if (parsed.code === RATE_LIMIT_CODE || isServerCode(parsed.code)) {
      return {
        status: "retry",
        httpStatus: status,
        reason,
        retryAfterSeconds: retryAfterSeconds(answer.retryAfter, now),
      };
    }
    if (isTokenCode(parsed.code)) {
      return {
        status: "failed",
        httpStatus: status,
        reason: `access token refused: the owner must replace TIKTOK_ACCESS_TOKEN (one with access to TIKTOK_PIXEL_CODE) (${reason})`,
      };
    }
    const retryable = retryableStatusOutcome(answer, now);
    return retryable ? { ...retryable, reason } : { status: "failed", httpStatus: status, reason };
  }
  const retryable = retryableStatusOutcome(answer, now);
  if (retryable) return retryable;
  if (status >= 200 && status < 300) return { status: "sent", httpStatus: status };
  return { status: "failed", httpStatus: status, reason: `HTTP ${status}` };
}
