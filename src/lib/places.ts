/**
 * Country and US state look-ups for identifier normalization. A country is matched against
 * the whole of ISO 3166-1 (./countries): its alpha-2 or alpha-3 code, its ISO short name, or a
 * name shops write ("South Korea", "Ivory Coast", "Deutschland"), in any case, with or without
 * accents and punctuation. "UK" is the one two-letter alias (for gb). Anything else, including
 * a two-letter value that no country has ("XX", "EU", Kosovo's "XK"), is unknown: undefined,
 * so it is neither hashed nor sent.
 */

import { COUNTRIES } from "./countries";

const US_STATES: Record<string, string> = {
  al: "alabama",
  ak: "alaska",
  az: "arizona",
  ar: "arkansas",
  ca: "california",
  co: "colorado",
  ct: "connecticut",
  de: "delaware",
  fl: "florida",
  ga: "georgia",
  hi: "hawaii",
  id: "idaho",
  il: "illinois",
  in: "indiana",
  ia: "iowa",
  ks: "kansas",
  ky: "kentucky",
  la: "louisiana",
  me: "maine",
  md: "maryland",
  ma: "massachusetts",
  mi: "michigan",
  mn: "minnesota",
  ms: "mississippi",
  mo: "missouri",
  mt: "montana",
  ne: "nebraska",
  nv: "nevada",
  nh: "new hampshire",
  nj: "new jersey",
  nm: "new mexico",
  ny: "new york",
  nc: "north carolina",
  nd: "north dakota",
  oh: "ohio",
  ok: "oklahoma",
  or: "oregon",
  pa: "pennsylvania",
  ri: "rhode island",
  sc: "south carolina",
  sd: "south dakota",
  tn: "tennessee",
  tx: "texas",
  ut: "utah",
  vt: "vermont",
  va: "virginia",
  wa: "washington",
  wv: "west virginia",
  wi: "wisconsin",
  wy: "wyoming",
  dc: "district of columbia",
  pr: "puerto rico",
  gu: "guam",
  vi: "us virgin islands",
  as: "american samoa",
  mp: "northern mariana islands",
};

/**
 * The key names are matched on: accents folded, lowercase, "&" read as "and", a leading "St."
 * as "Saint" and "The" dropped, then only letters and digits ("COTE D’IVOIRE" → "cotedivoire").
 */
function lookupKey(value: string): string {
  return value
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/^\s*st(\.\s*|\s+)/, "saint ")
    .replace(/^\s*the\s+|,\s*the\s*$/g, "")
    .replace(/[^\p{L}\p{N}]/gu, "");
}

function indexByName(entries: [code: string, names: readonly string[]][]): Map<string, string> {
  const index = new Map<string, string>();
  for (const [code, names] of entries) {
    for (const name of names) index.set(lookupKey(name), code);
  }
  return index;
}

/** Alpha-2, alpha-3 and every name → alpha-2; built once, no name is two countries' (countries.test.ts). */
const COUNTRY_BY_NAME = indexByName(
  Object.entries(COUNTRIES).map(([code, [, alpha3, ...names]]) => [code, [code, alpha3, ...names]]),
);
const US_STATE_BY_NAME = indexByName(Object.entries(US_STATES).map(([code, name]) => [code, [code, name]]));

/** ISO 3166-1 alpha-2, lowercase, from a code or a name; undefined when no country has it. */
export function countryCode(value: string | null | undefined): string | undefined {
  return COUNTRY_BY_NAME.get(lookupKey(value ?? ""));
}

/** International calling code (digits, no '+') of a lowercase alpha-2 country. */
export function callingCode(country: string | undefined): string | undefined {
  return country && Object.hasOwn(COUNTRIES, country) ? COUNTRIES[country][0] : undefined;
}

/** Two-letter lowercase US state code from a code or a full name; undefined when not a US state. */
export function usStateCode(value: string): string | undefined {
  return US_STATE_BY_NAME.get(lookupKey(value));
}
