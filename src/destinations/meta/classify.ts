import type { DeliveryOutcome } from "../../model/statuses";
import { type HttpAnswer, retryAfterSeconds, retryableStatusOutcome, unansweredOutcome } from "../http";
import { type GraphError, parseGraphError, TOKEN_CODE } from "./graph-error";

/** Graph API codes a later attempt can succeed on: unknown/service errors and the throttles. */
const RETRY_CODES = new Set([1, 2, 4, 17, 32, 341, 613]);

function describe(error: GraphError): string {
  const code = `${error.code ?? "?"}${error.error_subcode ? `/${error.error_subcode}` : ""}`;
  const detail = [error.message, error.error_user_msg].filter(Boolean).join(": ");
  const trace = error.fbtrace_id ? ` (fbtrace_id ${error.fbtrace_id})` : "";
  return `Meta error ${code}: ${detail}`.slice(0, 400) + trace;
}

function isPermanentCode(code: number): boolean {
  return code === 100 || code === TOKEN_CODE || code === 10 || (code >= 200 && code <= 299);
}

/** Graph API answer → outcome. The error code decides before the HTTP status does. */
export function classifyMetaResponse(answer: HttpAnswer, now: Date): DeliveryOutcome {
  if (answer.kind !== "response") return unansweredOutcome(answer);
  const { status } = answer;
  const error = status >= 200 && status < 300 ? undefined : parseGraphError(answer.body);
  const code = error?.code;
  if (error && code !== undefined) {
    const retryAfter = retryAfterSeconds(answer.retryAfter, now);
    if (RETRY_CODES.has(code) || (code >= 80000 && code <= 80099)) {
      return { status: "retry", httpStatus: status, reason: describe(error), retryAfterSeconds: retryAfter };
    }
    if (code === TOKEN_CODE) {
      return {
        status: "failed",
        httpStatus: status,
        reason: `access token invalid or expired: the owner must replace META_ACCESS_TOKEN (${describe(error)})`,
      };
    }
    if (isPermanentCode(code)) return { status: "failed", httpStatus: status, reason: describe(error) };
    if (error.is_transient) {
      return { status: "retry", httpStatus: status, reason: describe(error), retryAfterSeconds: retryAfter };
    }
  }
  const retryable = retryableStatusOutcome(answer, now);
  if (retryable) return error ? { ...retryable, reason: describe(error) } : retryable;
  if (status >= 200 && status < 300) return { status: "sent", httpStatus: status };
  return { status: "failed", httpStatus: status, reason: error ? describe(error) : `HTTP ${status}` };
}
