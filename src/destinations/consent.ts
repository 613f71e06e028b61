import type { Config } from "../config";
import type { CommerceEvent } from "../model/commerce-event";

/** What a destination does with one event, given the customer's consent and the shop's policy. */
export type ConsentDecision =
  | { action: "send" }
  | { action: "send-ldu" }
  | { action: "skip"; reason: string };

export type Policy = "send" | "ldu" | "skip";

function decide(policy: Policy, state: "denied" | "unknown", setting: string): ConsentDecision {
  if (policy === "send") return { action: "send" };
  if (policy === "ldu") return { action: "send-ldu" };
  return { action: "skip", reason: `consent ${state} (${setting}=skip)` };
}

/** A destination's two consent settings, `<PREFIX>_CONSENT_POLICY_DENIED` and `…_UNKNOWN`, as read. */
export type ConsentPolicies = { denied: Policy; unknown: Policy; prefix: string };

/**
 * An ad platform: the marketing choice decides (Google's ad_user_data stands in when only consent
 * mode was captured). Granted → send; denied and unknown follow the destination's own policies
 * (`ldu` only where the platform has a limited-data-use mode).
 */
export function marketingConsentDecision(
  consent: CommerceEvent["consent"],
  policies: ConsentPolicies,
): ConsentDecision {
  const state = consent.marketing ?? consent.adUserData;
  if (state === "granted") return { action: "send" };
  if (state === "denied")
    return decide(policies.denied, "denied", `${policies.prefix}_CONSENT_POLICY_DENIED`);
  return decide(policies.unknown, "unknown", `${policies.prefix}_CONSENT_POLICY_UNKNOWN`);
}

/** Meta: the marketing choice under META_CONSENT_POLICY_DENIED / _UNKNOWN. */
export function metaConsentDecision(consent: CommerceEvent["consent"], config: Config): ConsentDecision {
  return marketingConsentDecision(consent, {
    denied: config.META_CONSENT_POLICY_DENIED,
    unknown: config.META_CONSENT_POLICY_UNKNOWN,
    prefix: "META",
  });
}

/**
 * GA4: the analytics choice decides whether to send at all; ad consent never stops a send,
 * because GA4 applies the consent fields itself (DENIED keeps the event out of ads use).
 */
export function ga4ConsentDecision(consent: CommerceEvent["consent"], config: Config): ConsentDecision {
  if (consent.analytics !== "denied" || config.GA4_CONSENT_POLICY_DENIED === "send")
    return { action: "send" };
  return { action: "skip", reason: "consent denied (GA4_CONSENT_POLICY_DENIED=skip)" };
}

/**
 * Meta's Limited Data Use flag. Country and state 0 ask Meta to geolocate the event itself:
 * LDU only changes processing for people in the US states where it applies.
 */
export type LimitedDataUse = {
  data_processing_options: ["LDU"];
  data_processing_options_country: 0;
  data_processing_options_state: 0;
};
export const META_LIMITED_DATA_USE: LimitedDataUse = {
  data_processing_options: ["LDU"],
  data_processing_options_country: 0,
  data_processing_options_state: 0,
};
