import { afterEach, describe, expect, it, vi } from "vitest";
import { classifyGa4Response, ga4, ga4ClientId, toGa4Payload } from "../../src/destinations/ga4";
import type { HttpAnswer } from "../../src/destinations/http";
import { CommerceEvent } from "../../src/model/commerce-event";
import { fullRefund, HASH, NOW, partialRefund, purchase, purchaseOf, testConfig } from "../fixtures/events";

afterEach(() => {
  vi.restoreAllMocks();
});

function mockFetch(answer: () => Response | Promise<Response>) {
  return vi.spyOn(globalThis, "fetch").mockImplementation(async () => answer());
}

function sentBody(spy: ReturnType<typeof mockFetch>, call = 0) {
  return JSON.parse(String(spy.mock.calls[call][1]?.body));
}

/** The Measurement Protocol body for `purchase` at NOW, written out by hand. */
const PURCHASE_BODY = {
  client_id: "1234567890.1700000000",
  timestamp_micros: 1776680130000000,
  user_data: {
    sha256_email_address: [HASH.ga4Email],
    sha256_phone_number: [HASH.ga4Phone],
    address: [
      {
        sha256_first_name: HASH.fn,
        sha256_last_name: HASH.ln,
        sha256_street: HASH.ga4Street,
        country: "DE",
      },
    ],
  },
  consent: { ad_user_data: "GRANTED", ad_personalization: "DENIED" },
  ip_override: "203.0.113.7",
  user_agent: "Mozilla/5.0 (X11; Linux x86_64) Test",
  events: [
    {
      name: "purchase",
      params: {
        transaction_id: "5551234567890123456",
        value: 82.82,
        currency: "EUR",
        tax: 13.02,
        shipping: 4.9,
        coupon: "SPRING5",
        items: [
          {
            item_id: "TEE-BLK-M",
            item_name: "Black Tee",
            item_variant: "M",
            item_brand: "Acme",
            price: 22.5,
            discount: 2.5,
            quantity: 2,
          },
          { item_id: "40002", item_name: "Canvas Tote", price: 19.9, quantity: 1 },
        ],
        session_id: "1700000123",
        engagement_time_msec: 1,
      },
    },
  ],
};

describe("toGa4Payload", () => {
  it("builds the exact purchase body", async () => {
    const { body, note } = await toGa4Payload(purchase, testConfig(), NOW);
    expect(note).toBeUndefined();
    expect(body).toEqual(PURCHASE_BODY);
  });

  it("derives the same GA-style client id for every retry when the order has none", async () => {
    // "<10 digits>.<10 digits>" from SHA-256("shopify:demo.myshopify.com:<order id>"), computed
    // with node:crypto: 1e9 + (first 12 hex digits mod 9e9), then the same for the next 12. A new
    // derivation would report every conversion still being retried as a new GA4 user.
    const anonymous = CommerceEvent.parse({ ...purchase, attribution: {} });
    const derived = { clientId: "8410392523.4270481794", captured: false };
    expect(await ga4ClientId(anonymous)).toEqual(derived);
    expect(await ga4ClientId(CommerceEvent.parse({ ...fullRefund, attribution: {} }))).toEqual(derived);
    expect(await ga4ClientId(purchaseOf("42", { attribution: {} }))).toEqual({
      clientId: "5097187613.4306113030",
      captured: false,
    });
    const { body } = await toGa4Payload(anonymous, testConfig(), NOW);
    expect(body.client_id).toBe("8410392523.4270481794");
    expect(body.events[0].params).not.toHaveProperty("session_id");
  });

  it("omits timestamp_micros past GA4's 72 h backdating window", async () => {
    const old = CommerceEvent.parse({ ...purchase, occurredAt: "2026-04-17T11:00:00Z" });
    expect((await toGa4Payload(old, testConfig(), NOW)).body).not.toHaveProperty("timestamp_micros");
    const recent = CommerceEvent.parse({ ...purchase, occurredAt: "2026-04-17T13:00:00Z" });
    expect((await toGa4Payload(recent, testConfig(), NOW)).body.timestamp_micros).toBe(1776430800000000);
  });

  it("sends a full refund without items and a partial refund with its items", async () => {
    const full = (await toGa4Payload(fullRefund, testConfig(), NOW)).body.events[0];
    expect(full).toEqual({
      name: "refund",
      params: {
        transaction_id: "5551234567890123456",
        value: 82.82,
        currency: "EUR",
        tax: 13.02,
        shipping: 4.9,
      },
    });
    const partial = (await toGa4Payload(partialRefund, testConfig(), NOW)).body.events[0];
    expect(partial.params).toEqual({
      transaction_id: "5551234567890123456",
      value: 19.9,
      currency: "EUR",
      items: [{ item_id: "40002", item_name: "Canvas Tote", price: 19.9, quantity: 1 }],
    });
  });

  it("truncates string values to 100 characters and caps items at 200", async () => {
    const items = Array.from({ length: 250 }, (_, i) => ({
      id: `p${i}`,
      name: "x".repeat(150),
      price: "1.00",
      quantity: 1,
    }));
    const big = CommerceEvent.parse({
      ...purchase,
      order: { ...purchase.order, coupon: "C".repeat(120), items },
    });
    const { body, note } = await toGa4Payload(big, testConfig(), NOW);
    const params = body.events[0].params as { coupon: string; items: Array<{ item_name: string }> };
    expect(params.coupon).toHaveLength(100);
    expect(params.items).toHaveLength(200);
    expect(params.items[0].item_name).toHaveLength(100);
    expect(note).toBe("sent 200 of 250 items (GA4 takes 200)");
  });

  it("drops items beyond what fits in 130 kB and says so", async () => {
    const wide = "漢".repeat(100);
    const items = Array.from({ length: 200 }, (_, i) => ({
      id: `${wide.slice(0, 90)}${i}`,
      name: wide,
      variant: wide,
      brand: wide,
      price: "1.00",
      quantity: 1,
    }));
    const big = CommerceEvent.parse({ ...purchase, order: { ...purchase.order, items } });
    const { body, note } = await toGa4Payload(big, testConfig(), NOW);
    const kept = (body.events[0].params.items as unknown[]).length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(200);
    expect(new TextEncoder().encode(JSON.stringify(body)).length).toBeLessThanOrEqual(130_000);
    expect(note).toBe(`sent ${kept} of 200 items (130 kB body limit)`);
  });
});

describe("toGa4Payload: user, device, place and time", () => {
  const customer = CommerceEvent.parse({
    ...purchase,
    client: { ...purchase.client, customerId: "7010791669" },
  });

  it("sends user_id only when GA4_USER_ID names the customer id", async () => {
    const on = (await toGa4Payload(customer, testConfig({ GA4_USER_ID: "customer_id" }), NOW)).body;
    expect(on).toEqual({ ...PURCHASE_BODY, user_id: "7010791669" });
    const off = (await toGa4Payload(customer, testConfig(), NOW)).body;
    expect(off).toEqual(PURCHASE_BODY);
  });

  it("sends no IP, user agent or user id for a customer who refused analytics", async () => {
    const refused = CommerceEvent.parse({ ...customer, consent: { analytics: "denied" } });
    const { body } = await toGa4Payload(refused, testConfig({ GA4_USER_ID: "customer_id" }), NOW);
    const { ip_override, user_agent, ...rest } = PURCHASE_BODY;
    expect(body).toEqual({ ...rest, consent: { ad_user_data: "DENIED", ad_personalization: "DENIED" } });
  });

  it("takes a captured client id only in GA4's format, else the order's own and no session", async () => {
    const cookie = CommerceEvent.parse({
      ...purchase,
      attribution: { ...purchase.attribution, gaClientId: "GA1.1.1234567890.1700000000" },
    });
    const { body } = await toGa4Payload(cookie, testConfig(), NOW);
    expect(body.client_id).toBe("8410392523.4270481794");
    const { session_id, engagement_time_msec, ...params } = PURCHASE_BODY.events[0].params;
    expect(body.events).toEqual([{ name: "purchase", params }]);
  });

  it("asks the validation server for its strict checks when GA4_VALIDATE is on", async () => {
    const { body } = await toGa4Payload(purchase, testConfig({ GA4_VALIDATE: "true" }), NOW);
    expect(body).toEqual({ ...PURCHASE_BODY, validation_behavior: "ENFORCE_RECOMMENDATIONS" });
  });

  it("keeps the true time of an event past the 72 h window in occurred_at", async () => {
    const old = CommerceEvent.parse({ ...purchase, occurredAt: "2026-04-17T06:00:00-05:00" });
    const { body } = await toGa4Payload(old, testConfig(), NOW);
    const { timestamp_micros, ...rest } = PURCHASE_BODY;
    const [event] = PURCHASE_BODY.events;
    expect(body).toEqual({
      ...rest,
      events: [{ ...event, params: { ...event.params, occurred_at: "2026-04-17T11:00:00Z" } }],
    });
  });
});

describe("classifyGa4Response", () => {
  const response = (status: number, retryAfter: string | null = null, body = ""): HttpAnswer => ({
    kind: "response",
    status,
    retryAfter,
    body,
  });
  const inNinetySeconds = new Date(NOW.getTime() + 90_000).toUTCString();

  it.each<[string, HttpAnswer, boolean, object]>([
    ["204", response(204), false, { status: "sent", httpStatus: 204 }],
    ["200", response(200), false, { status: "sent", httpStatus: 200 }],
    ["400", response(400), false, { status: "failed", httpStatus: 400, reason: "HTTP 400" }],
    ["403", response(403), false, { status: "failed", httpStatus: 403, reason: "HTTP 403" }],
    ["404", response(404), false, { status: "failed", httpStatus: 404, reason: "HTTP 404" }],
    ["500", response(500), false, { status: "retry", httpStatus: 500, reason: "HTTP 500" }],
    ["502", response(502), false, { status: "retry", httpStatus: 502, reason: "HTTP 502" }],
    [
      "429 with Retry-After seconds",
      response(429, "120"),
      false,
      { status: "retry", httpStatus: 429, reason: "HTTP 429", retryAfterSeconds: 120 },
    ],
    [
      "503 with Retry-After HTTP-date",
      response(503, inNinetySeconds),
      false,
      { status: "retry", httpStatus: 503, reason: "HTTP 503", retryAfterSeconds: 90 },
    ],
    ["timeout", { kind: "timeout" }, false, { status: "retry", reason: "timeout" }],
    [
      "network error",
      { kind: "network", message: "Network connection lost." },
      false,
      { status: "retry", reason: "network error: Network connection lost." },
    ],
    [
      "validated, no messages",
      response(200, null, '{"validationMessages":[]}'),
      true,
      { status: "sent", httpStatus: 200, reason: "validated" },
    ],
    [
      "validated, with messages",
      response(
        200,
        null,
        '{"validationMessages":[{"fieldPath":"events[0].params.items","description":"Item requires item_id or item_name.","validationCode":"VALUE_REQUIRED"}]}',
      ),
      true,
      {
        status: "failed",
        httpStatus: 200,
        reason: "GA4 validation: events[0].params.items: Item requires item_id or item_name.",
      },
    ],
  ])("%s", (_, answer, validate, expected) => {
    expect(classifyGa4Response(answer, NOW, validate)).toEqual(expected);
  });
});

describe("ga4.deliver", () => {
  it("sends one request per event, with the secret only in the URL", async () => {
    const spy = mockFetch(() => new Response(null, { status: 204 }));
    const events = [purchase, purchaseOf("2"), purchaseOf("3")];
    const outcomes = await ga4.deliver(events, testConfig(), NOW);
    expect(spy).toHaveBeenCalledTimes(3);
    for (const event of events) expect(outcomes.get(event.id)).toEqual({ status: "sent", httpStatus: 204 });
    const url = new URL(String(spy.mock.calls[0][0]));
    expect(url.origin + url.pathname).toBe("https://ga4.test/mp/collect");
    expect(url.searchParams.get("measurement_id")).toBe("G-TEST123");
    expect(url.searchParams.get("api_secret")).toBe("ga4-test-api-secret");
    expect(spy.mock.calls[0][1]?.method).toBe("POST");
    expect(spy.mock.calls[0][1]?.signal).toBeInstanceOf(AbortSignal);
    const ids = spy.mock.calls.map((_, i) => sentBody(spy, i).events[0].params.transaction_id);
    expect(ids.sort()).toEqual(["2", "3", "5551234567890123456"]);
    expect(sentBody(spy)).toEqual(PURCHASE_BODY);
  });

  it("validates through /debug/mp/collect when GA4_VALIDATE is on", async () => {
    const spy = mockFetch(() => Response.json({ validationMessages: [] }));
    const outcomes = await ga4.deliver([purchase], testConfig({ GA4_VALIDATE: "true" }), NOW);
    expect(new URL(String(spy.mock.calls[0][0])).pathname).toBe("/debug/mp/collect");
    expect(outcomes.get(purchase.id)).toEqual({ status: "sent", httpStatus: 200, reason: "validated" });
  });

  it("turns a timeout into a retry and never puts the URL in the reason", async () => {
    vi.spyOn(globalThis, "fetch").mockRejectedValue(
      new DOMException("The operation timed out.", "TimeoutError"),
    );
    const outcomes = await ga4.deliver([purchase], testConfig(), NOW);
    expect(outcomes.get(purchase.id)).toEqual({ status: "retry", reason: "timeout" });
  });

  it("scrubs URLs from network errors", async () => {
    vi.spyOn(globalThis, "fetch").mockRejectedValue(
      new TypeError("fetch failed: https://ga4.test/mp/collect?api_secret=ga4-test-api-secret"),
    );
    const outcome = (await ga4.deliver([purchase], testConfig(), NOW)).get(purchase.id);
    expect(outcome).toEqual({ status: "retry", reason: "network error: fetch failed: <url>" });
  });
});
