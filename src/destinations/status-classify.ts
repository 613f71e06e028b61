import type { DeliveryOutcome } from "../model/statuses";
import { type HttpAnswer, retryableStatusOutcome, unansweredOutcome } from "./http";

/** How a platform that documents HTTP statuses and no error codes is read. */
export type StatusRules = {
  /** The answer refuses the credential (401, and 403 where the platform uses it so). */
  rejectsTheToken: (answer: HttpAnswer) => boolean;
  /** The setting the owner replaces when the token is refused. */
  tokenSetting: string;
  /** A one-line reason from the status and body, never the request. */
  describe: (status: number, body: string) => string;
  /** A 2xx whose body still says the events were refused. */
  refusedDespite2xx?: (body: string) => boolean;
};

/** No answer or 429/5xx retry; a refused token fails naming its setting; 2xx is sent; any other 4xx fails. */
export function classifyByStatus(answer: HttpAnswer, now: Date, rules: StatusRules): DeliveryOutcome {
  if (answer.kind !== "response") return unansweredOutcome(answer);
  const { status, body } = answer;
  const retryable = retryableStatusOutcome(answer, now);
  if (retryable) return { ...retryable, reason: rules.describe(status, body) };
  if (rules.rejectsTheToken(answer)) {
    return {
      status: "failed",
      httpStatus: status,
      reason: `access token invalid or expired: the owner must replace ${rules.tokenSetting} (${rules.describe(status, body)})`,
    };
  }
  if (status >= 200 && status < 300 && !rules.refusedDespite2xx?.(body))
    return { status: "sent", httpStatus: status };
  return { status: "failed", httpStatus: status, reason: rules.describe(status, body) };
}
