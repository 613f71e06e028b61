/**
 * The only query parameters a stored landing URL keeps: the campaign's utm_* and the ad platforms'
 * click ids (Google gclid, gbraid, wbraid; Meta fbclid; TikTok ttclid; Microsoft msclkid; Pinterest
 * epik; Snapchat ScCid; Reddit rdt_cid). Names match exactly, case included. Anything else a link
 * can carry (an e-mail, a login or reset token, a discount code) is dropped before the event is stored.
 */
export const KEPT_LANDING_PARAMS = [
  "utm_source",
  "utm_medium",
  "utm_campaign",
  "utm_term",
  "utm_content",
  "gclid",
  "gbraid",
  "wbraid",
  "fbclid",
  "ttclid",
  "msclkid",
  "epik",
  "ScCid",
  "rdt_cid",
] as const;

/** The longest landing URL kept; a parameter that would make it longer is left off. */
export const MAX_LANDING_URL_LENGTH = 1000;

const KEPT: ReadonlySet<string> = new Set(KEPT_LANDING_PARAMS);

function paramName(segment: string): string {
  const raw = segment.split("=", 1)[0].replace(/\+/g, " ");
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * What is kept of a landing URL: scheme, host and path, then the kept parameters in their order
 * (first of each name, empty ones dropped), as the URL parser encoded them. No user info, no other
 * parameter, no fragment. Anything that is not an absolute http(s) URL is dropped; a path too long
 * to keep leaves only the site's root.
 */
export function keptLandingUrl(value: string | undefined): string | undefined {
  let url: URL;
  try {
    url = new URL(String(value ?? "").trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
  const page = `${url.protocol}//${url.host}${url.pathname}`;
  if (page.length > MAX_LANDING_URL_LENGTH) return `${url.origin}/`;
  let kept = page;
  const seen = new Set<string>();
  for (const segment of url.search.slice(1).split("&")) {
    const name = paramName(segment);
    const eq = segment.indexOf("=");
    if (!KEPT.has(name) || seen.has(name) || eq < 0 || segment.slice(eq + 1).trim() === "") continue;
    const next = `${kept}${seen.size === 0 ? "?" : "&"}${segment}`;
    if (next.length > MAX_LANDING_URL_LENGTH) continue;
    seen.add(name);
    kept = next;
  }
  return kept;
}
