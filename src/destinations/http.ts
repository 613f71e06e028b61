import { errorText } from "../lib/errors";
import { retryAfterSeconds } from "../lib/retry-after";
import type { DestinationName } from "../model/statuses";

/** What one outbound call came to: an HTTP answer, or why there was none. */
export type HttpAnswer =
  | { kind: "response"; status: number; retryAfter: string | null; body: string }
  | { kind: "timeout" }
  | { kind: "network"; message: string };

/** POSTs a JSON text; never throws, a timeout or a network failure is an answer too. */
export async function postJson(
  url: string,
  json: string,
  timeoutMs: number,
  headers: Record<string, string> = {},
): Promise<HttpAnswer> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: json,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await response.text();
    return {
      kind: "response",
      status: response.status,
      retryAfter: response.headers.get("retry-after"),
      body,
    };
  } catch (error) {
    const name = error instanceof Error ? error.name : "";
    if (name === "TimeoutError" || name === "AbortError") return { kind: "timeout" };
    return { kind: "network", message: errorText(error) };
  }
}

export { retryAfterSeconds };

/** One outbound request as a destination builds it; `eventIds` are the events its body carries, in order. */
export interface OutboundRequest {
  destination: DestinationName;
  url: string;
  body: Record<string, unknown>;
  eventIds: string[];
  /**
   * Extra request headers (an `Authorization` or `Access-Token`). Sent, and never recorded: the
   * story and a dry run keep only the body.
   */
  headers?: Record<string, string>;
  /**
   * Where in the body the per-event array is (`["data"]`, `["data", "events"]`), when it is not
   * the one top-level array as long as `eventIds`: what one event's recorded body is cut down to.
   */
  eventsAt?: readonly string[];
}

/** How a built request leaves: sent for real, or (dry run) recorded instead. */
export type Transport = (request: OutboundRequest, timeoutMs: number) => Promise<HttpAnswer>;

export const liveTransport: Transport = (request, timeoutMs) =>
  postJson(request.url, JSON.stringify(request.body), timeoutMs, request.headers);

type Answered = Extract<HttpAnswer, { kind: "response" }>;
type Unanswered = Exclude<HttpAnswer, Answered>;

/** No answer at all: the event may or may not have arrived, and sending again is safe. */
export function unansweredOutcome(answer: Unanswered) {
  return answer.kind === "timeout"
    ? ({ status: "retry", reason: "timeout" } as const)
    : ({ status: "retry", reason: `network error: ${answer.message}` } as const);
}

/** 429 and 5xx: the server asks for another attempt, possibly after Retry-After. */
export function retryableStatusOutcome(answer: Answered, now: Date) {
  if (answer.status !== 429 && answer.status < 500) return undefined;
  return {
    status: "retry",
    httpStatus: answer.status,
    reason: `HTTP ${answer.status}`,
    retryAfterSeconds: retryAfterSeconds(answer.retryAfter, now),
  } as const;
}
