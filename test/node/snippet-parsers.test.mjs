import { describe, expect, it } from "vitest";
import { snippetParsers } from "../../src/storefront/snippet.ts";
import {
  CLICK_ID_CASES,
  CONSENT_STATE_CASES,
  GA_COOKIE_CASES,
  GA_SESSION_CASES,
  GCL_COOKIE_CASES,
  GOOGLE_CONSENT_CASES,
  LANDING_CASES,
  RDT_UUID_CASES,
  UET_COOKIE_CASES,
} from "../fixtures/attribution.ts";

/** The parsers exactly as the browser gets them: their text, evaluated on its own, with no imports. */
const browser = new Function(
  `${snippetParsers()}\nreturn { parseGaCookie, parseGaSessionCookie, landingParams, consentState, googleConsent, clickIdValue, parseGclCookie, parseUetCookie, parseRdtUuidCookie };`,
)();

describe("the snippet's parsers agree with the Worker's (same tables)", () => {
  it.each(GA_COOKIE_CASES)("_ga %j → %j", (cookie, expected) => {
    expect(browser.parseGaCookie(cookie)).toBe(expected);
  });
  it.each(GA_SESSION_CASES)("_ga_<stream> %j → %j", (cookie, expected) => {
    expect(browser.parseGaSessionCookie(cookie)).toEqual(expected);
  });
  it.each(LANDING_CASES)("landing query %j", (search, expected) => {
    expect(browser.landingParams(search)).toEqual(expected);
  });
  it.each(CONSENT_STATE_CASES)("consent value %j → %j", (value, expected) => {
    expect(browser.consentState(value)).toBe(expected);
  });
  it.each(GOOGLE_CONSENT_CASES)("Google consent mode: %s", (_, dataLayer, ics, expected) => {
    expect(browser.googleConsent(dataLayer, ics)).toEqual(expected);
  });
  it.each(CLICK_ID_CASES)("click id %j → %j", (value, expected) => {
    expect(browser.clickIdValue(value)).toBe(expected);
  });
  it.each(GCL_COOKIE_CASES)("_gcl_aw / _gcl_gb %j → %j", (cookie, expected) => {
    expect(browser.parseGclCookie(cookie)).toBe(expected);
  });
  it.each(UET_COOKIE_CASES)("_uetmsclkid %j → %j", (cookie, expected) => {
    expect(browser.parseUetCookie(cookie)).toBe(expected);
  });
  it.each(RDT_UUID_CASES)("_rdt_uuid %j → %j", (cookie, expected) => {
    expect(browser.parseRdtUuidCookie(cookie)).toBe(expected);
  });
});
