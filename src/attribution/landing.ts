// Stringified into the storefront snippet as well: see the note in ga-cookies.ts.

/** The click ids and campaign parameters a visit can land with. */
export type LandingParam =
  | "gclid"
  | "fbclid"
  | "utm_source"
  | "utm_medium"
  | "utm_campaign"
  | "utm_term"
  | "utm_content";

/** The click ids and utm_* values in a URL's query string ("?a=b…" or "a=b…"), trimmed and capped. */
export function landingParams(search: string): Partial<Record<LandingParam, string>> {
  const names: LandingParam[] = [
    "gclid",
    "fbclid",
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
    if (value) found[names[i]] = value.slice(0, 500);
  }
  return found;
}
