// Stringified into the storefront snippet as well: see the note in ga-cookies.ts.

/**
 * A click id or an ad platform's browser id as it may be kept and sent: one token of URL-safe and
 * base64 characters, at most 500 long. Anything else (spaces, quotes, markup, a value too long to be
 * an id) is dropped rather than cut: a shortened id matches nothing.
 */
export function clickIdValue(value: unknown): string | undefined {
  const text = String(value ?? "").trim();
  return /^[A-Za-z0-9._~+/=-]{1,500}$/.test(text) ? text : undefined;
}

/**
 * The click id in Google's conversion linker cookies, `_gcl_aw` (gclid) and `_gcl_gb` (gbraid):
 * "GCL.<seconds>.<click id>", e.g. "GCL.1676348385.CjwKCAiA…BwE".
 */
export function parseGclCookie(value: unknown): string | undefined {
  const cookie = /^GCL\.\d+\.([A-Za-z0-9_-]{1,500})$/.exec(String(value ?? "").trim());
  return cookie ? cookie[1] : undefined;
}

/** The msclkid in Microsoft UET's `_uetmsclkid` cookie: "_uet<msclkid>", e.g. "_uetb4458f42…a3bb". */
export function parseUetCookie(value: unknown): string | undefined {
  const cookie = /^_uet([A-Za-z0-9_-]{1,200})$/.exec(String(value ?? "").trim());
  return cookie ? cookie[1] : undefined;
}

/**
 * Reddit's `_rdt_uuid` cookie, "<first seen, ms>.<UUID>", kept whole: Reddit's Conversions API asks for
 * the cookie's value as `user.uuid`. A bare UUID is accepted too.
 */
export function parseRdtUuidCookie(value: unknown): string | undefined {
  const text = String(value ?? "").trim();
  return /^(\d{10,16}\.)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text)
    ? text
    : undefined;
}
