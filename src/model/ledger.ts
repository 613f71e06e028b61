import * as z from "zod";
import { DeliveryStatus, DestinationName } from "./statuses";

/** How much of one exchange an entry keeps: the request's text, the answer's, and how many exchanges. */
export const EXCHANGE_LIMITS = { request: 4000, answer: 500, kept: 5 } as const;

/**
 * One request a destination made for the event and what came back, as the order's story shows
 * it: the body the event contributed (credentials and client data redacted, cut at
 * EXCHANGE_LIMITS.request characters) and the first EXCHANGE_LIMITS.answer characters of the
 * platform's answer. `sent` is false in a dry run, where nothing left.
 */
export const Exchange = z.object({
  at: z.string(),
  attempt: z.number().int().nonnegative(),
  sent: z.boolean(),
  request: z.string(),
  /** The HTTP status, or null when none came (a timeout, a network error: then `error`). */
  status: z.number().int().nullable(),
  answer: z.string().nullable(),
  error: z.string().nullish(),
});
export type Exchange = z.infer<typeof Exchange>;

/**
 * One destination's entry in an event's ledger (the `ledger` column of its outbox row): what the
 * `deliveries` view shows as a row. Times are ms epochs except `created_at` / `updated_at`.
 */
export const LedgerEntry = z.object({
  status: DeliveryStatus,
  attempts: z.number().int().nonnegative(),
  last_http_status: z.number().int().nullish(),
  reason: z.string().nullish(),
  /** While a consumer sends: until when it holds the entry, and which consumer run it is. */
  lease_until: z.number().nullish(),
  claim: z.string().nullish(),
  next_attempt_at: z.number().nullish(),
  /** Dry run: the body that would have been sent, redacted. */
  request_body: z.string().nullish(),
  /** The last EXCHANGE_LIMITS.kept requests and answers, oldest first. */
  exchanges: z.array(Exchange).nullish(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type LedgerEntry = z.infer<typeof LedgerEntry>;

export type Ledger = Map<DestinationName, LedgerEntry>;

/**
 * The entries of a stored ledger this release can read; an entry it cannot read is left out
 * (the consumer then treats that destination as held by someone else and looks again later).
 */
export function readLedger(text: string | null | undefined): Ledger {
  const ledger: Ledger = new Map();
  let value: unknown;
  try {
    value = JSON.parse(text ?? "{}");
  } catch {
    return ledger;
  }
  if (typeof value !== "object" || value === null) return ledger;
  for (const [key, entry] of Object.entries(value)) {
    const name = DestinationName.safeParse(key);
    const parsed = LedgerEntry.safeParse(entry);
    if (name.success && parsed.success) ledger.set(name.data, parsed.data);
  }
  return ledger;
}
