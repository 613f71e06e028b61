/**
 * Country and US state look-ups for identifier normalization: the largest e-commerce
 * markets, not the whole of ISO 3166. Anything already a two-letter code passes through.
 */

/** ISO alpha-2 → [calling code, alpha-3, names as shops write them]. */
const COUNTRIES: Record<string, readonly string[]> = {
  us: ["1", "usa", "united states", "united states of america", "america", "us of a"],
  ca: ["1", "can", "canada"],
  gb: [
    "44",
    "gbr",
    "united kingdom",
    "great britain",
    "britain",
    "england",
    "scotland",
    "wales",
    "northern ireland",
  ],
  ie: ["353", "irl", "ireland", "eire", "éire"],
  au: ["61", "aus", "australia"],
  nz: ["64", "nzl", "new zealand", "aotearoa"],
  de: ["49", "deu", "germany", "deutschland"],
  at: ["43", "aut", "austria", "österreich"],
  ch: ["41", "che", "switzerland", "schweiz", "suisse", "svizzera"],
  fr: ["33", "fra", "france"],
  be: ["32", "bel", "belgium", "belgique", "belgië"],
  nl: ["31", "nld", "netherlands", "the netherlands", "holland", "nederland"],
  lu: ["352", "lux", "luxembourg"],
  es: ["34", "esp", "spain", "españa"],
  pt: ["351", "prt", "portugal"],
  it: ["39", "ita", "italy", "italia"],
  se: ["46", "swe", "sweden", "sverige"],
  no: ["47", "nor", "norway", "norge"],
  dk: ["45", "dnk", "denmark", "danmark"],
  fi: ["358", "fin", "finland", "suomi"],
  pl: ["48", "pol", "poland", "polska"],
  cz: ["420", "cze", "czech republic", "czechia", "česko"],
  sk: ["421", "svk", "slovakia"],
  hu: ["36", "hun", "hungary", "magyarország"],
  ro: ["40", "rou", "romania", "românia"],
  bg: ["359", "bgr", "bulgaria"],
  gr: ["30", "grc", "greece", "hellas"],
  hr: ["385", "hrv", "croatia", "hrvatska"],
  si: ["386", "svn", "slovenia"],
  ee: ["372", "est", "estonia"],
  lv: ["371", "lva", "latvia"],
  lt: ["370", "ltu", "lithuania"],
  tr: ["90", "tur", "turkey", "türkiye", "turkiye"],
  ua: ["380", "ukr", "ukraine"],
  il: ["972", "isr", "israel"],
  ae: ["971", "are", "united arab emirates", "uae"],
  sa: ["966", "sau", "saudi arabia"],
  in: ["91", "ind", "india"],
  cn: ["86", "chn", "china"],
  hk: ["852", "hkg", "hong kong"],
  tw: ["886", "twn", "taiwan"],
  jp: ["81", "jpn", "japan"],
  kr: ["82", "kor", "south korea", "korea", "republic of korea"],
  sg: ["65", "sgp", "singapore"],
  my: ["60", "mys", "malaysia"],
  th: ["66", "tha", "thailand"],
  id: ["62", "idn", "indonesia"],
  ph: ["63", "phl", "philippines"],
  vn: ["84", "vnm", "vietnam", "viet nam"],
  br: ["55", "bra", "brazil", "brasil"],
  mx: ["52", "mex", "mexico", "méxico"],
  ar: ["54", "arg", "argentina"],
  cl: ["56", "chl", "chile"],
  co: ["57", "col", "colombia"],
  pe: ["51", "per", "peru", "perú"],
  za: ["27", "zaf", "south africa"],
  ng: ["234", "nga", "nigeria"],
  eg: ["20", "egy", "egypt"],
  ke: ["254", "ken", "kenya"],
  ma: ["212", "mar", "morocco"],
};

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

/** Lowercase, accents folded, punctuation dropped, spaces collapsed: the key names are matched on. */
function lookupKey(value: string): string {
  return value
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[\p{P}\p{S}]/gu, "")
    .replace(/\s+/g, " ")
    .trim();
}

function indexByName(table: Record<string, readonly string[]>): Map<string, string> {
  const index = new Map<string, string>();
  for (const [code, names] of Object.entries(table)) {
    for (const name of names) index.set(lookupKey(name), code);
  }
  return index;
}

const COUNTRY_BY_NAME = indexByName(
  Object.fromEntries(Object.entries(COUNTRIES).map(([code, [, ...names]]) => [code, names])),
);
const US_STATE_BY_NAME = indexByName(
  Object.fromEntries(Object.entries(US_STATES).map(([code, name]) => [code, [name]])),
);

/** ISO 3166-1 alpha-2, lowercase, from a code or a common name; undefined when unknown. */
export function countryCode(value: string | null | undefined): string | undefined {
  const key = lookupKey(value ?? "");
  if (!key) return undefined;
  const compact = key.replace(/ /g, "");
  if (compact === "uk") return "gb";
  if (/^[a-z]{2}$/.test(compact)) return compact;
  return COUNTRY_BY_NAME.get(key) ?? COUNTRY_BY_NAME.get(compact);
}

/** International calling code (digits, no '+') of a lowercase alpha-2 country. */
export function callingCode(country: string | undefined): string | undefined {
  return country && Object.hasOwn(COUNTRIES, country) ? COUNTRIES[country][0] : undefined;
}

/** Two-letter lowercase US state code from a code or a full name; undefined when not a US state. */
export function usStateCode(value: string): string | undefined {
  const key = lookupKey(value);
  const compact = key.replace(/ /g, "");
  if (Object.hasOwn(US_STATES, compact)) return compact;
  return US_STATE_BY_NAME.get(key);
}
