import type { Ga4Body, Ga4Item, Ga4Params, Ga4Payload } from "./types";

// Measurement Protocol limits ("Send Measurement Protocol events", Limitations; items: "Measure ecommerce").
const MAX_PARAMS = 25;
const MAX_PARAM_NAME = 40;
const MAX_PARAM_VALUE = 100;
export const MAX_ITEMS = 200;
const MAX_BODY_BYTES = 130_000;

export function text(value: string): string {
  return value.slice(0, MAX_PARAM_VALUE);
}

export function withinLimits(params: Ga4Params): Ga4Params {
  const kept = Object.entries(params)
    .filter(([name]) => name.length <= MAX_PARAM_NAME)
    .slice(0, MAX_PARAMS)
    .map(([name, value]) => [name, typeof value === "string" ? text(value) : value]);
  return Object.fromEntries(kept);
}

function byteLength(body: Ga4Body): number {
  return new TextEncoder().encode(JSON.stringify(body)).length;
}

/** Drops trailing items until the body is under 130 kB; the conversion itself still counts. */
export function fitBody(body: Ga4Body, totalItems: number): Ga4Payload {
  const params = body.events[0].params;
  const items = Array.isArray(params.items) ? params.items : [];
  const withItems = (n: number): Ga4Body => ({
    ...body,
    events: [{ ...body.events[0], params: { ...params, items: items.slice(0, n) } }],
  });
  let fitted = body;
  if (byteLength(body) > MAX_BODY_BYTES) {
    let [low, high] = [0, items.length];
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (byteLength(withItems(mid)) <= MAX_BODY_BYTES) low = mid;
      else high = mid - 1;
    }
    fitted = withItems(low);
  }
  const sent = (fitted.events[0].params.items as Ga4Item[] | undefined)?.length ?? 0;
  if (sent === totalItems) return { body: fitted };
  const limit = sent < Math.min(totalItems, MAX_ITEMS) ? "130 kB body limit" : `GA4 takes ${MAX_ITEMS}`;
  return { body: fitted, note: `sent ${sent} of ${totalItems} items (${limit})` };
}
