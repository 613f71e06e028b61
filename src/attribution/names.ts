import type { LandingParam } from "./landing";

/**
 * The cart attributes the storefront snippet writes (they reach the order as note_attributes).
 * The leading underscore marks them as the shop's own data rather than something the customer typed.
 */
export const CART_ATTRIBUTES = {
  gaClientId: "_tr_ga_cid",
  gaSessionId: "_tr_ga_sid",
  gaSessionNumber: "_tr_ga_sn",
  fbp: "_tr_fbp",
  fbc: "_tr_fbc",
  consentMarketing: "_tr_consent_marketing",
  consentAnalytics: "_tr_consent_analytics",
  adUserData: "_tr_ad_user_data",
  adPersonalization: "_tr_ad_personalization",
  /** The ad platforms' browser ids: TikTok `_ttp`, Snapchat `_scid`, Reddit `_rdt_uuid` cookies. */
  ttp: "_tr_ttp",
  scid: "_tr_scid",
  rdtUuid: "_tr_rdt_uuid",
} as const;

/**
 * Landing-URL parameters, kept for the tab's lifetime and written as `_tr_<parameter>`. Without the
 * parameter, the snippet fills `_tr_gclid`, `_tr_gbraid`, `_tr_epik` and `_tr_msclkid` from the
 * platform's own cookie (`_gcl_aw`, `_gcl_gb`, `_epik`, `_uetmsclkid`).
 */
export const LANDING_ATTRIBUTES: Record<LandingParam, string> = {
  gclid: "_tr_gclid",
  gbraid: "_tr_gbraid",
  wbraid: "_tr_wbraid",
  fbclid: "_tr_fbclid",
  ttclid: "_tr_ttclid",
  epik: "_tr_epik",
  ScCid: "_tr_ScCid",
  rdt_cid: "_tr_rdt_cid",
  msclkid: "_tr_msclkid",
  utm_source: "_tr_utm_source",
  utm_medium: "_tr_utm_medium",
  utm_campaign: "_tr_utm_campaign",
  utm_term: "_tr_utm_term",
  utm_content: "_tr_utm_content",
};
