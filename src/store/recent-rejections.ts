/**
 * The last webhooks each source refused, kept in this isolate's memory only: no D1 write, so a
 * flood of forged requests costs nothing but this bounded list. Another isolate (another
 * Cloudflare location, or after an eviction) keeps its own; the log line of every refusal is the
 * complete record.
 */
export interface RecentRejection {
  at: string;
  status: number;
  /** The fixed words the answer said (`unauthorized`, `invalid configuration`…). */
  reason: string;
  detail?: string;
  /** What to check, naming the setting. */
  hint?: string;
  /** What the request said it was: unverified when `claimed`. */
  topic?: string;
  shop?: string;
  webhookId?: string;
  claimed?: boolean;
}

export const KEEP_PER_SOURCE = 10;
/** What a sender wrote in a header is kept clipped to this many characters. */
const CLIP = 160;

const recent = new Map<string, RecentRejection[]>();

const clip = (value: string | undefined) => (value === undefined ? undefined : value.slice(0, CLIP));

/** Remembers one refusal of `source`; the oldest beyond KEEP_PER_SOURCE is forgotten. */
export function noteRejection(source: string, rejection: RecentRejection): void {
  const list = recent.get(source) ?? [];
  list.unshift({
    ...rejection,
    topic: clip(rejection.topic),
    shop: clip(rejection.shop),
    webhookId: clip(rejection.webhookId),
  });
  list.length = Math.min(list.length, KEEP_PER_SOURCE);
  recent.set(source, list);
}

/** This isolate's last refusals per source, newest first. */
export function recentRejections(): Record<string, RecentRejection[]> {
  return Object.fromEntries([...recent].map(([source, list]) => [source, list.map((r) => ({ ...r }))]));
}
