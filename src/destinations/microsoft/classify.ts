import type { DeliveryOutcome } from "../../model/statuses";
import { type HttpAnswer, retryableStatusOutcome, unansweredOutcome } from "../http";

/** 401 and 403: the Conversions API token is wrong, revoked, or not for this UET tag. */
export const rejectsTheToken = (answer: HttpAnswer) =>
  answer.kind === "response" && (answer.status === 401 || answer.status === 403);

function describe(status: number, body: string): string {
  const detail = body.trim().replace(/\s+/g, " ");
  return `Microsoft UET HTTP ${status}${detail ? `: ${detail}` : ""}`.slice(0, 400);
}

/**
 * UET CAPI answer → outcome by HTTP status (the stored guide documents no error codes): 429 and 5xx
 * retry, 401/403 name the token, 400 and other 4xx fail for good.
 */
export function classifyUetResponse(answer: HttpAnswer, now: Date): DeliveryOutcome {
  if (answer.kind !== "response") return unansweredOutcome(answer);
  const { status, body } = answer;
  const retryable = retryableStatusOutcome(answer, now);
  if (retryable) return { ...retryable, reason: describe(status, body) };
  if (rejectsTheToken(answer)) {
    return {
      status: "failed",
      httpStatus: status,
      reason: `access token invalid or expired: the owner must replace MICROSOFT_UET_ACCESS_TOKEN (${describe(status, body)})`,
    };
  }
  if (status >= 200 && status < 300) return { status: "sent", httpStatus: status };
  return { status: "failed", httpStatus: status, reason: describe(status, body) };
}
