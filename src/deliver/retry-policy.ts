/** Cloudflare Queues accept at most 12 hours for a retry delay. */
export const MAX_RETRY_DELAY_SECONDS = 12 * 3600;
const BASE_DELAY_SECONDS = 30;

/**
 * Exponential backoff with ±20 % jitter for the `attempts`-th failed try (1-based),
 * never shorter than what the destination asked for in Retry-After.
 */
export function retryDelaySeconds(
  attempts: number,
  retryAfterSeconds?: number,
  random = Math.random,
): number {
  const exponential = BASE_DELAY_SECONDS * 2 ** Math.max(0, Math.min(attempts - 1, 20));
  const jittered = Math.round(Math.min(exponential, 6 * 3600) * (0.8 + 0.4 * random()));
  const delay = Math.max(jittered, Math.ceil(retryAfterSeconds ?? 0));
  return Math.min(Math.max(delay, 1), MAX_RETRY_DELAY_SECONDS);
}
