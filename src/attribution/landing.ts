// Stringified into the storefront snippet as well: see the note in ga-cookies.ts.

/** The click ids and campaign parameters a visit can land with. */
export type LandingParam =
  | "gclid"
  | "gbraid"
  | "wbraid"
  | "fbclid"
  | "ttclid"
  | "epik"
  | "ScCid"
  | "rdt_cid"
  | "msclkid"
  | "utm_source"
  | "utm_medium"
  | "utm_campaign"
  | "utm_term"
  | "utm_content";

/**
 * The click ids and utm_* values in a URL's query string ("?a=b…" or "a=b…"), trimmed. A utm_* value
 * is capped at 500 characters; a click id must be one token (as clickIdValue checks) or is left out.
 */
export function landingParams(search: string): Partial<Record<LandingParam, string>> {
  const names: LandingParam[] = [
    "gclid",
    "gbraid",
    "wbraid",
    "fbclid",
    "ttclid",
    "epik",
    "ScCid",
    "rdt_cid",
    "msclkid",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
  ];
  const query = new URLSearchParams(String(search ?? ""));
  const found: Partial<Record<LandingParam, string>> = {};
  for (let i = 0; i < names.length; i++) {
    const value = (query.get(names[i]) ?? "").trim();
    if (names[i].indexOf("utm_") === 0) {
      if (value) found[names[i]] = value.slice(0, 500);
    } else if (/^[A-Za-z0-9._~+/=-]{1,500}$/.test(value)) {
      found[names[i]] = value;
    }
  }
  return found;
}
