/**
 * "This shop's checkout pixel posted to /collect lately", in KV: `pixel-seen:<shop>`, for a day. Only
 * a shop that uses the pixel makes its purchases wait for it (IDENTIFIER_WAIT_SECONDS). KV is
 * eventually consistent (up to a minute between locations), which is fine for "lately".
 */
const PREFIX = "pixel-seen:";
const SEEN_FOR_SECONDS = 86_400;
/** Written at most this often per shop and isolate: a busy checkout costs few KV writes. */
const REWRITE_AFTER_MS = 3_600_000;

const written = new Map<string, number>();

/** Notes a post for the shop (once an hour per isolate). */
export async function markPixelSeen(kv: KVNamespace, shop: string, now: number): Promise<void> {
  if (now - (written.get(shop) ?? Number.NEGATIVE_INFINITY) < REWRITE_AFTER_MS) return;
  written.set(shop, now);
  await kv.put(PREFIX + shop, "1", { expirationTtl: SEEN_FOR_SECONDS });
}

/** Which of these shops posted in the last day; one KV read per shop, cached at the edge for a minute. */
export async function pixelSeenShops(kv: KVNamespace, shops: string[]): Promise<Set<string>> {
  const unique = [...new Set(shops)];
  const seen = await Promise.all(unique.map((shop) => kv.get(PREFIX + shop, { cacheTtl: 60 })));
  return new Set(unique.filter((_, i) => seen[i] !== null));
}
