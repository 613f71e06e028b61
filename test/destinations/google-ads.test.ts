import { afterEach, describe, expect, it, vi } from "vitest";
import type { Settings } from "../../src/config";
import { classifyGoogleAdsResponse, googleAds } from "../../src/destinations/google_ads";
import type { HttpAnswer } from "../../src/destinations/http";
import type { CommerceEvent } from "../../src/model/commerce-event";
import { answers, mockDestinations } from "../fixtures/destinations";
import { fullRefund, HASH, NOW, purchase, purchaseOf, testConfig } from "../fixtures/events";
import { fakeTokenEndpoint, sharedServiceAccountJson } from "../fixtures/google";

afterEach(() => {
  vi.restoreAllMocks();
});

const TOKEN_URL = "https://oauth.test/token";

async function googleConfig(overrides: Settings = {}) {
  return testConfig({
    GOOGLE_ADS_CUSTOMER_ID: "123-456-7890",
    GOOGLE_ADS_CONVERSION_ACTION_ID: "987654321",
    GOOGLE_SERVICE_ACCOUNT_KEY: await sharedServiceAccountJson(),
    GOOGLE_ADS_ENDPOINT: "https://google_ads.test",
    GOOGLE_TOKEN_ENDPOINT: TOKEN_URL,
    ...overrides,
  });
}

const clicked = (orderId: string, changes: Partial<CommerceEvent> = {}) =>
  purchaseOf(orderId, { attribution: { ...purchase.attribution, gclid: "EAIaIQ_test" }, ...changes });

function mockGoogle(script?: Parameters<typeof mockDestinations>[0]) {
  const mock = mockDestinations(script);
  fakeTokenEndpoint(mock.spy, TOKEN_URL);
  return mock.hits.google_ads;
}

describe("Google Ads: the events:ingest request", () => {
  it("builds the exact body for a purchase, with the token in the header only", async () => {
    const hits = mockGoogle();
    const event = clicked("5551234567890123456");
    const outcomes = await googleAds.deliver([event], await googleConfig(), NOW);
    expect(outcomes.get(event.id)).toEqual({ status: "sent", httpStatus: 200 });
    expect(hits).toHaveLength(1);
    expect(hits[0].url.toString()).toBe("https://google_ads.test/v1/events:ingest");
    expect(hits[0].headers.get("authorization")).toBe("Bearer ya29.test-token");
    expect(hits[0].body).toEqual({
      destinations: [
        {
          operatingAccount: { accountType: "GOOGLE_ADS", accountId: "1234567890" },
          productDestinationId: "987654321",
        },
      ],
      events: [
        {
          transactionId: "5551234567890123456",
          eventTimestamp: "2026-04-20T10:15:30Z",
          eventSource: "WEB",
          conversionValue: 82.82,
          currency: "EUR",
          adIdentifiers: { gclid: "EAIaIQ_test" },
          userData: { userIdentifiers: [{ emailAddress: HASH.ga4Email }, { phoneNumber: HASH.ga4Phone }] },
          consent: { adUserData: "CONSENT_GRANTED", adPersonalization: "CONSENT_DENIED" },
          eventDeviceInfo: { userAgent: "Mozilla/5.0 (X11; Linux x86_64) Test" },
        },
      ],
      encoding: "HEX",
    });
  });

  it("names the manager account, validates only, and takes the transaction id template", async () => {
    const hits = mockGoogle();
    const config = await googleConfig({
      GOOGLE_ADS_LOGIN_CUSTOMER_ID: "111-222-3333",
      GOOGLE_ADS_VALIDATE_ONLY: "true",
      GOOGLE_ADS_TRANSACTION_ID: "{order_number}",
      CONVERSION_VALUE: "items",
    });
    const event = purchaseOf("42", {
      channel: "pos",
      attribution: { wbraid: "WBRAID_1", gbraid: "GBRAID_1" },
      consent: {},
      client: {},
    });
    const outcomes = await googleAds.deliver([event], config, NOW);
    expect(outcomes.get(event.id)).toEqual({ status: "sent", httpStatus: 200, reason: "validated" });
    expect(hits[0].body).toEqual({
      destinations: [
        {
          operatingAccount: { accountType: "GOOGLE_ADS", accountId: "1234567890" },
          loginAccount: { accountType: "GOOGLE_ADS", accountId: "1112223333" },
          productDestinationId: "987654321",
        },
      ],
      events: [
        {
          transactionId: "#42",
          eventTimestamp: "2026-04-20T10:15:30Z",
          eventSource: "IN_STORE",
          conversionValue: 64.9,
          currency: "EUR",
          adIdentifiers: { wbraid: "WBRAID_1" },
          userData: { userIdentifiers: [{ emailAddress: HASH.ga4Email }, { phoneNumber: HASH.ga4Phone }] },
        },
      ],
      encoding: "HEX",
      validateOnly: true,
    });
    expect(googleAds.testModeNotice(config)).toBe(
      "Google Ads validate-only (GOOGLE_ADS_VALIDATE_ONLY): Data Manager checks each request and records no conversion.",
    );
  });

  it("sends Google Ads' own e-mail hash where it differs from GA4's (a Gmail +tag)", async () => {
    const hits = mockGoogle();
    const event = clicked("77", { identity: { ...purchase.identity, googleAds: { email: HASH.em } } });
    await googleAds.deliver([event], await googleConfig(), NOW);
    expect((hits[0].body.events as Array<{ userData: unknown }>)[0].userData).toEqual({
      userIdentifiers: [{ emailAddress: HASH.em }, { phoneNumber: HASH.ga4Phone }],
    });
  });

  it("sends a batch of 100 in one request", async () => {
    const hits = mockGoogle();
    const events = Array.from({ length: 100 }, (_, i) => clicked(`9${i}`));
    const outcomes = await googleAds.deliver(events, await googleConfig(), NOW);
    expect(hits).toHaveLength(1);
    expect(hits[0].body.events).toHaveLength(100);
    expect(new Set([...outcomes.values()].map((o) => o.status))).toEqual(new Set(["sent"]));
  });

  it("fails only the events a 400 names, and sends the others again in one request", async () => {
    let calls = 0;
    const hits = mockGoogle({
      google_ads: () =>
        calls++ === 0
          ? answers.json(
              {
                error: {
                  code: 400,
                  status: "INVALID_ARGUMENT",
                  message: "Request contains an invalid argument.",
                  details: [
                    {
                      "@type": "type.googleapis.com/google.rpc.BadRequest",
                      fieldViolations: [
                        { field: "events[1].ad_identifiers.gclid", description: "Invalid gclid." },
                      ],
                    },
                  ],
                },
              },
              400,
            )
          : undefined,
    });
    const events = [clicked("801"), clicked("802"), clicked("803")];
    const outcomes = await googleAds.deliver(events, await googleConfig(), NOW);
    expect(hits.map((h) => (h.body.events as unknown[]).length)).toEqual([3, 2]);
    expect([...outcomes.entries()].map(([id, o]) => [id.split(":").pop(), o.status])).toEqual([
      ["802", "failed"],
      ["801", "sent"],
      ["803", "sent"],
    ]);
    expect(outcomes.get(events[1].id)).toEqual({
      status: "failed",
      httpStatus: 400,
      reason:
        "Data Manager INVALID_ARGUMENT; Request contains an invalid argument.; events[1].ad_identifiers.gclid: Invalid gclid.",
    });
  });
});

describe("Google Ads: what is not sent", () => {
  const old = new Date(NOW.getTime() + 91 * 86_400_000);
  it.each<[string, CommerceEvent, Settings, Date, unknown]>([
    [
      "a refund",
      fullRefund,
      {},
      NOW,
      {
        status: "skipped",
        reason:
          "Google Ads refunds are not sent: a Data Manager adjustment restates the order's whole value, and an order Google never recorded would become a new conversion",
      },
    ],
    [
      "a customer who refused ad consent",
      clicked("1", { consent: { marketing: "denied" } }),
      {},
      NOW,
      { status: "skipped", reason: "consent denied (GOOGLE_ADS_CONSENT_POLICY_DENIED=skip)" },
    ],
    [
      "no consent captured, under GOOGLE_ADS_CONSENT_POLICY_UNKNOWN=skip",
      clicked("2", { consent: {} }),
      { GOOGLE_ADS_CONSENT_POLICY_UNKNOWN: "skip" },
      NOW,
      { status: "skipped", reason: "consent unknown (GOOGLE_ADS_CONSENT_POLICY_UNKNOWN=skip)" },
    ],
    [
      "a sale more than 90 days old",
      clicked("3"),
      {},
      old,
      { status: "expired", reason: "the sale is more than 90 days old: it can match no click" },
    ],
    [
      "an order with no click id, e-mail or phone",
      purchaseOf("4", { identity: { ga4: {}, meta: {} } }),
      {},
      NOW,
      { status: "skipped", reason: "no Google click id, e-mail or phone: nothing for Google Ads to match" },
    ],
    [
      "a test order under TEST_ORDERS=debug",
      clicked("5", { test: true }),
      { TEST_ORDERS: "debug" },
      NOW,
      {
        status: "skipped",
        reason: "test order: TEST_ORDERS is debug, and Google Ads only has GOOGLE_ADS_VALIDATE_ONLY",
      },
    ],
  ])("%s", async (_, event, overrides, now, expected) => {
    const hits = mockGoogle();
    const outcomes = await googleAds.deliver([event], await googleConfig(overrides), now);
    expect(outcomes.get(event.id)).toEqual(expected);
    expect(hits).toHaveLength(0);
  });

  it("a refused customer is sent with CONSENT_DENIED under GOOGLE_ADS_CONSENT_POLICY_DENIED=send", async () => {
    const hits = mockGoogle();
    const event = clicked("6", { consent: { marketing: "denied" } });
    await googleAds.deliver([event], await googleConfig({ GOOGLE_ADS_CONSENT_POLICY_DENIED: "send" }), NOW);
    expect((hits[0].body.events as Array<{ consent: unknown }>)[0].consent).toEqual({
      adUserData: "CONSENT_DENIED",
      adPersonalization: "CONSENT_DENIED",
    });
  });
});

describe("classifyGoogleAdsResponse", () => {
  const answer = (status: number, body: unknown = "", retryAfter: string | null = null): HttpAnswer => ({
    kind: "response",
    status,
    retryAfter,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const rpc = (code: number, status: string, message = "m") => ({ error: { code, status, message } });
  it.each<[string, HttpAnswer, unknown]>([
    ["200", answer(200, { requestId: "r1" }), { status: "sent", httpStatus: 200 }],
    ["timeout", { kind: "timeout" }, { status: "retry", reason: "timeout" }],
    ["network", { kind: "network", message: "reset" }, { status: "retry", reason: "network error: reset" }],
    [
      "429 RESOURCE_EXHAUSTED with Retry-After",
      answer(429, rpc(429, "RESOURCE_EXHAUSTED", "Quota exceeded"), "60"),
      {
        status: "retry",
        httpStatus: 429,
        reason: "Data Manager RESOURCE_EXHAUSTED; Quota exceeded",
        retryAfterSeconds: 60,
      },
    ],
    [
      "503 UNAVAILABLE",
      answer(503, rpc(503, "UNAVAILABLE")),
      {
        status: "retry",
        httpStatus: 503,
        reason: "Data Manager UNAVAILABLE; m",
        retryAfterSeconds: undefined,
      },
    ],
    [
      "409 ABORTED",
      answer(409, rpc(409, "ABORTED")),
      { status: "retry", httpStatus: 409, reason: "Data Manager ABORTED; m", retryAfterSeconds: undefined },
    ],
    [
      "502 without a body",
      answer(502),
      { status: "retry", httpStatus: 502, reason: "HTTP 502", retryAfterSeconds: undefined },
    ],
    [
      "400 INVALID_ARGUMENT",
      answer(400, rpc(400, "INVALID_ARGUMENT")),
      { status: "failed", httpStatus: 400, reason: "Data Manager INVALID_ARGUMENT; m" },
    ],
    [
      "403 PERMISSION_DENIED names the settings",
      answer(403, rpc(403, "PERMISSION_DENIED")),
      {
        status: "failed",
        httpStatus: 403,
        reason:
          "the service account of GOOGLE_SERVICE_ACCOUNT_KEY may not write to GOOGLE_ADS_CUSTOMER_ID (add its e-mail as a user of the Google Ads account, or set GOOGLE_ADS_LOGIN_CUSTOMER_ID to the manager it is a user of) (Data Manager PERMISSION_DENIED; m)",
      },
    ],
    ["404", answer(404, "Not Found"), { status: "failed", httpStatus: 404, reason: "HTTP 404" }],
  ])("%s", (_, given, expected) => {
    expect(classifyGoogleAdsResponse(given, NOW)).toEqual(expected);
  });

  it("a validated request says so", () => {
    expect(classifyGoogleAdsResponse(answer(200, "{}"), NOW, true)).toEqual({
      status: "sent",
      httpStatus: 200,
      reason: "validated",
    });
  });
});

describe("Google Ads settings and /health", () => {
  it("is disabled, naming the missing settings, until all three are set", () => {
    const config = testConfig({ GOOGLE_ADS_CUSTOMER_ID: "1234567890" });
    expect(googleAds.enabled(config)).toBe(false);
    expect(googleAds.health(config)).toEqual({
      missing: ["GOOGLE_ADS_CONVERSION_ACTION_ID", "GOOGLE_SERVICE_ACCOUNT_KEY"],
    });
  });

  it("says which account and action when enabled, never the key", async () => {
    const config = await googleConfig();
    expect(googleAds.enabled(config)).toBe(true);
    const health = googleAds.health(config);
    expect(health).toEqual({
      api: "Data Manager v1",
      customerId: "1234567890",
      conversionActionId: "987654321",
      serviceAccount: "tagrelay@relay-test.iam.gserviceaccount.com",
      validateOnly: false,
    });
    expect(JSON.stringify(health)).not.toContain("PRIVATE KEY");
  });

  it.each([
    ["GOOGLE_ADS_CUSTOMER_ID", "12345", "GOOGLE_ADS_CUSTOMER_ID: must be a 10-digit Google Ads customer id"],
    [
      "GOOGLE_ADS_LOGIN_CUSTOMER_ID",
      "abc",
      "GOOGLE_ADS_LOGIN_CUSTOMER_ID: must be a 10-digit Google Ads customer id",
    ],
    [
      "GOOGLE_ADS_CONVERSION_ACTION_ID",
      "AW-123/abc",
      "GOOGLE_ADS_CONVERSION_ACTION_ID: must be the conversion action's numeric id",
    ],
    ["GOOGLE_TOKEN_ENDPOINT", "http://example.com/token", "GOOGLE_TOKEN_ENDPOINT: must be https"],
  ])("%s=%s is refused at start-up", (name, value, problem) => {
    expect(() => testConfig({ [name]: value })).toThrow(problem);
  });
});
