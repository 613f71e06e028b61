import { afterEach, describe, expect, it, vi } from "vitest";
import {
  type ConsentDecision,
  ga4ConsentDecision,
  META_LIMITED_DATA_USE,
  metaConsentDecision,
} from "../../src/destinations/consent";
import { ga4, toGa4Payload } from "../../src/destinations/ga4";
import { meta } from "../../src/destinations/meta";
import type { CommerceEvent } from "../../src/model/commerce-event";
import { NOW, purchase, purchaseOf, testConfig } from "../fixtures/events";

afterEach(() => {
  vi.restoreAllMocks();
});

type Consent = CommerceEvent["consent"];
const granted: Consent = { marketing: "granted" };
const denied: Consent = { marketing: "denied" };
const unknown: Consent = {};

describe("metaConsentDecision", () => {
  it.each<[string, Consent, Record<string, string>, ConsentDecision]>([
    ["granted, defaults", granted, {}, { action: "send" }],
    [
      "granted, strictest policies",
      granted,
      { META_CONSENT_POLICY_DENIED: "skip", META_CONSENT_POLICY_UNKNOWN: "skip" },
      { action: "send" },
    ],
    [
      "denied, default (skip)",
      denied,
      {},
      { action: "skip", reason: "consent denied (META_CONSENT_POLICY_DENIED=skip)" },
    ],
    ["denied, ldu", denied, { META_CONSENT_POLICY_DENIED: "ldu" }, { action: "send-ldu" }],
    ["denied, send", denied, { META_CONSENT_POLICY_DENIED: "send" }, { action: "send" }],
    ["unknown, default (send)", unknown, {}, { action: "send" }],
    ["unknown, ldu", unknown, { META_CONSENT_POLICY_UNKNOWN: "ldu" }, { action: "send-ldu" }],
    [
      "unknown, skip",
      unknown,
      { META_CONSENT_POLICY_UNKNOWN: "skip" },
      { action: "skip", reason: "consent unknown (META_CONSENT_POLICY_UNKNOWN=skip)" },
    ],
    [
      "only ad_user_data denied (consent mode without a marketing choice)",
      { adUserData: "denied" },
      {},
      { action: "skip", reason: "consent denied (META_CONSENT_POLICY_DENIED=skip)" },
    ],
    [
      "marketing granted outranks ad_user_data denied",
      { marketing: "granted", adUserData: "denied" },
      {},
      { action: "send" },
    ],
    ["analytics denied alone leaves marketing unknown", { analytics: "denied" }, {}, { action: "send" }],
  ])("%s", (_, consent, env, expected) => {
    expect(metaConsentDecision(consent, testConfig(env))).toEqual(expected);
  });
});

describe("ga4ConsentDecision", () => {
  it.each<[string, Consent, Record<string, string>, ConsentDecision]>([
    [
      "analytics granted",
      { analytics: "granted" },
      { GA4_CONSENT_POLICY_DENIED: "skip" },
      { action: "send" },
    ],
    ["unknown, skip policy", unknown, { GA4_CONSENT_POLICY_DENIED: "skip" }, { action: "send" }],
    ["analytics denied, default (send)", { analytics: "denied" }, {}, { action: "send" }],
    [
      "analytics denied, skip",
      { analytics: "denied" },
      { GA4_CONSENT_POLICY_DENIED: "skip" },
      { action: "skip", reason: "consent denied (GA4_CONSENT_POLICY_DENIED=skip)" },
    ],
    [
      "ads denied, analytics granted, skip: sent with DENIED fields",
      { analytics: "granted", adUserData: "denied" },
      { GA4_CONSENT_POLICY_DENIED: "skip" },
      { action: "send" },
    ],
  ])("%s", (_, consent, env, expected) => {
    expect(ga4ConsentDecision(consent, testConfig(env))).toEqual(expected);
  });

  it("rejects a policy that does not exist", () => {
    expect(() => testConfig({ META_CONSENT_POLICY_DENIED: "maybe" })).toThrow(/META_CONSENT_POLICY_DENIED/);
  });
});

function mockFetch() {
  return vi
    .spyOn(globalThis, "fetch")
    .mockImplementation(async (_url, init) =>
      Response.json({ events_received: JSON.parse(String(init?.body)).data?.length ?? 1 }),
    );
}

describe("consent in the destinations", () => {
  it("Meta: skips a denied customer, flags LDU when told to, sends the rest unchanged", async () => {
    const spy = mockFetch();
    const no = purchaseOf("1", { consent: denied });
    const yes = purchaseOf("2", { consent: granted });
    const unsure = purchaseOf("3", { consent: unknown });
    const config = testConfig({ META_CONSENT_POLICY_UNKNOWN: "ldu" });
    const outcomes = await meta.deliver([no, yes, unsure], config, NOW);
    expect(outcomes.get(no.id)).toEqual({
      status: "skipped",
      reason: "consent denied (META_CONSENT_POLICY_DENIED=skip)",
    });
    expect(outcomes.get(yes.id)).toMatchObject({ status: "sent" });
    expect(spy).toHaveBeenCalledTimes(1);
    const data = JSON.parse(String(spy.mock.calls[0][1]?.body)).data;
    expect(data.map((d: { custom_data: { order_id: string } }) => d.custom_data.order_id)).toEqual([
      "2",
      "3",
    ]);
    expect(data[0]).not.toHaveProperty("data_processing_options");
    expect(data[1]).toMatchObject({
      data_processing_options: ["LDU"],
      data_processing_options_country: 0,
      data_processing_options_state: 0,
    });
    expect(META_LIMITED_DATA_USE).toEqual({
      data_processing_options: ["LDU"],
      data_processing_options_country: 0,
      data_processing_options_state: 0,
    });
  });

  it("GA4: skips refused analytics only under the skip policy; otherwise sends DENIED fields", async () => {
    const spy = vi
      .spyOn(globalThis, "fetch")
      .mockImplementation(async () => new Response(null, { status: 204 }));
    const refused = purchaseOf("7", { consent: { analytics: "denied" } });
    const skipped = await ga4.deliver([refused], testConfig({ GA4_CONSENT_POLICY_DENIED: "skip" }), NOW);
    expect(skipped.get(refused.id)).toEqual({
      status: "skipped",
      reason: "consent denied (GA4_CONSENT_POLICY_DENIED=skip)",
    });
    expect(spy).not.toHaveBeenCalled();
    const sent = await ga4.deliver([refused], testConfig(), NOW);
    expect(sent.get(refused.id)).toMatchObject({ status: "sent" });
    expect(JSON.parse(String(spy.mock.calls[0][1]?.body)).consent).toEqual({
      ad_user_data: "DENIED",
      ad_personalization: "DENIED",
    });
  });

  it("GA4: maps captured choices to consent.ad_user_data / ad_personalization, and omits unknown ones", async () => {
    const body = async (consent: Consent) =>
      (await toGa4Payload(purchaseOf("8", { consent }), testConfig(), NOW)).body.consent;
    expect(await body({ adUserData: "granted", adPersonalization: "denied" })).toEqual({
      ad_user_data: "GRANTED",
      ad_personalization: "DENIED",
    });
    expect(await body({ analytics: "denied", adUserData: "granted" })).toEqual({
      ad_user_data: "GRANTED",
      ad_personalization: "DENIED",
    });
    expect(await body({})).toBeUndefined();
    expect((await toGa4Payload(purchase, testConfig(), NOW)).body.consent).toEqual({
      ad_user_data: "GRANTED",
      ad_personalization: "DENIED",
    });
  });
});
