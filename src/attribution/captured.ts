import { withoutUndefined } from "../lib/defined";
import type { CommerceEvent } from "../model/commerce-event";
import { clickIdValue, parseGclCookie, parseRdtUuidCookie, parseUetCookie } from "./click-ids";
import { consentState } from "./consent";
import { fbcFromFbclid } from "./fbc";
import { parseGaCookie, parseGaSessionCookie } from "./ga-cookies";
import { type LandingParam, landingParams } from "./landing";
import { keptLandingUrl } from "./landing-url";
import { CART_ATTRIBUTES as CART, LANDING_ATTRIBUTES as LANDING } from "./names";

export type Captured = Pick<CommerceEvent, "attribution" | "consent">;

/** Names that may hold each value, best first: the snippet's own, then those other tools write. */
const NAMES = {
  gaClientId: [CART.gaClientId, "_ga_client_id", "_cid", "_ga"],
  gaSessionId: [CART.gaSessionId, "_ga_session_id", "_sid"],
  fbp: [CART.fbp, "_fbp"],
  fbc: [CART.fbc, "_fbc"],
  fbclid: [LANDING.fbclid, "_fbclid"],
};

/** The event's click and browser id fields (Pick fails to compile if one is renamed). */
type ClickIdField = keyof Pick<
  CommerceEvent["attribution"],
  | "gclid"
  | "gbraid"
  | "wbraid"
  | "ttclid"
  | "ttp"
  | "epik"
  | "scClickId"
  | "scid"
  | "rdtCid"
  | "rdtUuid"
  | "msclkid"
>;

/**
 * The ad platforms' click and browser ids: the names that may hold each one, best first (the
 * snippet's attribute, then the platform's cookie as other tools copy it into an order), then the
 * order's landing URL parameter, if the id has one.
 */
const CLICK_IDS: Record<ClickIdField, { names: readonly string[]; landing?: LandingParam }> = {
  gclid: { names: [LANDING.gclid, "_gclid", "_gcl_aw"], landing: "gclid" },
  gbraid: { names: [LANDING.gbraid, "_gcl_gb"], landing: "gbraid" },
  wbraid: { names: [LANDING.wbraid], landing: "wbraid" },
  ttclid: { names: [LANDING.ttclid], landing: "ttclid" },
  ttp: { names: [CART.ttp, "_ttp"] },
  epik: { names: [LANDING.epik, "_epik"], landing: "epik" },
  scClickId: { names: [LANDING.ScCid], landing: "ScCid" },
  scid: { names: [CART.scid, "_scid"] },
  rdtCid: { names: [LANDING.rdt_cid], landing: "rdt_cid" },
  rdtUuid: { names: [CART.rdtUuid, "_rdt_uuid"] },
  msclkid: { names: [LANDING.msclkid, "_uetmsclkid"], landing: "msclkid" },
};

/** How a name's value is checked: a cookie is reduced to the id it holds; any other name holds a bare id. */
const READERS: Readonly<Record<string, (value: string) => string | undefined>> = {
  _gcl_aw: parseGclCookie,
  _gcl_gb: parseGclCookie,
  _uetmsclkid: parseUetCookie,
  _rdt_uuid: parseRdtUuidCookie,
  [CART.rdtUuid]: parseRdtUuidCookie,
};

/** A `_ga_<stream>` cookie copied as it is (not `_ga_client_id` and the like). */
const GA_SESSION_COOKIE = /^_ga_[A-Z0-9]+$/i;

function first(values: ReadonlyMap<string, string>, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = values.get(name)?.trim();
    if (value) return value.slice(0, 500);
  }
  return undefined;
}

function clickIds(
  values: ReadonlyMap<string, string>,
  landing: Partial<Record<LandingParam, string>>,
): Partial<Record<ClickIdField, string>> {
  const found: Partial<Record<ClickIdField, string>> = {};
  for (const [field, { names, landing: param }] of Object.entries(CLICK_IDS) as Array<
    [ClickIdField, (typeof CLICK_IDS)[ClickIdField]]
  >) {
    for (const name of names) {
      const value = values.get(name);
      found[field] = value === undefined ? undefined : (READERS[name] ?? clickIdValue)(value);
      if (found[field]) break;
    }
    found[field] ??= param && landing[param];
  }
  return found;
}

function sessionId(values: ReadonlyMap<string, string>): string | undefined {
  const named = first(values, NAMES.gaSessionId);
  if (named) return parseGaSessionCookie(named)?.sessionId ?? named;
  for (const [name, value] of values) {
    const session = GA_SESSION_COOKIE.test(name) ? parseGaSessionCookie(value) : undefined;
    if (session) return session.sessionId;
  }
  return undefined;
}

function queryOf(url: string | undefined): string {
  if (!url) return "";
  try {
    return new URL(url).search;
  } catch {
    return "";
  }
}

/**
 * Attribution and consent from the name/value pairs an order carries (Shopify note_attributes,
 * or WooCommerce / Magento order meta), completed from its landing URL: a click id no pair carries
 * is taken from the landing URL's parameter. Without a captured fbc,
 * an fbclid becomes one dated at `occurredAt` (the order's time): see fbcFromFbclid.
 * The landing URL is the one place a URL enters the event, so it is reduced here (keptLandingUrl).
 * Google's ad consents fall back to the marketing choice, as Shopify's own Google channel maps them.
 */
export function capturedAttribution(
  values: ReadonlyMap<string, string>,
  landingUrl: string | undefined,
  occurredAt: string,
): Captured {
  const landing = landingParams(queryOf(landingUrl));
  const cid = first(values, NAMES.gaClientId);
  const fbclid = first(values, NAMES.fbclid) ?? landing.fbclid;
  const marketing = consentState(values.get(CART.consentMarketing));
  const attribution: Captured["attribution"] = {
    gaClientId: cid && (parseGaCookie(cid) ?? cid),
    gaSessionId: sessionId(values),
    fbp: first(values, NAMES.fbp),
    fbc: first(values, NAMES.fbc) ?? (fbclid ? fbcFromFbclid(fbclid, occurredAt) : undefined),
    ...clickIds(values, landing),
    landingUrl: keptLandingUrl(landingUrl),
  };
  const consent: Captured["consent"] = {
    marketing,
    analytics: consentState(values.get(CART.consentAnalytics)),
    adUserData: consentState(values.get(CART.adUserData)) ?? marketing,
    adPersonalization: consentState(values.get(CART.adPersonalization)) ?? marketing,
  };
  return { attribution: withoutUndefined(attribution), consent: withoutUndefined(consent) };
}
