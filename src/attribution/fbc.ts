/**
 * An fbc built from a click id, in the `_fbc` cookie's format "fb.<subdomain index>.<creation ms>.<fbclid>".
 * Meta asks for the fbclid unchanged (it is case sensitive) and the time it was first seen; a server
 * that only has the order uses the order's time, which is after the click but within the same visit.
 */
export function fbcFromFbclid(
  fbclid: string,
  seenAt: string | number,
  subdomainIndex = 1,
): string | undefined {
  const id = fbclid.trim();
  const ms = typeof seenAt === "number" ? seenAt : Date.parse(seenAt);
  if (!id || !Number.isFinite(ms) || ms <= 0) return undefined;
  return `fb.${subdomainIndex}.${Math.floor(ms)}.${id}`;
}
