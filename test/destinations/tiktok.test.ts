import { describe, expect, it } from "vitest";
import type { HttpAnswer, OutboundRequest, Transport } from "../../src/destinations/http";
import { classifyTikTokResponse, tiktok, toTikTokEvent } from "../../src/destinations/tiktok";
import { hashIdentity } from "../../src/sources/identity";
import { fullRefund, HASH, NOW, purchase, purchaseOf, testConfig } from "../fixtures/events";

const TIKTOK = {
  TIKTOK_PIXEL_CODE: "CTESTPIXEL0123456789",
  TIKTOK_ACCESS_TOKEN: "tiktok-test-access-token",
  TIKTOK_ENDPOINT: "https://tiktok.test",
};

const answered = (status: number, body: unknown, retryAfter: string | null = null): HttpAnswer => ({
  kind: "response",
  status,
  retryAfter,
  body: typeof body === "string" ? body : JSON.stringify(body),
});

/** A fake TikTok: records each request and answers with `answer` (accepted by default). */
function fakeTikTok(
  answer: (request: OutboundRequest) => HttpAnswer = () => answered(200, { code: 0, message: "OK" }),
) {
  const requests: OutboundRequest[] = [];
  const transport: Transport = async (request) => {
    requests.push(request);
    return answer(request);
  };
  return { requests, transport };
}

describe("TikTok's customer matching: hashes whose normalization is TikTok's", () => {
  // TikTok: e-mail trimmed and lowercased, phone in E.164 with '+' (its example +12133734253), then SHA-256.
  it.each([
    [
      { email: " John.Doe@Example.com ", phone: "(213) 373-4253", country: "US" },
      "836f82db99121b3481011f16b49dfa5fbc714a0d1b1b9f784a1ebbbf5b39577f",
      "9f7ec22d72092cd3c0b58726ed9c2d91b92e51a3f29837508fb2948bb22dd2fd",
    ],
    [
      { email: "JOHN.DOE@EXAMPLE.COM", phone: "+1 213-373-4253" },
      "836f82db99121b3481011f16b49dfa5fbc714a0d1b1b9f784a1ebbbf5b39577f",
      "9f7ec22d72092cd3c0b58726ed9c2d91b92e51a3f29837508fb2948bb22dd2fd",
    ],
  ])("%j", async (raw, email, phone) => {
    const identity = await hashIdentity(raw);
    const event = { ...purchase, identity };
    expect(toTikTokEvent(event, testConfig(TIKTOK)).user).toMatchObject({ email, phone });
  });
});

describe("toTikTokEvent", () => {
  it("builds the exact Purchase event", () => {
    const event = {
      ...purchase,
      attribution: { ...purchase.attribution, ttclid: "E.C.P.abc", ttp: "ttp-cookie-1" },
    };
    expect(toTikTokEvent(event, testConfig(TIKTOK))).toEqual({
      event: "Purchase",
      event_time: 1776680130,
      event_id: "5551234567890123456",
      user: {
        email: HASH.em,
        phone: HASH.ga4Phone,
        external_id: HASH.externalId,
        ttclid: "E.C.P.abc",
        ttp: "ttp-cookie-1",
        ip: "203.0.113.7",
        user_agent: "Mozilla/5.0 (X11; Linux x86_64) Test",
      },
      page: { url: "https://shop.example/products/black-tee?utm_source=meta" },
      properties: {
        currency: "EUR",
        value: 82.82,
        content_type: "product",
        contents: [
          { content_id: "TEE-BLK-M", content_name: "Black Tee", quantity: 2, price: 25 },
          { content_id: "40002", content_name: "Canvas Tote", quantity: 1, price: 19.9 },
        ],
        order_id: "5551234567890123456",
      },
    });
  });

  it("takes the event id from TIKTOK_EVENT_ID and the value from CONVERSION_VALUE", () => {
    const built = toTikTokEvent(
      purchase,
      testConfig({ ...TIKTOK, TIKTOK_EVENT_ID: "{order_number}", CONVERSION_VALUE: "items" }),
    );
    expect(built.event_id).toBe("#1042");
    expect(built.properties.value).toBe(64.9);
  });

  it("names no page for an order placed outside the online store", () => {
    expect(toTikTokEvent({ ...purchase, channel: "pos" }, testConfig(TIKTOK))).not.toHaveProperty("page");
  });
});

describe("classifyTikTokResponse", () => {
  it.each([
    ["code 0", answered(200, { code: 0, message: "OK" }), { status: "sent", httpStatus: 200 }],
    [
      "40100 rate limit",
      answered(200, { code: 40100, message: "Too many requests", request_id: "r1" }, "30"),
      { status: "retry", retryAfterSeconds: 30 },
    ],
    ["50000 system error", answered(200, { code: 50000, message: "System error" }), { status: "retry" }],
    [
      "40105 token",
      answered(200, { code: 40105, message: "Access token is incorrect" }),
      { status: "failed" },
    ],
    [
      "40104 no token",
      answered(200, { code: 40104, message: "Access token is empty" }),
      { status: "failed" },
    ],
    ["40001 no permission", answered(200, { code: 40001, message: "No permission" }), { status: "failed" }],
    ["40002 bad parameter", answered(200, { code: 40002, message: "Invalid event" }), { status: "failed" }],
    ["HTTP 503", answered(503, "unavailable"), { status: "retry", httpStatus: 503 }],
    ["HTTP 429", answered(429, "slow down", "12"), { status: "retry", retryAfterSeconds: 12 }],
    ["HTTP 400 without a code", answered(400, "bad"), { status: "failed", httpStatus: 400 }],
    ["timeout", { kind: "timeout" } as HttpAnswer, { status: "retry", reason: "timeout" }],
  ])("%s", (_name, answer, expected) => {
    expect(classifyTikTokResponse(answer, NOW)).toMatchObject(expected);
  });

  it("names the setting to replace when the token is refused", () => {
    const outcome = classifyTikTokResponse(answered(200, { code: 40105, message: "bad token" }), NOW);
    expect(outcome).toMatchObject({ reason: expect.stringContaining("replace TIKTOK_ACCESS_TOKEN") });
  });
});

describe("tiktok.deliver", () => {
  it("sends 100 purchases in one request, the token in the Access-Token header", async () => {
    const { requests, transport } = fakeTikTok();
    const events = Array.from({ length: 100 }, (_, i) => purchaseOf(String(7000 + i)));
    const outcomes = await tiktok.deliver(events, testConfig(TIKTOK), NOW, transport);
    expect(requests).toHaveLength(1);
    expect(requests[0].url).toBe("https://tiktok.test/open_api/v1.3/event/track/");
    expect(requests[0].headers).toEqual({ "Access-Token": "tiktok-test-access-token" });
    expect(requests[0].body).toMatchObject({ event_source: "web", event_source_id: "CTESTPIXEL0123456789" });
    expect(requests[0].body).not.toHaveProperty("test_event_code");
    expect((requests[0].body.data as unknown[]).length).toBe(100);
    expect([...outcomes.values()].every((o) => o.status === "sent")).toBe(true);
  });

  it("sends the test event code with every request when set, and says so in the banner", async () => {
    const config = testConfig({ ...TIKTOK, TIKTOK_TEST_EVENT_CODE: "TEST12345" });
    const { requests, transport } = fakeTikTok();
    await tiktok.deliver([purchase], config, NOW, transport);
    expect(requests[0].body).toMatchObject({ test_event_code: "TEST12345" });
    expect(tiktok.testModeNotice(config)).toMatch(/TIKTOK_TEST_EVENT_CODE/);
    expect(tiktok.testModeNotice(testConfig(TIKTOK))).toBeUndefined();
  });

  it("skips refunds, expires what is past 7 days, follows the consent policies", async () => {
    const { requests, transport } = fakeTikTok();
    const old = purchaseOf("7101", { occurredAt: "2026-04-12T11:59:00Z" });
    const denied = purchaseOf("7102", { consent: { marketing: "denied" } });
    const unknown = purchaseOf("7103", { consent: {} });
    const outcomes = await tiktok.deliver(
      [fullRefund, old, denied, unknown],
      testConfig(TIKTOK),
      NOW,
      transport,
    );
    expect(outcomes.get(fullRefund.id)).toEqual({ status: "skipped", reason: "TikTok has no refund event" });
    expect(outcomes.get(old.id)).toEqual({ status: "expired", reason: "event time is more than 7 days old" });
    expect(outcomes.get(denied.id)).toEqual({
      status: "skipped",
      reason: "consent denied (TIKTOK_CONSENT_POLICY_DENIED=skip)",
    });
    expect(outcomes.get(unknown.id)).toMatchObject({ status: "sent" });
    expect(requests).toHaveLength(1);
    expect(requests[0].eventIds).toEqual([unknown.id]);
  });

  it("marks limited data use under the ldu policy", async () => {
    const { requests, transport } = fakeTikTok();
    const denied = purchaseOf("7104", { consent: { marketing: "denied" } });
    await tiktok.deliver(
      [denied],
      testConfig({ ...TIKTOK, TIKTOK_CONSENT_POLICY_DENIED: "ldu" }),
      NOW,
      transport,
    );
    expect((requests[0].body.data as unknown[])[0]).toMatchObject({ limited_data_use: true });
  });

  it("a test order under TEST_ORDERS=debug goes only with a test event code", async () => {
    const { transport } = fakeTikTok();
    const test = purchaseOf("7105", { test: true });
    const outcomes = await tiktok.deliver(
      [test],
      testConfig({ ...TIKTOK, TEST_ORDERS: "debug" }),
      NOW,
      transport,
    );
    expect(outcomes.get(test.id)).toEqual({
      status: "skipped",
      reason: "test order: TEST_ORDERS is debug but TIKTOK_TEST_EVENT_CODE is not set",
    });
  });

  it("a bad parameter (40002) is isolated by halving: the others are sent", async () => {
    const bad = purchaseOf("7106");
    const events = [purchaseOf("7107"), bad, purchaseOf("7108"), purchaseOf("7109")];
    const { requests, transport } = fakeTikTok((request) =>
      request.eventIds.includes(bad.id)
        ? answered(200, { code: 40002, message: "Invalid value" })
        : answered(200, { code: 0, message: "OK" }),
    );
    const outcomes = await tiktok.deliver(events, testConfig(TIKTOK), NOW, transport);
    expect(requests.map((r) => r.eventIds.length)).toEqual([4, 2, 1, 1, 2]);
    expect(outcomes.get(bad.id)).toMatchObject({
      status: "failed",
      reason: expect.stringContaining("40002"),
    });
    expect([...outcomes].filter(([, o]) => o.status === "sent")).toHaveLength(3);
  });

  it("logs an error naming TIKTOK_ACCESS_TOKEN every time the token is refused", async () => {
    const before = globalThis.capturedLogLines.length;
    const { transport } = fakeTikTok(() => answered(200, { code: 40105, message: "bad token" }));
    await tiktok.deliver([purchase], testConfig(TIKTOK), NOW, transport);
    await tiktok.deliver([purchase], testConfig(TIKTOK), NOW, transport);
    const lines = globalThis.capturedLogLines.slice(before).filter((l) => l.includes("TIKTOK_ACCESS_TOKEN"));
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0])).toMatchObject({ level: "error", destination: "tiktok", code: 40105 });
  });

  it("health: the missing settings when disabled, the API version and test mode when enabled", () => {
    expect(tiktok.enabled(testConfig())).toBe(false);
    expect(tiktok.health(testConfig({ TIKTOK_PIXEL_CODE: "C1" }))).toEqual({
      missing: ["TIKTOK_ACCESS_TOKEN"],
    });
    expect(tiktok.health(testConfig(TIKTOK))).toEqual({ apiVersion: "v1.3", testEvents: false });
  });
});
