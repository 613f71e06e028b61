import { phoneDigits } from "./phone";
import { countryCode, usStateCode } from "./places";

/** Customer identifiers as a shop sends them; every field may be missing or blank. */
export type RawCustomer = {
  email?: string | null;
  phone?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  street?: string | null;
  city?: string | null;
  /** A code ("CA") or a name ("California"). */
  region?: string | null;
  postalCode?: string | null;
  /** An ISO code or a country name. */
  country?: string | null;
  externalId?: string | null;
};

type Normalized = string | undefined;

/**
 * Lowercase and trimmed, composed to NFC so "é" typed as e + accent hashes like "é",
 * with blank input as undefined (a blank value is omitted, never hashed).
 */
function clean(value: string | null | undefined): Normalized {
  const text = (value ?? "").normalize("NFC").toLowerCase().replace(/\s+/g, " ").trim();
  return text || undefined;
}

const PUNCTUATION = /[\p{P}\p{S}]/gu;

function strip(value: Normalized, pattern: RegExp): Normalized {
  return clean(value?.replace(pattern, ""));
}

// Meta, "Customer Information Parameters": trim and lowercase everything; names keep their
// UTF-8 letters but lose punctuation; city, state and zip lose spaces too; zp is 5 digits in the US.

export function normalizeEmailForMeta(value: string | null | undefined): Normalized {
  const email = clean(value)?.replace(/\s/g, "");
  return email && /^[^@]+@[^@]+$/.test(email) ? email : undefined;
}

export function normalizePhoneForMeta(value: string | null | undefined, country?: string | null): Normalized {
  return phoneDigits(value, countryCode(country));
}

export function normalizeNameForMeta(value: string | null | undefined): Normalized {
  return strip(clean(value), PUNCTUATION);
}

export function normalizeCityForMeta(value: string | null | undefined): Normalized {
  return clean(value)?.replace(/[\s\p{P}\p{S}]/gu, "") || undefined;
}

/** US states (and a region with no country that names one) become their two-letter code. */
export function normalizeRegionForMeta(
  value: string | null | undefined,
  country?: string | null,
): Normalized {
  const region = clean(value);
  if (!region) return undefined;
  const iso = countryCode(country);
  const state = iso === "us" || iso === undefined ? usStateCode(region) : undefined;
  return state ?? (region.replace(/[\s\p{P}\p{S}]/gu, "") || undefined);
}

export function normalizeZipForMeta(value: string | null | undefined, country?: string | null): Normalized {
  const zip = clean(value)?.replace(/[\s-]/g, "");
  if (!zip) return undefined;
  const us = countryCode(country) === "us" || (countryCode(country) === undefined && /^\d{9}$/.test(zip));
  return us && /^\d{5}/.test(zip) ? zip.slice(0, 5) : zip;
}

export function normalizeCountryForMeta(value: string | null | undefined): Normalized {
  return countryCode(value);
}

export function normalizeExternalId(value: string | null | undefined): Normalized {
  return clean(value);
}

// GA4 Measurement Protocol, "Send user-provided data": the Google Ads enhanced conversions
// rules. Trim and lowercase; dots go from gmail local parts; phones are E.164 with '+'.

export function normalizeEmailForGa4(value: string | null | undefined): Normalized {
  const email = normalizeEmailForMeta(value);
  if (!email) return undefined;
  const [local, domain] = email.split("@");
  // Gmail ignores dots in the local part, so Google matches on the address without them.
  return domain === "gmail.com" || domain === "googlemail.com"
    ? `${local.replace(/\./g, "")}@${domain}`
    : email;
}

export function normalizePhoneE164(value: string | null | undefined, country?: string | null): Normalized {
  const digits = phoneDigits(value, countryCode(country));
  return digits && `+${digits}`;
}

/** Names lose digits and symbols. */
export function normalizeNameForGa4(value: string | null | undefined): Normalized {
  return strip(clean(value), /[\p{N}\p{P}\p{S}]/gu);
}

/** Streets keep their house numbers, lose symbols. */
export function normalizeStreetForGa4(value: string | null | undefined): Normalized {
  return strip(clean(value), PUNCTUATION);
}

/** ISO alpha-2 uppercase: GA4 takes the country in the clear. */
export function normalizeCountryForGa4(value: string | null | undefined): Normalized {
  return countryCode(value)?.toUpperCase();
}

/**
 * Google Ads through the Data Manager API ("Format user data"; Google's own formatter in
 * googleads/data-manager-python): GA4's rule, and a Gmail local part also loses a "+tag".
 */
export function normalizeEmailForGoogleAds(value: string | null | undefined): Normalized {
  const email = normalizeEmailForGa4(value);
  if (!email) return undefined;
  const [local, domain] = email.split("@");
  const untagged = local.split("+")[0];
  return (domain === "gmail.com" || domain === "googlemail.com") && untagged
    ? `${untagged}@${domain}`
    : email;
}

// Reddit, "Manual Advanced Matching" (hashing e-mail addresses): lowercase, drop the +alias from the
// username, then every character of the username that is not a letter or a digit.

export function normalizeEmailForReddit(value: string | null | undefined): Normalized {
  const email = normalizeEmailForMeta(value);
  if (!email) return undefined;
  const [local, domain] = email.split("@");
  const user = local.split("+")[0].replace(/[^\p{L}\p{N}]/gu, "");
  return user ? `${user}@${domain}` : undefined;
}

// Microsoft Advertising UET Conversions API: trim and lowercase, drop the +alias and the dots of the
// username (for every domain, unlike Google's Gmail-only rule).

export function normalizeEmailForMicrosoft(value: string | null | undefined): Normalized {
  const email = normalizeEmailForMeta(value);
  if (!email) return undefined;
  const [local, domain] = email.split("@");
  const user = local.split("+")[0].replace(/\./g, "");
  return user ? `${user}@${domain}` : undefined;
}
