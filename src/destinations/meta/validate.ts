import type { MetaServerEvent } from "./types";

export type Validation = { ok: true } | { ok: false; reason: string };

/**
 * Meta's baseline for matching (Conversions API best practices, since Graph API v13.0): an event
 * is invalid if its customer information parameters are only one of these combinations, or a
 * subset of one. Anything more (an e-mail, a phone, an IP address, fbp, fbc, a name with a city…)
 * is Meta's to match.
 */
const TOO_BROAD = [
  ["ct", "country", "st", "zp", "ge", "client_user_agent"],
  ["db", "client_user_agent"],
  ["fn", "ge"],
  ["ln", "ge"],
].map((combination) => new Set(combination));

/** The customer information parameters an event carries, by name. */
function parametersOf(userData: MetaServerEvent["user_data"]): string[] {
  return Object.entries(userData)
    .filter(([, value]) => (Array.isArray(value) ? value.length > 0 : Boolean(value)))
    .map(([name]) => name);
}

/** What Meta would reject: checked here so one bad event never costs its batch a round trip. */
export function validateMetaEvent(event: MetaServerEvent): Validation {
  if (!Number.isInteger(event.event_time) || event.event_time <= 0) {
    return { ok: false, reason: "event_time is not a valid time" };
  }
  const parameters = parametersOf(event.user_data);
  if (TOO_BROAD.some((combination) => parameters.every((name) => combination.has(name)))) {
    const given = parameters.length ? `only ${parameters.join(", ")}` : "no customer information";
    return { ok: false, reason: `user_data has ${given}: too little for Meta to match` };
  }
  if (event.action_source === "website" && !(event.user_data.client_user_agent && event.event_source_url)) {
    return { ok: false, reason: "a website event needs client_user_agent and event_source_url" };
  }
  if (!Number.isFinite(event.custom_data.value)) return { ok: false, reason: "value is not a number" };
  if (!/^[A-Z]{3}$/.test(event.custom_data.currency))
    return { ok: false, reason: "currency is not ISO 4217" };
  if (!event.event_id) return { ok: false, reason: "event_id is empty" };
  return { ok: true };
}
