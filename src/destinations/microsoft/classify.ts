import type { DeliveryOutcome } from "../../model/statuses";
import type { HttpAnswer } from "../http";
import { classifyByStatus } from "../status-classify";

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
export const classifyUetResponse = (answer: HttpAnswer, now: Date): DeliveryOutcome =>
  classifyByStatus(answer, now, { rejectsTheToken, tokenSetting: "MICROSOFT_UET_ACCESS_TOKEN", describe });
