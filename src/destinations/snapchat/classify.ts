import * as z from "zod";
import type { DeliveryOutcome } from "../../model/statuses";
import type { HttpAnswer } from "../http";
import { classifyByStatus } from "../status-classify";

/** Snap's answer body (EventResponse / ValidateResponse): a status, a reason, error codes and messages. */
const SnapAnswer = z.object({
  status: z.string().optional(),
  reason: z.string().optional(),
  errors: z
    .object({ codes: z.array(z.string()).optional(), error_msgs: z.array(z.string()).optional() })
    .optional(),
});

export function parseSnapAnswer(body: string): z.infer<typeof SnapAnswer> | undefined {
  try {
    const parsed = SnapAnswer.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** 401 and 403: the token is missing, wrong, expired or not for this pixel. */
export const rejectsTheToken = (answer: HttpAnswer) =>
  answer.kind === "response" && (answer.status === 401 || answer.status === 403);

function describe(status: number, body: string): string {
  const answer = parseSnapAnswer(body);
  const detail = [answer?.status, answer?.reason, ...(answer?.errors?.error_msgs ?? [])].filter(Boolean);
  return `Snap HTTP ${status}${detail.length ? `: ${detail.join(": ")}` : ""}`.slice(0, 400);
}

/**
 * Snap's answer → outcome. Snap documents no error codes beyond HTTP statuses and INVALID (400 for
 * a missing field, an old timestamp, unhashed PII), so the status decides: 429 and 5xx retry, 401/403
 * name the token, any other 4xx (and a 2xx that says INVALID) fails for good.
 */
export const classifySnapResponse = (answer: HttpAnswer, now: Date): DeliveryOutcome =>
  classifyByStatus(answer, now, {
    rejectsTheToken,
    tokenSetting: "SNAPCHAT_ACCESS_TOKEN",
    describe,
    refusedDespite2xx: (body) => parseSnapAnswer(body)?.status === "INVALID",
  });
