import type { DeliveryOutcome } from "../../model/statuses";
import type { HttpAnswer } from "../http";
import { classifyByStatus } from "../status-classify";

/** 401: the conversion access token is wrong, revoked or not for this pixel. */
export const rejectsTheToken = (answer: HttpAnswer) => answer.kind === "response" && answer.status === 401;

/** Reddit's error text, shortened: its bodies are JSON (`message`, `invalid_events`) or plain text. */
function describe(status: number, body: string): string {
  let detail = body.trim();
  try {
    const parsed = JSON.parse(body) as { message?: unknown; error?: { message?: unknown } };
    const message = parsed.message ?? parsed.error?.message;
    if (typeof message === "string") detail = message;
  } catch {
    // Not JSON: the text as it came.
  }
  return `Reddit HTTP ${status}${detail ? `: ${detail}` : ""}`.slice(0, 400);
}

/**
 * Reddit's answer → outcome by HTTP status (its docs name no error codes): 429 and 5xx retry, 401
 * names the token, 400 and other 4xx fail for good ("N invalid conversion events. None were processed").
 */
export const classifyRedditResponse = (answer: HttpAnswer, now: Date): DeliveryOutcome =>
  classifyByStatus(answer, now, { rejectsTheToken, tokenSetting: "REDDIT_ACCESS_TOKEN", describe });
