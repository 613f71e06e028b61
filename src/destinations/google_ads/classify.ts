import type { DeliveryOutcome } from "../../model/statuses";
import { type HttpAnswer, retryAfterSeconds, unansweredOutcome } from "../http";
import { describeGoogleApiError, parseGoogleApiError } from "./api-error";

/** Canonical codes a later attempt can succeed on (google.rpc.Code; limits page: 429 RESOURCE_EXHAUSTED). */
const RETRY_STATUSES = new Set([
  "RESOURCE_EXHAUSTED",
  "UNAVAILABLE",
  "INTERNAL",
  "DEADLINE_EXCEEDED",
  "ABORTED",
  "UNKNOWN",
]);

/** What the owner must fix for a settings answer, naming the settings. */
export function settingsProblem(status: string | undefined, httpStatus: number): string | undefined {
  if (status === "UNAUTHENTICATED" || httpStatus === 401) {
    return "Google refused the access token of GOOGLE_SERVICE_ACCOUNT_KEY: check the key and that the Data Manager API is enabled in its Google Cloud project";
  }
  if (status === "PERMISSION_DENIED" || httpStatus === 403) {
    return "the service account of GOOGLE_SERVICE_ACCOUNT_KEY may not write to GOOGLE_ADS_CUSTOMER_ID (add its e-mail as a user of the Google Ads account, or set GOOGLE_ADS_LOGIN_CUSTOMER_ID to the manager it is a user of)";
  }
  return undefined;
}

/** Data Manager answer → outcome. The canonical status decides before the HTTP status does. */
export function classifyGoogleAdsResponse(
  answer: HttpAnswer,
  now: Date,
  validateOnly = false,
): DeliveryOutcome {
  if (answer.kind !== "response") return unansweredOutcome(answer);
  const { status } = answer;
  if (status >= 200 && status < 300) {
    return validateOnly
      ? { status: "sent", httpStatus: status, reason: "validated" }
      : { status: "sent", httpStatus: status };
  }
  const error = parseGoogleApiError(answer.body);
  const reason = error ? describeGoogleApiError(error) : `HTTP ${status}`;
  const canonical = error?.status;
  if ((canonical && RETRY_STATUSES.has(canonical)) || status === 429 || status >= 500) {
    return {
      status: "retry",
      httpStatus: status,
      reason,
      retryAfterSeconds: retryAfterSeconds(answer.retryAfter, now),
    };
  }
  const problem = settingsProblem(canonical, status);
  return { status: "failed", httpStatus: status, reason: problem ? `${problem} (${reason})` : reason };
}
