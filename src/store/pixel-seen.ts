/**
 * "This shop's checkout pixel posted to /collect lately", in KV: `pixel-seen:<shop>`, for a day. Only
 * a shop that uses the pixel makes its purchases wait for it (IDENTIFIER_WAIT_SECONDS). KV is
 * eventually consistent (up to a minute between locations), which is fine for "lately".
 */
const PREFIX = "pixel-seen:";
const SEEN_FOR_SECONDS = 86_400;
/** Written at most this often per shop and isolate: a busy checkout costs few KV writes. */
const REWRITE_AFTER_MS = 3_600_000;

/**
 * What this isolate last read of each shop's marker, kept a minute (as long as KV's own edge cache
 * keeps it): a shop without the pixel then costs one KV read a minute per isolate, not one per
 * purchase. A post this isolate takes marks its shop at once.
 */
const KNOWN_FOR_MS = 60_000;
const known = new Map<string, { seen: boolean; until: number }>();

const written = new Map<string, number>();

/** Notes a post for the shop (once an hour per isolate). */
export async function markPixelSeen(kv: KVNamespace, shop: string, now: number): Promise<void> {
  known.set(shop, { seen: true, until: now + KNOWN_FOR_MS });
  if (now - (written.get(shop) ?? Number.NEGATIVE_INFINITY) < REWRITE_AFTER_MS) return;
  written.set(shop, now);
  await kv.put(PREFIX + shop, "1", { expirationTtl: SEEN_FOR_SECONDS });
}

/** Which of these shops posted in the last day: at most one KV read per shop and isolate a minute. */
export async function pixelSeenShops(
  kv: KVNamespace,
  shops: string[],
  now = Date.now(),
): Promise<Set<string>> {
  const unique = [...new Set(shops)];
  const unknown = unique.filter((shop) => (known.get(shop)?.until ?? 0) <= now);
  const read = await Promise.all(unknown.map((shop) => kv.get(PREFIX + shop, { cacheTtl: 60 })));
  unknown.forEach((shop, i) => {
    known.set(shop, { seen: read[i] !== null, until: now + KNOWN_FOR_MS });
  });
  return new Set(unique.filter((shop) => known.get(shop)?.seen));
}
