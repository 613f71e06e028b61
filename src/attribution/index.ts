/** What the sources (Shopify, WooCommerce, Magento) and the snippet share. */
export { type Captured, capturedAttribution } from "./captured";
export { clickIdValue, parseGclCookie, parseRdtUuidCookie, parseUetCookie } from "./click-ids";
export { type ConsentState, consentState, type GoogleConsent, googleConsent } from "./consent";
export { fbcFromFbclid } from "./fbc";
export { type GaSession, parseGaCookie, parseGaSessionCookie } from "./ga-cookies";
export { type LandingParam, landingParams } from "./landing";
export { KEPT_LANDING_PARAMS, keptLandingUrl, MAX_LANDING_URL_LENGTH } from "./landing-url";
export { CART_ATTRIBUTES, LANDING_ATTRIBUTES } from "./names";
