import { afterEach, describe, expect, it, vi } from "vitest";
import type { HttpAnswer } from "../../src/destinations/http";
import { classifySnapResponse, snapchat, toSnapEvent } from "../../src/destinations/snapchat";
import type { DeliveryOutcome } from "../../src/model/statuses";
import { fullRefund, HASH, NOW, purchase, purchaseOf, testConfig } from "../fixtures/events";

const SNAP = {
  SNAPCHAT_PIXEL_ID: "snap-pixel-1",
  SNAPCHAT_ACCESS_TOKEN: "snap-test-access-token",
  SNAPCHAT_ENDPOINT: "https://snapchat.test",
};

const clicked = purchaseOf("5551234567890123456", {
  attribution: { ...purchase.attribution, scClickId: "sc-click-1", scid: "scid-cookie-1" },
});

type Body = { data: Array<{ event_id: string }> };

function mockFetch(answer: (body: Body) => Response) {
  return vi
    .spyOn(globalThis, "fetch")
    .mockImplementation(async (_url, init) => answer(JSON.parse(String(init?.body)) as Body));
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("toSnapEvent", () => {
  it("builds the exact PURCHASE event", () => {
    expect(toSnapEvent(clicked, testConfig(SNAP))).toEqual({
      event_name: "PURCHASE",
      event_time: 1776680130,
      event_id: "5551234567890123456",
      action_source: "WEB",
      event_source_url: "https://shop.example/products/black-tee?utm_source=meta",
      user_data: {
        em: [HASH.em],
        ph: [HASH.ph],
        client_ip_address: "203.0.113.7",
        client_user_agent: "Mozilla/5.0 (X11; Linux x86_64) Test",
        sc_click_id: "sc-click-1",
        sc_cookie1: "scid-cookie-1",
      },
      custom_data: {
        value: 82.82,
        currency: "EUR",
        order_id: "5551234567890123456",
        content_ids: ["TEE-BLK-M", "40002"],
        contents: [
          { id: "TEE-BLK-M", quantity: "2", item_price: "22.5" },
          { id: "40002", quantity: "1", item_price: "19.9" },
        ],
        num_items: 3,
      },
    });
  });

  it("fills SNAPCHAT_EVENT_ID and calls a point-of-sale order OFFLINE", () => {
    const pos = purchaseOf("777", { channel: "pos" });
    const event = toSnapEvent(pos, testConfig({ ...SNAP, SNAPCHAT_EVENT_ID: "order-{order_number}" }));
    expect(event.event_id).toBe("order-#777");
    expect(event.action_source).toBe("OFFLINE");
  });
});

describe("classifySnapResponse", () => {
  const response = (status: number, body: unknown, retryAfter: string | null = null): HttpAnswer => ({
    kind: "response",
    status,
    retryAfter,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  it.each<[string, HttpAnswer, DeliveryOutcome]>([
    ["200 VALID", response(200, { status: "VALID", reason: "ok" }), { status: "sent", httpStatus: 200 }],
    [
      "200 INVALID",
      response(200, { status: "INVALID", reason: "Unhashed PII" }),
      { status: "failed", httpStatus: 200, reason: "Snap HTTP 200: INVALID: Unhashed PII" },
    ],
    [
      "400 INVALID",
      response(400, { status: "INVALID", reason: "Timestamp invalid or out of range" }),
      {
        status: "failed",
        httpStatus: 400,
        reason: "Snap HTTP 400: INVALID: Timestamp invalid or out of range",
      },
    ],
    [
      "401",
      response(401, "Unauthorized"),
      {
        status: "failed",
        httpStatus: 401,
        reason:
          "access token invalid or expired: the owner must replace SNAPCHAT_ACCESS_TOKEN (Snap HTTP 401)",
      },
    ],
    [
      "429 with Retry-After",
      response(429, "", "30"),
      { status: "retry", httpStatus: 429, reason: "Snap HTTP 429", retryAfterSeconds: 30 },
    ],
    [
      "503",
      response(503, ""),
      { status: "retry", httpStatus: 503, reason: "Snap HTTP 503", retryAfterSeconds: undefined },
    ],
    ["timeout", { kind: "timeout" }, { status: "retry", reason: "timeout" }],
  ])("%s", (_name, answer, outcome) => {
    expect(classifySnapResponse(answer, NOW)).toEqual(outcome);
  });
});

describe("snapchat.deliver", () => {
  it("sends N events in one request with the token in the query string and nothing in the headers", async () => {
    const spy = mockFetch(() => Response.json({ status: "VALID" }));
    const events = Array.from({ length: 100 }, (_, i) => purchaseOf(String(900 + i)));
    const outcomes = await snapchat.deliver(events, testConfig(SNAP), NOW);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(String(spy.mock.calls[0][0])).toBe(
      "https://snapchat.test/v3/snap-pixel-1/events?access_token=snap-test-access-token",
    );
    expect(new Headers(spy.mock.calls[0][1]?.headers).get("authorization")).toBeNull();
    expect([...outcomes.values()].every((o) => o.status === "sent")).toBe(true);
  });

  it("sends to the Test Event Tool with SNAPCHAT_TEST", async () => {
    const spy = mockFetch(() => Response.json({ status: "VALID", test_event: true }));
    await snapchat.deliver([purchase], testConfig({ ...SNAP, SNAPCHAT_TEST: "true" }), NOW);
    expect(String(spy.mock.calls[0][0])).toMatch(
      /^https:\/\/snapchat\.test\/v3\/snap-pixel-1\/events\/validate\?/,
    );
    expect(snapchat.testModeNotice(testConfig({ ...SNAP, SNAPCHAT_TEST: "1" }))).toMatch(/SNAPCHAT_TEST/);
  });

  it("isolates the event a 400 refuses and sends the others", async () => {
    const bad = purchaseOf("666");
    mockFetch((body) =>
      body.data.some((e) => e.event_id === "666")
        ? Response.json({ status: "INVALID", reason: "Insufficient PII" }, { status: 400 })
        : Response.json({ status: "VALID" }),
    );
    const good = [purchaseOf("601"), purchaseOf("602"), purchaseOf("603")];
    const outcomes = await snapchat.deliver([...good, bad], testConfig(SNAP), NOW);
    expect(outcomes.get(bad.id)).toMatchObject({ status: "failed", httpStatus: 400 });
    for (const event of good) expect(outcomes.get(event.id)).toEqual({ status: "sent", httpStatus: 200 });
  });

  it("fails every event on a refused token and logs an error each time", async () => {
    mockFetch(() => new Response("Unauthorized", { status: 401 }));
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    for (const attempt of [1, 2]) {
      const outcomes = await snapchat.deliver([purchaseOf(`70${attempt}`)], testConfig(SNAP), NOW);
      expect([...outcomes.values()][0]).toMatchObject({ status: "failed", httpStatus: 401 });
    }
    const lines = errors.mock.calls.map(([line]) => JSON.parse(String(line)));
    expect(lines.filter((l) => /SNAPCHAT_ACCESS_TOKEN/.test(l.msg))).toHaveLength(2);
    expect(JSON.stringify(lines)).not.toContain("snap-test-access-token");
  });

  it("skips refunds, expires events past 37 days, and skips denied consent", async () => {
    const spy = mockFetch(() => Response.json({ status: "VALID" }));
    const old = purchaseOf("801", { occurredAt: "2026-03-14T11:00:00Z" });
    const fresh = purchaseOf("802", { occurredAt: "2026-03-15T13:00:00Z" });
    const denied = purchaseOf("803", { consent: { marketing: "denied" } });
    const outcomes = await snapchat.deliver([fullRefund, old, fresh, denied], testConfig(SNAP), NOW);
    expect(outcomes.get(fullRefund.id)).toEqual({
      status: "skipped",
      reason: "Snapchat has no refund event",
    });
    expect(outcomes.get(old.id)).toEqual({
      status: "expired",
      reason: "event time is more than 37 days old",
    });
    expect(outcomes.get(fresh.id)).toEqual({ status: "sent", httpStatus: 200 });
    expect(outcomes.get(denied.id)).toEqual({
      status: "skipped",
      reason: "consent denied (SNAPCHAT_CONSENT_POLICY_DENIED=skip)",
    });
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it("is disabled and names what is missing until both settings are set", () => {
    expect(snapchat.enabled(testConfig())).toBe(false);
    expect(snapchat.health(testConfig({ SNAPCHAT_PIXEL_ID: "p" }))).toEqual({
      missing: ["SNAPCHAT_ACCESS_TOKEN"],
    });
    expect(snapchat.health(testConfig(SNAP))).toEqual({ testEvents: false });
  });
});
