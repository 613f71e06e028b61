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

const QUOTE = 34;
const BACKSLASH = 92;
const MINUS = 45;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isNumberChar = (c: number) =>
  isDigit(c) || c === 46 || c === 43 || c === MINUS || c === 101 || c === 69;

const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** A double holds every integer up to 2^53 and about 15 significant decimal digits. */
function fitsDouble(token: string): boolean {
  const value = Number(token);
  if (!/[.eE]/.test(token)) return Number.isSafeInteger(value);
  const significant = token
    .replace(/^-/, "")
    .replace(/[eE].*$/, "")
    .replace(".", "")
    .replace(/^0+/, "")
    .replace(/0+$/, "");
  return Number.isFinite(value) && significant.length <= 15;
}

export interface JsonScan {
  /** Deepest nesting of objects and arrays (stops counting past `limit`). */
  depth: number;
  /** The text with every number a double cannot hold exactly turned into a string. */
  text: string;
}

/**
 * One pass over a JSON text, outside strings: measures nesting and quotes the numbers a
 * double would corrupt (Shopify ids above 2^53), so the native parser can read the rest.
 */
export function scanJson(text: string, limit = MAX_JSON_DEPTH): JsonScan {
  let depth = 0;
  let max = 0;
  let inString = false;
  let out = "";
  let copied = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === 123 || c === 91 /* { [ */) {
      if (++depth > max) max = depth;
      if (max > limit) return { depth: max, text };
    } else if (c === 125 || c === 93 /* } ] */) depth--;
    else if (isDigit(c) || c === MINUS) {
      let end = i + 1;
      while (end < text.length && isNumberChar(text.charCodeAt(end))) end++;
      const token = text.slice(i, end);
      // A malformed token is left as it is, for the parser to refuse.
      if (JSON_NUMBER.test(token) && !fitsDouble(token)) {
        out += `${text.slice(copied, i)}"${token}"`;
        copied = end;
      }
      i = end - 1;
    }
  }
  return { depth: max, text: copied === 0 ? text : out + text.slice(copied) };
}

/**
 * Parses JSON without losing digits: integers beyond 2^53 (Shopify ids) and numbers that
 * a double cannot hold exactly arrive as their original text; everything else as the
 * native parser reads it. Deep nesting is refused before parsing.
 */
export function parseJsonLossless(text: string): ParseResult {
  const scan = scanJson(text);
  if (scan.depth > MAX_JSON_DEPTH) return { ok: false, reason: "nested too deep" };
  try {
    return { ok: true, value: JSON.parse(scan.text) };
  } catch (error) {
    return { ok: false, reason: `malformed JSON: ${(error as Error).message.slice(0, 80)}` };
  }
}
