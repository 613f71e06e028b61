import { afterEach, describe, expect, it, vi } from "vitest";
import type { HttpAnswer } from "../../src/destinations/http";
import { classifyRedditResponse, reddit, toRedditEvent } from "../../src/destinations/reddit";
import type { DeliveryOutcome } from "../../src/model/statuses";
import { fullRefund, HASH, NOW, purchase, purchaseOf, testConfig } from "../fixtures/events";

const REDDIT = {
  REDDIT_PIXEL_ID: "a2_pixel1",
  REDDIT_ACCESS_TOKEN: "reddit-test-access-token",
  REDDIT_ENDPOINT: "https://reddit.test",
};
const REDDIT_EMAIL = "9".repeat(64);

const clicked = purchaseOf("5551234567890123456", {
  identity: { ...purchase.identity, reddit: { email: REDDIT_EMAIL } },
  attribution: { ...purchase.attribution, rdtCid: "rdt-click-1", rdtUuid: "1700000000000.uuid-1" },
});

type Body = { data: { test_id?: string; events: Array<{ metadata: { conversion_id: string } }> } };

function mockFetch(answer: (body: Body) => Response) {
  return vi
    .spyOn(globalThis, "fetch")
    .mockImplementation(async (_url, init) => answer(JSON.parse(String(init?.body)) as Body));
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("toRedditEvent", () => {
  it("builds the exact PURCHASE event", () => {
    expect(toRedditEvent(clicked, testConfig(REDDIT), false)).toEqual({
      event_at: 1776680130000,
      action_source: "WEBSITE",
      event_source_url: "https://shop.example/products/black-tee?utm_source=meta",
      click_id: "rdt-click-1",
      type: { tracking_type: "PURCHASE" },
      user: {
        email: REDDIT_EMAIL,
        phone_number: HASH.ga4Phone,
        ip_address: "203.0.113.7",
        user_agent: "Mozilla/5.0 (X11; Linux x86_64) Test",
        uuid: "1700000000000.uuid-1",
      },
      metadata: {
        conversion_id: "5551234567890123456",
        currency: "EUR",
        value: 82.82,
        item_count: 3,
        products: [
          { id: "TEE-BLK-M", name: "Black Tee" },
          { id: "40002", name: "Canvas Tote" },
        ],
      },
    });
  });

  it("marks Limited Data Use and maps a till to PHYSICAL_STORE", () => {
    const event = toRedditEvent(purchaseOf("9", { channel: "pos" }), testConfig(REDDIT), true);
    expect(event.user.data_processing_options).toEqual({ modes: ["LDU"] });
    expect(event.action_source).toBe("PHYSICAL_STORE");
    expect(event.event_source_url).toBeUndefined();
  });
});

describe("classifyRedditResponse", () => {
  const response = (status: number, body: string, retryAfter: string | null = null): HttpAnswer => ({
    kind: "response",
    status,
    retryAfter,
    body,
  });
  it.each<[string, HttpAnswer, DeliveryOutcome]>([
    ["200", response(200, "{}"), { status: "sent", httpStatus: 200 }],
    [
      "400 invalid events",
      response(
        400,
        JSON.stringify({ message: "There were 1 invalid conversion events. None were processed." }),
      ),
      {
        status: "failed",
        httpStatus: 400,
        reason: "Reddit HTTP 400: There were 1 invalid conversion events. None were processed.",
      },
    ],
    [
      "401",
      response(401, "unauthorized"),
      {
        status: "failed",
        httpStatus: 401,
        reason:
          "access token invalid or expired: the owner must replace REDDIT_ACCESS_TOKEN (Reddit HTTP 401: unauthorized)",
      },
    ],
    [
      "429",
      response(429, "", "12"),
      { status: "retry", httpStatus: 429, reason: "Reddit HTTP 429", retryAfterSeconds: 12 },
    ],
    [
      "502",
      response(502, ""),
      { status: "retry", httpStatus: 502, reason: "Reddit HTTP 502", retryAfterSeconds: undefined },
    ],
    ["network", { kind: "network", message: "reset" }, { status: "retry", reason: "network error: reset" }],
  ])("%s", (_name, answer, outcome) => {
    expect(classifyRedditResponse(answer, NOW)).toEqual(outcome);
  });
});

describe("reddit.deliver", () => {
  it("sends N events in one request, Bearer token in the header, events under data.events", async () => {
    const spy = mockFetch(() => Response.json({}));
    const events = Array.from({ length: 100 }, (_, i) => purchaseOf(String(900 + i)));
    const outcomes = await reddit.deliver(events, testConfig(REDDIT), NOW);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(String(spy.mock.calls[0][0])).toBe(
      "https://reddit.test/api/v3/pixels/a2_pixel1/conversion_events",
    );
    expect(new Headers(spy.mock.calls[0][1]?.headers).get("authorization")).toBe(
      "Bearer reddit-test-access-token",
    );
    const body = JSON.parse(String(spy.mock.calls[0][1]?.body)) as Body;
    expect(body.data.events).toHaveLength(100);
    expect(body.data.test_id).toBeUndefined();
    expect([...outcomes.values()].every((o) => o.status === "sent")).toBe(true);
  });

  it("carries REDDIT_TEST_ID as data.test_id and sends a debug test order only with it", async () => {
    const spy = mockFetch(() => Response.json({}));
    const testOrder = purchaseOf("321", { test: true });
    const without = await reddit.deliver([testOrder], testConfig({ ...REDDIT, TEST_ORDERS: "debug" }), NOW);
    expect(without.get(testOrder.id)).toEqual({
      status: "skipped",
      reason: "test order: TEST_ORDERS is debug but REDDIT_TEST_ID is not set",
    });
    await reddit.deliver(
      [testOrder],
      testConfig({ ...REDDIT, TEST_ORDERS: "debug", REDDIT_TEST_ID: "t2_test" }),
      NOW,
    );
    expect((JSON.parse(String(spy.mock.calls[0][1]?.body)) as Body).data.test_id).toBe("t2_test");
  });

  it("isolates the event a 400 refuses", async () => {
    mockFetch((body) =>
      body.data.events.some((e) => e.metadata.conversion_id === "666")
        ? Response.json({ message: "invalid" }, { status: 400 })
        : Response.json({}),
    );
    const outcomes = await reddit.deliver([purchaseOf("601"), purchaseOf("666")], testConfig(REDDIT), NOW);
    expect(outcomes.get(purchaseOf("666").id)).toMatchObject({ status: "failed", httpStatus: 400 });
    expect(outcomes.get(purchaseOf("601").id)).toEqual({ status: "sent", httpStatus: 200 });
  });

  it("logs a refused token every time", async () => {
    mockFetch(() => new Response("no", { status: 401 }));
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    await reddit.deliver([purchaseOf("1")], testConfig(REDDIT), NOW);
    await reddit.deliver([purchaseOf("2")], testConfig(REDDIT), NOW);
    expect(errors.mock.calls.filter(([line]) => String(line).includes("REDDIT_ACCESS_TOKEN"))).toHaveLength(
      2,
    );
  });

  it("skips refunds, expires events past 7 days, and sends denied consent as LDU when told to", async () => {
    const spy = mockFetch(() => Response.json({}));
    const old = purchaseOf("801", { occurredAt: "2026-04-13T11:00:00Z" });
    const denied = purchaseOf("803", { consent: { marketing: "denied" } });
    const config = testConfig({ ...REDDIT, REDDIT_CONSENT_POLICY_DENIED: "ldu" });
    const outcomes = await reddit.deliver([fullRefund, old, denied], config, NOW);
    expect(outcomes.get(fullRefund.id)).toEqual({ status: "skipped", reason: "Reddit has no refund event" });
    expect(outcomes.get(old.id)).toEqual({ status: "expired", reason: "event time is more than 7 days old" });
    const body = JSON.parse(String(spy.mock.calls[0][1]?.body)) as {
      data: { events: Array<{ user: Record<string, unknown> }> };
    };
    expect(body.data.events[0].user.data_processing_options).toEqual({ modes: ["LDU"] });
  });

  it("is disabled and names what is missing until both settings are set", () => {
    expect(reddit.health(testConfig())).toEqual({ missing: ["REDDIT_PIXEL_ID", "REDDIT_ACCESS_TOKEN"] });
  });
});
