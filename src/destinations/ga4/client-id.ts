import { sha256Hex } from "../../lib/crypto";
import { checkGaClientId } from "../../lib/ga-client-id";
import type { CommerceEvent } from "../../model/commerce-event";

/**
 * The order's own client id when it is in GA4's format, else one derived from the order so that
 * every retry of the same conversion reports the same "user": "<10 digits>.<10 digits>" like gtag's.
 * `captured` says which, since only a captured id can join the browser's session.
 */
export async function ga4ClientId(event: CommerceEvent): Promise<{ clientId: string; captured: boolean }> {
  const captured = checkGaClientId(event.attribution.gaClientId);
  if (captured.ok) return { clientId: captured.value, captured: true };
  const hex = await sha256Hex(`${event.source}:${event.shop}:${event.order.id}`);
  const part = (at: number) =>
    String(1_000_000_000 + (Number.parseInt(hex.slice(at, at + 12), 16) % 9_000_000_000));
  return { clientId: `${part(0)}.${part(12)}`, captured: false };
}
