import type { Config } from "../config";
import { issueText } from "../lib/issue";
import type { CommerceEvent } from "../model/commerce-event";

export interface NormalizedEvent {
  event: CommerceEvent;
  /** Store this event only if the event with this id was already recorded (e.g. a cancellation refunds a purchase). */
  onlyIfRecorded?: string;
  /** Store this event only if the event with this id was NOT recorded (e.g. a refund already covered by a full reversal). */
  unlessRecorded?: string;
}

/** The events of one webhook, each told the shop's own site (a page of the shop where the order names none). */
export function atShop(events: NormalizedEvent[], shopUrl: string | undefined): NormalizedEvent[] {
  return shopUrl ? events.map((n) => ({ ...n, event: { ...n.event, shopUrl } })) : events;
}

/**
 * A conversion to reverse whose value the sender does not say (WooCommerce's `order.deleted`
 * carries only the order id): ingest builds the refund from the recorded purchase.
 */
export interface Reversal {
  /** The refund event's id. */
  eventId: string;
  refundId: string;
  purchaseId: string;
  occurredAt: string;
}

export interface WebhookMeta {
  topic?: string;
  shop?: string;
  /** The sender's id for this delivery attempt (logged, never a dedupe key on its own). */
  deliveryId?: string;
}

/**
 * Why a webhook is refused, and the one HTTP status each refusal is answered with: a 4xx tells
 * the sender that the same request will never pass, the 503 asks it to retry later.
 */
export const REFUSAL_STATUS = {
  unauthorized: 401,
  "body too large": 413,
  "unreadable body": 400,
  "malformed payload": 400,
  "invalid payload": 400,
  "missing webhook headers": 400,
  "topic does not match the body": 400,
  "signing key unavailable": 503,
} as const satisfies Record<string, 400 | 401 | 413 | 503>;
export type RefusalReason = keyof typeof REFUSAL_STATUS;

/**
 * What an answer may say about a webhook it refused or ignored: fixed words only, so a reply
 * never echoes anything the sender sent. The specifics go to the log as `detail`.
 */
export const REPLY_REASONS = [
  ...(Object.keys(REFUSAL_STATUS) as RefusalReason[]),
  "topic not used",
  "no conversion in this webhook",
  "order state is not a purchase",
  "reversals are off (WOOCOMMERCE_REFUND_ON_CANCEL)",
  "delivery URL check",
] as const;
export type ReplyReason = (typeof REPLY_REASONS)[number];

type Said<Reason> = { reason: Reason; detail?: string } & WebhookMeta;

/** What a source makes of one authenticated (or refused) webhook. */
export type SourceVerdict =
  /** `hint`: what the owner should check, naming the setting (for the log and /admin, never the reply). */
  | ({ outcome: "rejected"; hint?: string } & Said<RefusalReason>)
  | ({ outcome: "ignored" | "ping"; reply?: Record<string, unknown> } & Said<ReplyReason>)
  | ({
      outcome: "events";
      events: NormalizedEvent[];
      reversals?: Reversal[];
      reply?: Record<string, unknown>;
    } & WebhookMeta);

export type WebhookRequest = { headers: Headers; bytes: Uint8Array };

export interface WebhookSource {
  name: CommerceEvent["source"];
  /**
   * What keeps this source from accepting anything, as a fix naming the setting (for /health,
   * the 503 and its log line), or undefined when it is ready.
   */
  setupProblem(config: Config): string | undefined;
  /**
   * A refusal decided from the headers alone, before the setup check and before the body is
   * read: a kind of sender the owner has not enabled is a 401 that reaches out to nobody.
   */
  screen?(headers: Headers, config: Config): SourceVerdict | undefined;
  handle(request: WebhookRequest, config: Config): Promise<SourceVerdict>;
}

export const unauthorized = (detail: string, meta: WebhookMeta = {}, hint?: string): SourceVerdict => ({
  outcome: "rejected",
  reason: "unauthorized",
  detail,
  hint,
  ...meta,
});

export const invalid = (reason: RefusalReason, detail?: string, meta: WebhookMeta = {}): SourceVerdict => ({
  outcome: "rejected",
  reason,
  detail,
  ...meta,
});

/** A schema refusal for the log: where and what, never the value. */
export function schemaProblem(error: {
  issues: ReadonlyArray<{ code: string; path: PropertyKey[]; message: string }>;
}): string {
  return issueText(error.issues[0]).slice(0, 160);
}
