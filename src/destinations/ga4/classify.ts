import * as z from "zod";
import type { DeliveryOutcome } from "../../model/statuses";
import { type HttpAnswer, retryableStatusOutcome, unansweredOutcome } from "../http";

const DebugAnswer = z.object({
  validationMessages: z
    .array(z.object({ fieldPath: z.string().optional(), description: z.string().optional() }))
    .default([]),
});

/**
 * 2xx from /mp/collect only means "received": the Measurement Protocol answers 2xx even to
 * malformed events. Only /debug/mp/collect (GA4_VALIDATE) says whether an event is valid.
 */
export function classifyGa4Response(answer: HttpAnswer, now: Date, validate = false): DeliveryOutcome {
  if (answer.kind !== "response") return unansweredOutcome(answer);
  const retryable = retryableStatusOutcome(answer, now);
  if (retryable) return retryable;
  const { status } = answer;
  if (status < 200 || status >= 300)
    return { status: "failed", httpStatus: status, reason: `HTTP ${status}` };
  if (!validate) return { status: "sent", httpStatus: status };
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body);
  } catch {
    return { status: "sent", httpStatus: status, reason: "validation answer unreadable" };
  }
  const debug = DebugAnswer.safeParse(parsed);
  if (!debug.success) return { status: "sent", httpStatus: status, reason: "validation answer unreadable" };
  const messages = debug.data.validationMessages;
  if (messages.length === 0) return { status: "sent", httpStatus: status, reason: "validated" };
  const reason = messages.map((m) => [m.fieldPath, m.description].filter(Boolean).join(": ")).join("; ");
  return { status: "failed", httpStatus: status, reason: `GA4 validation: ${reason}`.slice(0, 500) };
}
