import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { GoogleTokens, googleAds, serviceAccountAssertion } from "../../src/destinations/google_ads";
import { parseServiceAccountKey } from "../../src/lib/google-service-account";
import { answers, mockDestinations } from "../fixtures/destinations";
import { NOW, purchaseOf, testConfig } from "../fixtures/events";
import {
  errorLogsSince,
  expectNoGoogleCredentialLogged,
  fakeTokenEndpoint,
  SERVICE_ACCOUNT_EMAIL,
  sharedServiceAccountJson,
  testServiceAccount,
  tokenAnswer,
} from "../fixtures/google";

const decode = (part: string) =>
  JSON.parse(
    atob(
      part
        .replace(/-/g, "+")
        .replace(/_/g, "/")
        .padEnd(Math.ceil(part.length / 4) * 4, "="),
    ),
  );
const bytes = (part: string) =>
  Uint8Array.from(
    atob(
      part
        .replace(/-/g, "+")
        .replace(/_/g, "/")
        .padEnd(Math.ceil(part.length / 4) * 4, "="),
    ),
    (c) => c.charCodeAt(0),
  );

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(expectNoGoogleCredentialLogged);

describe("the service account's JWT", () => {
  it("is RS256 over the header and claims Google asks for, verifiable with the key's public half", async () => {
    const { json, publicKey } = await testServiceAccount();
    const key = parseServiceAccountKey(json);
    if (!key.ok) throw new Error(key.reason);
    const jwt = await serviceAccountAssertion(
      key.value,
      {
        scope: "https://www.googleapis.com/auth/datamanager",
        audience: "https://oauth2.googleapis.com/token",
      },
      NOW,
    );
    const [header, claims, signature] = jwt.split(".");
    expect(decode(header)).toEqual({ alg: "RS256", typ: "JWT", kid: "0123456789abcdef" });
    expect(decode(claims)).toEqual({
      iss: "tagrelay@relay-test.iam.gserviceaccount.com",
      scope: "https://www.googleapis.com/auth/datamanager",
      aud: "https://oauth2.googleapis.com/token",
      iat: 1776686400,
      exp: 1776690000,
    });
    const signed = new TextEncoder().encode(`${header}.${claims}`);
    expect(await crypto.subtle.verify("RSASSA-PKCS1-v1_5", publicKey, bytes(signature), signed)).toBe(true);
    const tampered = new TextEncoder().encode(`${header}.${claims}x`);
    expect(await crypto.subtle.verify("RSASSA-PKCS1-v1_5", publicKey, bytes(signature), tampered)).toBe(
      false,
    );
  });

  it.each([
    ["not JSON", "{", "is not JSON"],
    [
      "no client_email",
      JSON.stringify({ type: "service_account", private_key: "x" }),
      'has no "client_email"',
    ],
    [
      "another kind of credential",
      JSON.stringify({ type: "authorized_user" }),
      "is not a service-account key",
    ],
    [
      "a private key that is not PKCS#8 PEM",
      JSON.stringify({
        client_email: "a@b.iam.gserviceaccount.com",
        private_key: "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----",
      }),
      'has no PKCS#8 "private_key"',
    ],
  ])("a key file with %s is named at start-up, without its text", (_, text, problem) => {
    const result = parseServiceAccountKey(text);
    expect(result).toEqual({ ok: false, reason: expect.stringContaining(problem) });
    expect(() => testConfig({ GOOGLE_SERVICE_ACCOUNT_KEY: text })).toThrow(/GOOGLE_SERVICE_ACCOUNT_KEY: /);
  });
});

describe("Google access tokens", () => {
  const TOKEN_URL = "https://oauth.test/token";
  const settings = async (endpoint = TOKEN_URL) =>
    testConfig({
      GOOGLE_ADS_CUSTOMER_ID: "123-456-7890",
      GOOGLE_ADS_CONVERSION_ACTION_ID: "987654321",
      GOOGLE_SERVICE_ACCOUNT_KEY: await sharedServiceAccountJson(),
      GOOGLE_ADS_ENDPOINT: "https://google_ads.test",
      GOOGLE_TOKEN_ENDPOINT: endpoint,
    });

  it("one token request serves many batches, until shortly before it expires", async () => {
    const config = await settings(`${TOKEN_URL}?many`);
    const { hits, spy } = mockDestinations();
    const tokens = fakeTokenEndpoint(spy, TOKEN_URL);
    for (const [i, minutes] of [0, 10, 30, 54].entries()) {
      const at = new Date(NOW.getTime() + minutes * 60_000);
      const outcomes = await googleAds.deliver([purchaseOf(`70${i}`)], config, at);
      expect([...outcomes.values()]).toEqual([{ status: "sent", httpStatus: 200 }]);
    }
    expect(tokens).toHaveLength(1);
    expect(tokens[0].get("grant_type")).toBe("urn:ietf:params:oauth:grant-type:jwt-bearer");
    expect(tokens[0].get("assertion")?.split(".")).toHaveLength(3);
    expect(hits.google_ads.map((h) => h.headers.get("authorization"))).toEqual(
      Array(4).fill("Bearer ya29.test-token"),
    );
    // 56 minutes on, the 3599-second token has less than 5 minutes left: a new one is asked for.
    await googleAds.deliver([purchaseOf("799")], config, new Date(NOW.getTime() + 56 * 60_000));
    expect(tokens).toHaveLength(2);
  });

  it("a 401 from the API refreshes the token once and sends again once", async () => {
    const config = await settings(`${TOKEN_URL}?refresh`);
    let answered = 0;
    const { hits, spy } = mockDestinations({
      google_ads: () =>
        answered++ === 0
          ? answers.json(
              {
                error: {
                  code: 401,
                  status: "UNAUTHENTICATED",
                  message: "Request had invalid authentication credentials.",
                },
              },
              401,
            )
          : undefined,
    });
    let issued = 0;
    const tokens = fakeTokenEndpoint(spy, TOKEN_URL, () => tokenAnswer(`ya29.token-${++issued}`));
    const outcomes = await googleAds.deliver([purchaseOf("711"), purchaseOf("712")], config, NOW);
    expect([...outcomes.values()]).toEqual([
      { status: "sent", httpStatus: 200 },
      { status: "sent", httpStatus: 200 },
    ]);
    expect(tokens).toHaveLength(2);
    expect(hits.google_ads.map((h) => h.headers.get("authorization"))).toEqual([
      "Bearer ya29.token-1",
      "Bearer ya29.token-2",
    ]);
  });

  it("a second 401 is final, logged as an error naming GOOGLE_SERVICE_ACCOUNT_KEY; no third request", async () => {
    const config = await settings(`${TOKEN_URL}?twice`);
    const { hits, spy } = mockDestinations({
      google_ads: () => answers.json({ error: { code: 401, status: "UNAUTHENTICATED", message: "no" } }, 401),
    });
    const tokens = fakeTokenEndpoint(spy, TOKEN_URL);
    const before = globalThis.capturedLogLines.length;
    const outcomes = await googleAds.deliver([purchaseOf("721")], config, NOW);
    expect([...outcomes.values()]).toEqual([
      {
        status: "failed",
        httpStatus: 401,
        reason:
          "Google refused the access token of GOOGLE_SERVICE_ACCOUNT_KEY: check the key and that the Data Manager API is enabled in its Google Cloud project (Data Manager UNAUTHENTICATED; no)",
      },
    ]);
    expect(tokens).toHaveLength(2);
    expect(hits.google_ads).toHaveLength(2);
    expect(errorLogsSince(before)).toEqual([
      expect.objectContaining({ msg: expect.stringContaining("GOOGLE_SERVICE_ACCOUNT_KEY") }),
    ]);
  });

  it("a failing token endpoint is a retry, and nothing is sent", async () => {
    const config = await settings(`${TOKEN_URL}?down`);
    const { hits, spy } = mockDestinations();
    fakeTokenEndpoint(
      spy,
      TOKEN_URL,
      () => new Response("unavailable", { status: 503, headers: { "retry-after": "30" } }),
    );
    const outcomes = await googleAds.deliver([purchaseOf("731")], config, NOW);
    expect([...outcomes.values()]).toEqual([
      { status: "retry", httpStatus: 503, reason: "Google token endpoint: HTTP 503", retryAfterSeconds: 30 },
    ]);
    expect(hits.google_ads).toHaveLength(0);
  });

  it("a rejected key (invalid_grant) fails the events and is logged as an error every time", async () => {
    const config = await settings(`${TOKEN_URL}?rejected`);
    const { hits, spy } = mockDestinations();
    const tokens = fakeTokenEndpoint(spy, TOKEN_URL, () =>
      answers.json({ error: "invalid_grant", error_description: "Invalid JWT Signature." }, 400),
    );
    const before = globalThis.capturedLogLines.length;
    for (const id of ["741", "742"]) {
      const outcomes = await googleAds.deliver([purchaseOf(id)], config, NOW);
      expect([...outcomes.values()]).toEqual([
        {
          status: "failed",
          httpStatus: 400,
          reason:
            "Google refused the service account key (invalid_grant: Invalid JWT Signature.): the owner must replace GOOGLE_SERVICE_ACCOUNT_KEY",
        },
      ]);
    }
    expect(tokens).toHaveLength(2);
    expect(hits.google_ads).toHaveLength(0);
    expect(errorLogsSince(before)).toEqual(
      Array(2).fill(expect.objectContaining({ msg: expect.stringContaining("GOOGLE_SERVICE_ACCOUNT_KEY") })),
    );
  });

  it("concurrent callers share one token request", async () => {
    const json = await sharedServiceAccountJson();
    const key = parseServiceAccountKey(json);
    if (!key.ok) throw new Error(key.reason);
    const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async () => tokenAnswer());
    const tokens = new GoogleTokens();
    const request = {
      key: key.value,
      scope: "s",
      endpoint: "https://oauth.test/token?shared",
      timeoutMs: 1000,
    };
    const results = await Promise.all([tokens.accessToken(request, NOW), tokens.accessToken(request, NOW)]);
    expect(results).toEqual([
      { ok: true, token: "ya29.test-token" },
      { ok: true, token: "ya29.test-token" },
    ]);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(SERVICE_ACCOUNT_EMAIL).toBe(key.value.clientEmail);
  });
});
