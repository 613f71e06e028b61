import { isSafeNumber, parse } from "lossless-json";

/** Deeper than any real order payload (Shopify's is about 6), shallow enough to never exhaust the stack. */
export const MAX_JSON_DEPTH = 64;

export type ParseResult = { ok: true; value: unknown } | { ok: false; reason: string };

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

export function decodeUtf8(bytes: Uint8Array): { ok: true; text: string } | { ok: false } {
  try {
    return { ok: true, text: utf8.decode(bytes) };
  } catch {
    return { ok: false };
  }
}

/** Nesting depth of a JSON text, counted without parsing it (brackets inside strings don't count). */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91 /* { [ */) {
      if (++depth > max) max = depth;
      if (max > limit) return max;
    } else if (c === 125 || c === 93 /* } ] */) depth--;
  }
  return max;
}

/**
 * Parses JSON without losing digits: integers beyond 2^53 (Shopify ids) and numbers that
 * a double cannot hold exactly stay as their original text.
 */
export function parseJsonLossless(text: string): ParseResult {
  if (jsonDepth(text) > MAX_JSON_DEPTH) return { ok: false, reason: "nested too deep" };
  try {
    return { ok: true, value: parse(text, null, (n) => (isSafeNumber(n) ? Number(n) : n)) };
  } catch (error) {
    return { ok: false, reason: `malformed JSON: ${(error as Error).message.slice(0, 80)}` };
  }
}
