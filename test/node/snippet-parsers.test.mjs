import { describe, expect, it } from "vitest";
import { snippetParsers } from "../../src/storefront/snippet.ts";
import {
  CONSENT_STATE_CASES,
  GA_COOKIE_CASES,
  GA_SESSION_CASES,
  GOOGLE_CONSENT_CASES,
  LANDING_CASES,
} from "../fixtures/attribution.ts";

/** The parsers exactly as the browser gets them: their text, evaluated on its own, with no imports. */
const browser = new Function(
  `${snippetParsers()}\nreturn { parseGaCookie, parseGaSessionCookie, landingParams, consentState, googleConsent };`,
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
});
