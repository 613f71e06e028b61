import type { Config } from "../config";
import type { CommerceEvent } from "../events";

export interface NormalizedEvent {
  event: CommerceEvent;
  /** Store this event only if the event with this id was already recorded (e.g. a cancellation refunds a purchase). */
  onlyIfRecorded?: string;
  /** Store this event only if the event with this id was NOT recorded (e.g. a refund already covered by a full reversal). */
  unlessRecorded?: string;
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

/** What a source makes of one authenticated (or refused) webhook. */
export type SourceVerdict =
  | ({ outcome: "rejected"; status: 400 | 401 | 503; reason: string } & WebhookMeta)
  | ({ outcome: "ignored" | "ping"; reason: string; reply?: Record<string, unknown> } & WebhookMeta)
  | ({
      outcome: "events";
      events: NormalizedEvent[];
      reversals?: Reversal[];
      reply?: Record<string, unknown>;
    } & WebhookMeta);

export interface WebhookSource {
  name: CommerceEvent["source"];
  /** Whether the secrets this source needs are configured (for /health and the 503). */
  configured(config: Config): boolean;
  handle(request: { headers: Headers; bytes: Uint8Array }, config: Config): Promise<SourceVerdict>;
}
