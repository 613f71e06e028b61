import * as z from "zod";
import { CommerceEvent } from "./commerce-event";

/** The attribution ids a browser may post to /collect, named as the event's `attribution` fields. */
export const COLLECTED_FIELDS = [
  "gaClientId",
  "gaSessionId",
  "fbp",
  "fbc",
  "gclid",
  "gbraid",
  "wbraid",
  "ttclid",
  "ttp",
  "epik",
  "scClickId",
  "scid",
  "rdtCid",
  "rdtUuid",
  "msclkid",
  "landingUrl",
] as const;
export type CollectedField = (typeof COLLECTED_FIELDS)[number];

/** The click ids among them (what coverage counts as "any click id"). */
export const CLICK_ID_FIELDS = [
  "gclid",
  "gbraid",
  "wbraid",
  "ttclid",
  "epik",
  "scClickId",
  "rdtCid",
  "msclkid",
] as const satisfies readonly CollectedField[];

/**
 * What one browser posted for one order, as stored (collected_identifiers): ids and consent, and
 * separately the posting browser's IP address and user agent (personal data, dropped once merged).
 */
export const CollectedIdentifiers = z.object({
  attribution: CommerceEvent.shape.attribution
    .unwrap()
    .pick(Object.fromEntries(COLLECTED_FIELDS.map((f) => [f, true])) as Record<CollectedField, true>),
  consent: CommerceEvent.shape.consent.unwrap(),
  client: z.object({ ip: z.string().optional(), userAgent: z.string().optional() }),
});
export type CollectedIdentifiers = z.infer<typeof CollectedIdentifiers>;

export type IdentifierOrigin = "order" | "pixel" | "fallback";
/** Per identifier (an attribution field, or `client` for the IP address and user agent), where it came from. */
export type IdentifierOrigins = Partial<Record<CollectedField | "client", IdentifierOrigin>>;

/**
 * An fbc the normalizer built from an fbclid (fbcFromFbclid dates it at the order's own time, to the
 * millisecond): a fallback, which a cookie the browser really held replaces.
 */
function derivedFbc(event: CommerceEvent): boolean {
  const ms = Date.parse(event.occurredAt);
  return Boolean(event.attribution.fbc?.startsWith(`fb.1.${ms}.`));
}

/**
 * Where each identifier of an event came from. Once merged, the recorded `identifiers`; before (or
 * with nothing posted), the order's own fields are `order`, an fbc built from an fbclid is `fallback`,
 * and a missing GA client id is `fallback` (GA4 is sent one derived from the order).
 */
export function identifierOrigins(event: CommerceEvent): IdentifierOrigins {
  if (event.identifiers) return event.identifiers as IdentifierOrigins;
  const origins: IdentifierOrigins = {};
  for (const field of COLLECTED_FIELDS) if (event.attribution[field]) origins[field] = "order";
  if (origins.fbc && derivedFbc(event)) origins.fbc = "fallback";
  origins.gaClientId ??= "fallback";
  if (event.client.ip || event.client.userAgent) origins.client = "order";
  return origins;
}

/**
 * The event with what a browser posted merged in, by precedence: the order's own fields first (its
 * note_attributes, order meta, landing site, client details), then the posted ones, then the
 * fallbacks (an fbc built from an fbclid, a GA client id derived from the order). A posted session id
 * is taken only with its own client id: a session belongs to one client. `identifiers` records the
 * origin of each.
 */
export function mergeCollected(event: CommerceEvent, collected: CollectedIdentifiers): CommerceEvent {
  const origins = identifierOrigins({ ...event, identifiers: undefined });
  const attribution = { ...event.attribution };
  const posted = collected.attribution;
  for (const field of COLLECTED_FIELDS) {
    if (origins[field] === "order" || !posted[field]) continue;
    if (field === "gaSessionId" && attribution.gaClientId !== posted.gaClientId) continue;
    attribution[field] = posted[field];
    origins[field] = "pixel";
  }
  let client = event.client;
  if (!origins.client && (collected.client.ip || collected.client.userAgent)) {
    client = { ...event.client, ...collected.client };
    origins.client = "pixel";
  }
  const consent = { ...collected.consent };
  for (const [name, state] of Object.entries(event.consent)) {
    if (state) consent[name as keyof typeof consent] = state;
  }
  return { ...event, attribution, client, consent, identifiers: origins };
}
