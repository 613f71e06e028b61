import type { PinterestEvent } from "./types";

export type Validation = { ok: true } | { ok: false; reason: string };

/**
 * Pinterest requires at least one of an e-mail hash, a mobile ad id, or the pair of client IP and
 * user agent (ConversionEventsUserData): checked here so one such event never costs its batch.
 */
export function validatePinterestEvent(event: PinterestEvent): Validation {
  const { em, client_ip_address, client_user_agent } = event.user_data;
  if (!em?.length && !(client_ip_address && client_user_agent)) {
    return {
      ok: false,
      reason: "user_data has no e-mail and not both client IP and user agent: Pinterest requires one",
    };
  }
  return { ok: true };
}
