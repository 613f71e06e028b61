import type { Config } from "../config";
import { errorText } from "../lib/errors";
import { logWarn } from "../lib/log";
import type { CommerceEvent } from "../model/commerce-event";
import { collectedKeys } from "../store/collected";
import { pixelSeenShops } from "../store/pixel-seen";

/**
 * How long each new purchase waits on the Queue before its first delivery (IDENTIFIER_WAIT_SECONDS):
 * only a purchase with a checkout key, of a shop whose pixel posted lately, with nothing posted for
 * it yet. The Queue's own delay does the waiting. Reading the marker or D1 failing costs the wait,
 * never the event.
 */
export async function identifierWaits(
  env: Env,
  config: Config,
  events: readonly CommerceEvent[],
): Promise<Map<string, number>> {
  const waits = new Map<string, number>();
  const wait = config.IDENTIFIER_WAIT_SECONDS;
  const keyed = events.filter((e) => e.kind === "purchase" && e.order.checkoutKey);
  if (wait === 0 || keyed.length === 0) return waits;
  try {
    const seen = await pixelSeenShops(
      env.DEDUPE_KV,
      keyed.map((e) => e.shop),
    );
    for (const shop of seen) {
      const mine = keyed.filter((e) => e.shop === shop);
      const posted = await collectedKeys(
        env.DB,
        shop,
        mine.map((e) => e.order.checkoutKey as string),
      );
      for (const e of mine) if (!posted.has(e.order.checkoutKey as string)) waits.set(e.id, wait);
    }
  } catch (error) {
    logWarn("identifier wait skipped", { error: errorText(error) });
  }
  return waits;
}
