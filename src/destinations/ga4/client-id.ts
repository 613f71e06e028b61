import { sha256Hex } from "../../lib/crypto";
import type { CommerceEvent } from "../../model/commerce-event";

/**
 * The order's own client id, or one derived from the order so that every retry of the same
 * conversion reports the same "user": "<10 digits>.<10 digits>" like a gtag client id.
 */
export async function ga4ClientId(event: CommerceEvent): Promise<string> {
  if (event.attribution.gaClientId) return event.attribution.gaClientId;
  const hex = await sha256Hex(`${event.source}:${event.shop}:${event.order.id}`);
  const part = (at: number) =>
    String(1_000_000_000 + (Number.parseInt(hex.slice(at, at + 12), 16) % 9_000_000_000));
  return `${part(0)}.${part(12)}`;
}
