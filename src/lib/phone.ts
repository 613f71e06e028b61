import { callingCode } from "./places";

/** E.164 keeps the leading 0 of Italian (and San Marino, Vatican) numbers: it is not a trunk prefix there. */
const KEEPS_LEADING_ZERO = new Set(["it", "sm", "va"]);

/**
 * A phone number as E.164 digits without the '+' ("15555550100"), or undefined when it
 * cannot be made one: no digits, or a national number and no country to take the calling
 * code from. `country` is a lowercase ISO alpha-2 code.
 */
export function phoneDigits(raw: string | null | undefined, country?: string): string | undefined {
  // "+44 (0)20 …": the bracketed 0 is the trunk prefix, never dialled from abroad.
  const text = (raw ?? "").trim().replace(/\(0\)/g, "");
  const digits = text.replace(/\D/g, "");
  if (!digits) return undefined;
  const cc = callingCode(country);
  let international: string;
  if (text.startsWith("+")) international = digits;
  else if (digits.startsWith("00")) international = digits.slice(2);
  else if (digits.startsWith("011") && cc === "1") international = digits.slice(3);
  else if (!cc || !country) return undefined;
  else if (digits.startsWith("0")) {
    international = cc + (KEEPS_LEADING_ZERO.has(country) ? digits : digits.replace(/^0+/, ""));
  } else if (digits.startsWith(cc) && digits.length - cc.length >= (cc === "1" ? 10 : 8)) {
    international = digits;
  } else international = cc + digits;
  international = international.replace(/^0+/, "");
  // Every +1 number is a North American one: exactly ten digits after the 1.
  if (international.startsWith("1") && international.length !== 11) return undefined;
  return /^[1-9]\d{6,14}$/.test(international) ? international : undefined;
}
