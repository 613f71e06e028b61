import { sha256Hex } from "../lib/crypto";
import { withoutUndefined } from "../lib/defined";
import {
  normalizeCityForMeta,
  normalizeCountryForGa4,
  normalizeCountryForMeta,
  normalizeEmailForGa4,
  normalizeEmailForGoogleAds,
  normalizeEmailForMeta,
  normalizeEmailForMicrosoft,
  normalizeEmailForReddit,
  normalizeExternalId,
  normalizeNameForGa4,
  normalizeNameForMeta,
  normalizePhoneE164,
  normalizePhoneForMeta,
  normalizeRegionForMeta,
  normalizeStreetForGa4,
  normalizeZipForMeta,
  type RawCustomer,
} from "../lib/pii";
import type { HashedIdentity } from "../model/commerce-event";

type Normalized = string | undefined;

/** Normalizes and SHA-256 hashes a customer's identifiers for each destination. */
export async function hashIdentity(raw: RawCustomer): Promise<HashedIdentity> {
  // GA4 and Meta often normalize a value to the same text (e-mail, names): digest it once.
  const digests = new Map<string, Promise<string>>();
  const hashed = async (value: Normalized): Promise<string | undefined> => {
    if (value === undefined) return undefined;
    const known = digests.get(value);
    if (known) return known;
    const digest = sha256Hex(value);
    digests.set(value, digest);
    return digest;
  };
  const [em, ph, fn, ln, ct, st, zp, country, externalId] = await Promise.all([
    hashed(normalizeEmailForMeta(raw.email)),
    hashed(normalizePhoneForMeta(raw.phone, raw.country)),
    hashed(normalizeNameForMeta(raw.firstName)),
    hashed(normalizeNameForMeta(raw.lastName)),
    hashed(normalizeCityForMeta(raw.city)),
    hashed(normalizeRegionForMeta(raw.region, raw.country)),
    hashed(normalizeZipForMeta(raw.postalCode, raw.country)),
    hashed(normalizeCountryForMeta(raw.country)),
    hashed(normalizeExternalId(raw.externalId)),
  ]);
  // City, region and postal code are not carried for GA4: raw location data is never stored.
  const [email, phone, firstName, lastName, street] = await Promise.all([
    hashed(normalizeEmailForGa4(raw.email)),
    hashed(normalizePhoneE164(raw.phone, raw.country)),
    hashed(normalizeNameForGa4(raw.firstName)),
    hashed(normalizeNameForGa4(raw.lastName)),
    hashed(normalizeStreetForGa4(raw.street)),
  ]);
  // Google Ads drops a Gmail "+tag" that GA4 keeps: hashed apart only when that changes the address.
  const googleAdsEmail = normalizeEmailForGoogleAds(raw.email);
  const googleAds =
    googleAdsEmail !== normalizeEmailForGa4(raw.email)
      ? { googleAds: { email: await hashed(googleAdsEmail) } }
      : {};
  const [redditEmail, microsoftEm] = await Promise.all([
    hashed(normalizeEmailForReddit(raw.email)),
    hashed(normalizeEmailForMicrosoft(raw.email)),
  ]);
  return {
    ga4: withoutUndefined({
      email,
      phone,
      firstName,
      lastName,
      street,
      country: normalizeCountryForGa4(raw.country),
    }),
    meta: withoutUndefined({ em, ph, fn, ln, ct, st, zp, country, external_id: externalId }),
    ...googleAds,
    // Only when there is an e-mail: an identity without one reads as before they were added.
    ...(redditEmail ? { reddit: { email: redditEmail } } : {}),
    ...(microsoftEm ? { microsoft: { em: microsoftEm } } : {}),
  };
}
