import * as z from "zod";

const isOneOf = <T extends string>(list: readonly T[], value: string): value is T =>
  (list as readonly string[]).includes(value);

/** The shop systems webhooks come from, by the name in their route: `POST /webhooks/<name>`. */
export const SOURCE_NAMES = ["shopify", "magento", "woocommerce"] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

/**
 * Every destination this release knows, by the name its ledger entries, settings prefix and
 * folder (`src/destinations/<name>/`) use; each enabled one has one ledger row per event.
 */
export const DESTINATION_NAMES = [
  "ga4",
  "meta",
  "tiktok",
  "google_ads",
  "pinterest",
  "snapchat",
  "microsoft",
  "reddit",
] as const;
export const DestinationName = z.enum(DESTINATION_NAMES);
export type DestinationName = z.infer<typeof DestinationName>;

/** A ledger row's state (one row per event and destination), in the order the admin shows them. */
export const DELIVERY_STATUSES = [
  "sent",
  "sending",
  "retrying",
  "failed",
  "dead",
  "skipped",
  "expired",
  "dry-run",
] as const;
export const DeliveryStatus = z.enum(DELIVERY_STATUSES);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;
/** Each status by name, for code and SQL: `STATUS.retrying`. */
export const STATUS = DeliveryStatus.enum;

/** States after which a destination is never tried again for that event (until a replay resets it). */
export const FinalStatus = DeliveryStatus.exclude([STATUS.sending, STATUS.retrying]);
export type FinalStatus = z.infer<typeof FinalStatus>;
export const FINAL_STATUSES = FinalStatus.options;
export const isFinal = (status: string): status is FinalStatus => isOneOf(FINAL_STATUSES, status);

/** A replay by event id resets anything not sent and not held by a live consumer. */
export const REPLAYABLE_BY_ID = DeliveryStatus.exclude([STATUS.sent, STATUS.sending]).options;
export const isReplayable = (status: string): boolean => isOneOf(REPLAYABLE_BY_ID, status);
/** Failed for good: refused (`failed`) or out of retries (`dead`). What a bulk replay takes. */
export const FailedStatus = DeliveryStatus.extract([STATUS.failed, STATUS.dead]);
export const FAILED_STATUSES = FailedStatus.options;
export const isFailed = (status: string): boolean => isOneOf(FAILED_STATUSES, status);

/** What one attempt at a destination came to; the ledger records it as a DeliveryStatus. */
export const OUTCOME_STATUSES = ["sent", "retry", "failed", "skipped", "expired"] as const;
export const OutcomeStatus = z.enum(OUTCOME_STATUSES);
export type OutcomeStatus = z.infer<typeof OutcomeStatus>;
export const OUTCOME = OutcomeStatus.enum;

/** What happened to one event at one destination, after one attempt. */
export type DeliveryOutcome =
  | { status: typeof OUTCOME.sent; httpStatus: number; reason?: string }
  | { status: typeof OUTCOME.retry; httpStatus?: number; reason: string; retryAfterSeconds?: number }
  | { status: typeof OUTCOME.failed; httpStatus?: number; reason: string }
  | { status: typeof OUTCOME.skipped; reason: string }
  | { status: typeof OUTCOME.expired; reason: string };

/** How the fetch handler answered one webhook; counted per hour and source in webhook_counts. */
export const WEBHOOK_OUTCOMES = [
  "accepted",
  "duplicate",
  "ignored",
  "ping",
  "rejected",
  "unavailable",
] as const;
export const WebhookOutcome = z.enum(WEBHOOK_OUTCOMES);
export type WebhookOutcome = z.infer<typeof WebhookOutcome>;
export const WEBHOOK = WebhookOutcome.enum;

/** What became of each event a webhook carried, as the reply lists them. */
export const EVENT_STATUSES = ["accepted", "duplicate", "not_applicable", "too_old", "invalid"] as const;
export const EventStatus = z.enum(EVENT_STATUSES);
export type EventStatus = z.infer<typeof EventStatus>;
export const EVENT = EventStatus.enum;
