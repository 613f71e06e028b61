import type { Result } from "./result";

/** Deeper than any real order payload (Shopify's is about 6), shallow enough to never exhaust the stack. */
export const MAX_JSON_DEPTH = 64;

export type ParseResult = Result<unknown>;

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
const isExponent = (c: number) => c === 101 || c === 69;
const isNumberChar = (c: number) => isDigit(c) || isExponent(c) || c === 46 || c === 43 || c === MINUS;

/** Real numbers are ids below 2^64 (20 digits) and prices: nothing longer than 64 characters is an order's data. */
export const MAX_NUMBER_LENGTH = 64;

const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** Digits of the mantissa from its first to its last non-zero one: "0.0150e3" has 2. */
function significantDigits(token: string): number {
  let digits = 0;
  let first = -1;
  let last = -1;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (isExponent(c)) break;
    if (!isDigit(c)) continue;
    if (c !== 48) {
      if (first === -1) first = digits;
      last = digits;
    }
    digits++;
  }
  return first === -1 ? 0 : last - first + 1;
}

/** A double holds every integer up to 2^53 and about 15 significant decimal digits. */
function fitsDouble(token: string): boolean {
  const value = Number(token);
  const integer = !token.includes(".") && !token.includes("e") && !token.includes("E");
  if (integer) return Number.isSafeInteger(value);
  return Number.isFinite(value) && significantDigits(token) <= 15;
}

export type JsonScan = { ok: true; depth: number; text: string } | { ok: false; reason: string };

/** End of the number token that starts at `start`, or -1 once it runs past MAX_NUMBER_LENGTH. */
function numberEnd(text: string, start: number): number {
  const stop = Math.min(text.length, start + MAX_NUMBER_LENGTH + 1);
  let end = start + 1;
  while (end < stop && isNumberChar(text.charCodeAt(end))) end++;
  return end - start > MAX_NUMBER_LENGTH ? -1 : end;
}

/**
 * One forward pass over a JSON text, outside strings: measures nesting and quotes the
 * numbers a double would corrupt (Shopify ids above 2^53), so the native parser can read
 * the rest. Refuses nesting past `limit` and numbers past MAX_NUMBER_LENGTH unread.
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
      if (max > limit) return { ok: false, reason: "nested too deep" };
    } else if (c === 125 || c === 93 /* } ] */) depth--;
    else if (isDigit(c) || c === MINUS) {
      const end = numberEnd(text, i);
      if (end === -1)
        return { ok: false, reason: `malformed JSON: a number longer than ${MAX_NUMBER_LENGTH} characters` };
      const token = text.slice(i, end);
      // A malformed token is left as it is, for the parser to refuse.
      if (JSON_NUMBER.test(token) && !fitsDouble(token)) {
        out += `${text.slice(copied, i)}"${token}"`;
        copied = end;
      }
      i = end - 1;
    }
  }
  return { ok: true, depth: max, text: copied === 0 ? text : out + text.slice(copied) };
}

/**
 * V8's messages quote the input around the error, which may be personal data: keep only
 * the position, when the message gives one before any quoted text. It counts in the
 * scanned text, two characters further on for each number quoted before it.
 */
function jsonErrorReason(error: unknown): string {
  const message = error instanceof Error ? error.message.slice(0, 200) : "";
  const position = /^[^"]* at position (\d+)/.exec(message);
  return position ? `malformed JSON at position ${position[1]}` : "malformed JSON";
}

/**
 * Parses JSON without losing digits: integers beyond 2^53 (Shopify ids) and numbers that
 * a double cannot hold exactly arrive as their original text; everything else as the
 * native parser reads it. Deep nesting and overlong numbers are refused before parsing.
 */
export function parseJsonLossless(text: string): ParseResult {
  const scan = scanJson(text);
  if (!scan.ok) return scan;
  try {
    return { ok: true, value: JSON.parse(scan.text) };
  } catch (error) {
    return { ok: false, reason: jsonErrorReason(error) };
  }
}
