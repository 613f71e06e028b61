import type { MetaServerEvent } from "./types";

export type Validation = { ok: true } | { ok: false; reason: string };

/** What Meta would reject: checked here so one bad event never costs its batch a round trip. */
export function validateMetaEvent(event: MetaServerEvent): Validation {
  if (!Number.isInteger(event.event_time) || event.event_time <= 0) {
    return { ok: false, reason: "event_time is not a valid time" };
  }
  const u = event.user_data;
  const matchable =
    u.em || u.ph || u.external_id || u.fbp || u.fbc || (u.client_ip_address && u.client_user_agent);
  if (!matchable) {
    return { ok: false, reason: "user_data needs em, ph, external_id, fbp, fbc or client IP + user agent" };
  }
  if (!Number.isFinite(event.custom_data.value)) return { ok: false, reason: "value is not a number" };
  if (!/^[A-Z]{3}$/.test(event.custom_data.currency))
    return { ok: false, reason: "currency is not ISO 4217" };
  if (!event.event_id) return { ok: false, reason: "event_id is empty" };
  return { ok: true };
}
