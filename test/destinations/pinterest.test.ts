import { describe, expect, it } from "vitest";
import type { HttpAnswer, OutboundRequest, Transport } from "../../src/destinations/http";
import { classifyPinterestResponse, pinterest, toPinterestEvent } from "../../src/destinations/pinterest";
import { hashIdentity } from "../../src/sources/identity";
import { fullRefund, HASH, NOW, purchase, purchaseOf, testConfig } from "../fixtures/events";

const PINTEREST = {
  PINTEREST_AD_ACCOUNT_ID: "549769530006",
  PINTEREST_ACCESS_TOKEN: "pina-test-conversion-token",
  PINTEREST_ENDPOINT: "https://pinterest.test",
};

const answered = (status: number, body: unknown, retryAfter: string | null = null): HttpAnswer => ({
  kind: "response",
  status,
  retryAfter,
  body: typeof body === "string" ? body : JSON.stringify(body),
});

const processed = (count: number) =>
  answered(200, {
    num_events_received: count,
    num_events_processed: count,
    events: Array.from({ length: count }, () => ({
      status: "processed",
      error_message: null,
      warning_message: null,
    })),
  });

function fakePinterest(
  answer: (request: OutboundRequest) => HttpAnswer = (r) => processed(r.eventIds.length),
) {
  const requests: OutboundRequest[] = [];
  const transport: Transport = async (request) => {
    requests.push(request);
    return answer(request);
  };
  return { requests, transport };
}

describe("Pinterest's customer matching: hashes whose normalization is Pinterest's", () => {
  // Pinterest: em of the lowercase e-mail; ph of the digits only, with country code, no symbols or leading zeros.
  it.each([
    [
      { email: " John.Doe@Example.com ", phone: "(415) 555-0123", country: "US" },
      "836f82db99121b3481011f16b49dfa5fbc714a0d1b1b9f784a1ebbbf5b39577f",
      "413ba75461ab5f99d36820e561ea97e2bd80f9cb586f7ecea6cf4c496518950a",
    ],
    [
      { email: "JOHN.DOE@EXAMPLE.COM", phone: "+1 415 555 0123" },
      "836f82db99121b3481011f16b49dfa5fbc714a0d1b1b9f784a1ebbbf5b39577f",
      "413ba75461ab5f99d36820e561ea97e2bd80f9cb586f7ecea6cf4c496518950a",
    ],
  ])("%j", async (raw, em, ph) => {
    const identity = await hashIdentity(raw);
    expect(toPinterestEvent({ ...purchase, identity }, testConfig(PINTEREST)).user_data).toMatchObject({
      em: [em],
      ph: [ph],
    });
  });
});

describe("toPinterestEvent", () => {
  it("builds the exact checkout event", () => {
    const event = { ...purchase, attribution: { ...purchase.attribution, epik: "dj0yJnU9epik" } };
    expect(toPinterestEvent(event, testConfig(PINTEREST))).toEqual({
      event_name: "checkout",
      action_source: "web",
      event_time: 1776680130,
      event_id: "5551234567890123456",
      event_source_url: "https://shop.example/products/black-tee?utm_source=meta",
      user_data: {
        em: [HASH.em],
        ph: [HASH.ph],
        external_id: [HASH.externalId],
        click_id: "dj0yJnU9epik",
        client_ip_address: "203.0.113.7",
        client_user_agent: "Mozilla/5.0 (X11; Linux x86_64) Test",
      },
      custom_data: {
        currency: "EUR",
        value: "82.82",
        content_ids: ["TEE-BLK-M", "40002"],
        contents: [
          { id: "TEE-BLK-M", item_price: "25.00", quantity: 2 },
          { id: "40002", item_price: "19.90", quantity: 1 },
        ],
        num_items: 3,
        order_id: "5551234567890123456",
      },
    });
  });

  it("a store sale is offline and names no page; the event id follows PINTEREST_EVENT_ID", () => {
    const built = toPinterestEvent(
      { ...purchase, channel: "pos" },
      testConfig({ ...PINTEREST, PINTEREST_EVENT_ID: "order-{order_number}" }),
    );
    expect(built).toMatchObject({ action_source: "offline", event_id: "order-#1042" });
    expect(built).not.toHaveProperty("event_source_url");
  });
});

describe("classifyPinterestResponse", () => {
  it.each([
    ["200 processed", processed(1), [{ status: "sent", httpStatus: 200 }]],
    [
      "200 with a failed event",
      answered(200, {
        num_events_received: 2,
        num_events_processed: 1,
        events: [
          { status: "processed", error_message: null, warning_message: "content_ids is not standard" },
          { status: "failed", error_message: "event_time is too old", warning_message: null },
        ],
      }),
      [
        { status: "sent", reason: "Pinterest warning: content_ids is not standard" },
        { status: "failed", reason: "Pinterest: event_time is too old" },
      ],
    ],
    ["400", answered(400, { code: 1, message: "Invalid request" }), [{ status: "failed", httpStatus: 400 }]],
    [
      "401",
      answered(401, { code: 2, message: "Authentication failed" }),
      [{ status: "failed", httpStatus: 401 }],
    ],
    ["403", answered(403, { code: 29, message: "Forbidden" }), [{ status: "failed", httpStatus: 403 }]],
    [
      "429",
      answered(429, { code: 8, message: "Rate limited" }, "20"),
      [{ status: "retry", retryAfterSeconds: 20 }],
    ],
    ["503 ramped down", answered(503, ""), [{ status: "retry", httpStatus: 503 }]],
    ["500", answered(500, "oops"), [{ status: "retry", httpStatus: 500 }]],
    ["network", { kind: "network", message: "reset" } as HttpAnswer, [{ status: "retry" }]],
  ])("%s", (_name, answer, expected) => {
    const outcomes = classifyPinterestResponse(answer, NOW, expected.length);
    expected.forEach((outcome, i) => {
      expect(outcomes[i]).toMatchObject(outcome);
    });
  });

  it("names the setting to replace when the token is refused", () => {
    const [outcome] = classifyPinterestResponse(
      answered(401, { code: 2, message: "Authentication failed" }),
      NOW,
      1,
    );
    expect(outcome).toMatchObject({ reason: expect.stringContaining("replace PINTEREST_ACCESS_TOKEN") });
  });
});

describe("pinterest.deliver", () => {
  it("sends 100 checkouts in one request, the conversion token as Bearer", async () => {
    const { requests, transport } = fakePinterest();
    const events = Array.from({ length: 100 }, (_, i) => purchaseOf(String(8000 + i)));
    const outcomes = await pinterest.deliver(events, testConfig(PINTEREST), NOW, transport);
    expect(requests).toHaveLength(1);
    expect(requests[0].url).toBe("https://pinterest.test/v5/ad_accounts/549769530006/events");
    expect(requests[0].headers).toEqual({ Authorization: "Bearer pina-test-conversion-token" });
    expect((requests[0].body.data as unknown[]).length).toBe(100);
    expect([...outcomes.values()].every((o) => o.status === "sent")).toBe(true);
  });

  it("PINTEREST_TEST adds test=true and shows in the banner", async () => {
    const config = testConfig({ ...PINTEREST, PINTEREST_TEST: "true" });
    const { requests, transport } = fakePinterest();
    await pinterest.deliver([purchase], config, NOW, transport);
    expect(requests[0].url).toBe("https://pinterest.test/v5/ad_accounts/549769530006/events?test=true");
    expect(pinterest.testModeNotice(config)).toMatch(/PINTEREST_TEST/);
    expect(pinterest.testModeNotice(testConfig(PINTEREST))).toBeUndefined();
  });

  it("skips refunds, expires what is past 7 days, follows the consent policies, refuses what Pinterest cannot match", async () => {
    const { requests, transport } = fakePinterest();
    const old = purchaseOf("8101", { occurredAt: "2026-04-12T11:59:00Z" });
    const denied = purchaseOf("8102", { consent: { marketing: "denied" } });
    const unmatchable = purchaseOf("8103", { identity: { ga4: {}, meta: { ph: HASH.ph } }, client: {} });
    const outcomes = await pinterest.deliver(
      [fullRefund, old, denied, unmatchable, purchase],
      testConfig(PINTEREST),
      NOW,
      transport,
    );
    expect(outcomes.get(fullRefund.id)).toEqual({
      status: "skipped",
      reason: "Pinterest has no refund event",
    });
    expect(outcomes.get(old.id)).toEqual({ status: "expired", reason: "event time is more than 7 days old" });
    expect(outcomes.get(denied.id)).toEqual({
      status: "skipped",
      reason: "consent denied (PINTEREST_CONSENT_POLICY_DENIED=skip)",
    });
    expect(outcomes.get(unmatchable.id)).toMatchObject({
      status: "failed",
      reason: expect.stringContaining("e-mail"),
    });
    expect(requests.map((r) => r.eventIds)).toEqual([[purchase.id]]);
  });

  it("marks Limited Data Processing under the ldu policy", async () => {
    const { requests, transport } = fakePinterest();
    const denied = purchaseOf("8104", { consent: { marketing: "denied" } });
    await pinterest.deliver(
      [denied],
      testConfig({ ...PINTEREST, PINTEREST_CONSENT_POLICY_DENIED: "ldu" }),
      NOW,
      transport,
    );
    expect((requests[0].body.data as Array<{ custom_data: unknown }>)[0].custom_data).toMatchObject({
      opt_out_type: "LDP",
    });
  });

  it("a 400 is isolated by halving; a 401 is logged as an error naming PINTEREST_ACCESS_TOKEN every time", async () => {
    const bad = purchaseOf("8105");
    const events = [purchaseOf("8106"), purchaseOf("8107"), bad];
    const halving = fakePinterest((request) =>
      request.eventIds.includes(bad.id)
        ? answered(400, { code: 1, message: "Invalid" })
        : processed(request.eventIds.length),
    );
    const outcomes = await pinterest.deliver(events, testConfig(PINTEREST), NOW, halving.transport);
    expect(halving.requests.map((r) => r.eventIds.length)).toEqual([3, 2, 1]);
    expect(outcomes.get(bad.id)).toMatchObject({ status: "failed", httpStatus: 400 });

    const before = globalThis.capturedLogLines.length;
    const refused = fakePinterest(() => answered(401, { code: 2, message: "Authentication failed" }));
    await pinterest.deliver([purchase], testConfig(PINTEREST), NOW, refused.transport);
    await pinterest.deliver([purchase], testConfig(PINTEREST), NOW, refused.transport);
    const lines = globalThis.capturedLogLines
      .slice(before)
      .filter((l) => l.includes("PINTEREST_ACCESS_TOKEN"));
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0])).toMatchObject({ level: "error", destination: "pinterest", httpStatus: 401 });
  });

  it("health: the missing settings when disabled, the account and test mode when enabled", () => {
    expect(pinterest.health(testConfig())).toEqual({
      missing: ["PINTEREST_AD_ACCOUNT_ID", "PINTEREST_ACCESS_TOKEN"],
    });
    expect(pinterest.health(testConfig(PINTEREST))).toEqual({
      apiVersion: "v5",
      adAccountId: "549769530006",
      test: false,
    });
  });
});
