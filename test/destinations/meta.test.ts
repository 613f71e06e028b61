import { afterEach, describe, expect, it, vi } from "vitest";
import type { HttpAnswer } from "../../src/destinations/http";
import {
  classifyMetaResponse,
  meta,
  metaActionSource,
  toMetaEvent,
  validateMetaEvent,
} from "../../src/destinations/meta";
import { CommerceEvent } from "../../src/model/commerce-event";
import { fullRefund, HASH, NOW, purchase, purchaseOf, testConfig } from "../fixtures/events";

afterEach(() => {
  vi.restoreAllMocks();
});

type Body = {
  data: Array<{ event_id: string; event_name: string }>;
  access_token: string;
  test_event_code?: string;
};

function mockFetch(answer: (body: Body) => Response) {
  return vi
    .spyOn(globalThis, "fetch")
    .mockImplementation(async (_url, init) => answer(JSON.parse(String(init?.body)) as Body));
}

const ok = (body: Body) =>
  Response.json({ events_received: body.data.length, messages: [], fbtrace_id: "AbC" });

const graphError = (status: number, error: Record<string, unknown>, headers?: HeadersInit) =>
  Response.json(
    { error: { message: "Error", type: "OAuthException", fbtrace_id: "Trace1", ...error } },
    { status, headers },
  );

describe("toMetaEvent", () => {
  it("builds the exact request body for a purchase", async () => {
    const spy = mockFetch(ok);
    const config = testConfig({ META_TEST_EVENT_CODE: "TEST123", META_API_VERSION: "v26.0" });
    const outcomes = await meta.deliver([purchase], config, NOW);
    expect(outcomes.get(purchase.id)).toEqual({ status: "sent", httpStatus: 200 });
    expect(String(spy.mock.calls[0][0])).toBe("https://meta.test/v26.0/1234567890/events");
    expect(JSON.parse(String(spy.mock.calls[0][1]?.body))).toEqual({
      data: [
        {
          event_name: "Purchase",
          event_time: 1776680130,
          event_id: "5551234567890123456",
          action_source: "website",
          event_source_url: "https://shop.example/products/black-tee?utm_source=meta",
          user_data: {
            em: [HASH.em],
            ph: [HASH.ph],
            fn: [HASH.fn],
            ln: [HASH.ln],
            ct: [HASH.ct],
            st: [HASH.st],
            zp: [HASH.zp],
            country: [HASH.country],
            external_id: [HASH.externalId],
            client_ip_address: "203.0.113.7",
            client_user_agent: "Mozilla/5.0 (X11; Linux x86_64) Test",
            fbp: "fb.1.1700000000000.123456789",
            fbc: "fb.1.1700000000000.IwAR0test",
          },
          custom_data: {
            value: 82.82,
            currency: "EUR",
            content_ids: ["TEE-BLK-M", "40002"],
            contents: [
              { id: "TEE-BLK-M", quantity: 2, item_price: 22.5 },
              { id: "40002", quantity: 1, item_price: 19.9 },
            ],
            content_type: "product",
            order_id: "5551234567890123456",
            num_items: 3,
          },
        },
      ],
      test_event_code: "TEST123",
      access_token: "meta-test-access-token",
    });
  });

  it("fills the META_EVENT_ID template and maps point of sale to physical_store", () => {
    const config = testConfig({ META_EVENT_ID: "{kind}-{order_number}-{order_id}" });
    const pos = CommerceEvent.parse({ ...purchase, channel: "pos" });
    const event = toMetaEvent(pos, config);
    expect(event.event_id).toBe("purchase-#1042-5551234567890123456");
    expect(event.action_source).toBe("physical_store");
  });

  it("builds a custom Refund event keyed by the refund id", () => {
    expect(toMetaEvent(fullRefund, testConfig({ META_REFUNDS: "custom" }))).toMatchObject({
      event_name: "Refund",
      event_time: Date.parse("2026-04-20T11:30:00Z") / 1000,
      event_id: "refund:880011",
      custom_data: { value: 82.82, currency: "EUR", order_id: "5551234567890123456" },
    });
  });
});

describe("validateMetaEvent", () => {
  const base = toMetaEvent(purchase, testConfig());
  const only = (user_data: object) => ({ ...base, action_source: "other" as const, user_data });
  const tooLittle = (given: string) => ({
    ok: false,
    reason: `user_data has ${given}: too little for Meta to match`,
  });
  it.each([
    ["a complete event", base, { ok: true }],
    ["no user data", only({}), tooLittle("no customer information")],
    // Meta's baseline: invalid when only one of these combinations, or a subset of one, is given.
    [
      "place and user agent only",
      only({ ct: ["c"], country: ["u"], st: ["s"], zp: ["z"], client_user_agent: "UA" }),
      tooLittle("only ct, country, st, zp, client_user_agent"),
    ],
    ["a city only", only({ ct: ["c"] }), tooLittle("only ct")],
    ["a first name only", only({ fn: ["f"] }), tooLittle("only fn")],
    ["a last name only", only({ ln: ["l"] }), tooLittle("only ln")],
    // Anything beyond those is Meta's to match: no stricter rule of ours.
    ["an IP address only", only({ client_ip_address: "1.2.3.4" }), { ok: true }],
    ["first and last name", only({ fn: ["f"], ln: ["l"] }), { ok: true }],
    ["a first name and a city", only({ fn: ["f"], ct: ["c"] }), { ok: true }],
    ["fbp only", only({ fbp: "fb.1.1.1" }), { ok: true }],
    ["an e-mail only", only({ em: ["e"] }), { ok: true }],
    [
      "a website event without user agent",
      { ...base, user_data: { em: ["e"] } },
      { ok: false, reason: "a website event needs client_user_agent and event_source_url" },
    ],
    [
      "a website event without page",
      { ...base, event_source_url: undefined },
      { ok: false, reason: "a website event needs client_user_agent and event_source_url" },
    ],
    [
      "a value that is not a number",
      { ...base, custom_data: { ...base.custom_data, value: Number.NaN } },
      { ok: false, reason: "value is not a number" },
    ],
    [
      "a lowercase currency",
      { ...base, custom_data: { ...base.custom_data, currency: "eur" } },
      { ok: false, reason: "currency is not ISO 4217" },
    ],
    [
      "an unparseable time",
      { ...base, event_time: Number.NaN },
      { ok: false, reason: "event_time is not a valid time" },
    ],
  ])("%s", (_, event, expected) => {
    expect(validateMetaEvent(event)).toEqual(expected);
  });
});

describe("metaActionSource", () => {
  const web = { ...purchase, shopUrl: "https://demo.example/" };
  it.each<[string, Partial<CommerceEvent>, string]>([
    ["a web order with the browser's user agent", {}, "website"],
    ["a web order without a landing page (the shop's site stands in)", { attribution: {} }, "website"],
    ["a web order without user agent", { client: { ip: "203.0.113.7" } }, "other"],
    ["a web order with no page at all", { attribution: {}, shopUrl: undefined }, "other"],
    ["a point-of-sale order", { channel: "pos" }, "physical_store"],
    ["a subscription renewal", { channel: "recurring" }, "system_generated"],
    ["an order staff entered", { channel: "draft" }, "other"],
    ["an order from elsewhere", { channel: "other" }, "other"],
    [
      "a refund of a web order",
      { kind: "refund", refund: { id: "1", value: "1", items: [], full: false } },
      "other",
    ],
  ])("%s → %s", (_, changes, expected) => {
    expect(metaActionSource(CommerceEvent.parse({ ...web, ...changes }))).toBe(expected);
  });
});

describe("classifyMetaResponse", () => {
  const graph = (
    status: number,
    code: number,
    extra: Record<string, unknown> = {},
    retryAfter: string | null = null,
  ) =>
    ({
      kind: "response",
      status,
      retryAfter,
      body: JSON.stringify({
        error: { message: "Msg", type: "OAuthException", code, fbtrace_id: "T", ...extra },
      }),
    }) satisfies HttpAnswer;

  it.each([1, 2, 4, 17, 32, 341, 613, 80000, 80004, 80099])("code %i → retry", (code) => {
    expect(classifyMetaResponse(graph(400, code), NOW)).toEqual({
      status: "retry",
      httpStatus: 400,
      reason: `Meta error ${code}: Msg (fbtrace_id T)`,
    });
  });

  it.each([100, 10, 200, 250, 299])("code %i → failed", (code) => {
    expect(classifyMetaResponse(graph(400, code), NOW)).toEqual({
      status: "failed",
      httpStatus: 400,
      reason: `Meta error ${code}: Msg (fbtrace_id T)`,
    });
  });

  it("fails an event too old (code 100 with its subcode) for good", () => {
    const answer = graph(400, 100, {
      error_subcode: 2804003,
      error_user_msg: "event_time is too far in the past",
    });
    expect(classifyMetaResponse(answer, NOW)).toEqual({
      status: "failed",
      httpStatus: 400,
      reason: "Meta error 100/2804003: Msg: event_time is too far in the past (fbtrace_id T)",
    });
  });

  it("fails a rejected token and says who must act", () => {
    expect(classifyMetaResponse(graph(401, 190, { error_subcode: 463 }), NOW)).toEqual({
      status: "failed",
      httpStatus: 401,
      reason:
        "access token invalid or expired: the owner must replace META_ACCESS_TOKEN (Meta error 190/463: Msg (fbtrace_id T))",
    });
  });

  it.each<[string, HttpAnswer, object]>([
    [
      "200",
      { kind: "response", status: 200, retryAfter: null, body: '{"events_received":1}' },
      { status: "sent", httpStatus: 200 },
    ],
    [
      "400 without a Graph error",
      { kind: "response", status: 400, retryAfter: null, body: "bad" },
      { status: "failed", httpStatus: 400, reason: "HTTP 400" },
    ],
    [
      "403 without a Graph error",
      { kind: "response", status: 403, retryAfter: null, body: "" },
      { status: "failed", httpStatus: 403, reason: "HTTP 403" },
    ],
    [
      "500",
      { kind: "response", status: 500, retryAfter: null, body: "" },
      { status: "retry", httpStatus: 500, reason: "HTTP 500" },
    ],
    [
      "503 with Retry-After seconds",
      { kind: "response", status: 503, retryAfter: "30", body: "" },
      { status: "retry", httpStatus: 503, reason: "HTTP 503", retryAfterSeconds: 30 },
    ],
    [
      "429 with Retry-After HTTP-date",
      { kind: "response", status: 429, retryAfter: new Date(NOW.getTime() + 60_000).toUTCString(), body: "" },
      { status: "retry", httpStatus: 429, reason: "HTTP 429", retryAfterSeconds: 60 },
    ],
    [
      "code 17 with Retry-After",
      graph(400, 17, {}, "300"),
      {
        status: "retry",
        httpStatus: 400,
        reason: "Meta error 17: Msg (fbtrace_id T)",
        retryAfterSeconds: 300,
      },
    ],
    [
      "unknown code marked transient",
      graph(400, 9999, { is_transient: true }),
      { status: "retry", httpStatus: 400, reason: "Meta error 9999: Msg (fbtrace_id T)" },
    ],
    [
      "5xx with a Graph error",
      graph(500, 9999),
      { status: "retry", httpStatus: 500, reason: "Meta error 9999: Msg (fbtrace_id T)" },
    ],
    ["timeout", { kind: "timeout" }, { status: "retry", reason: "timeout" }],
    [
      "network error",
      { kind: "network", message: "connection reset" },
      { status: "retry", reason: "network error: connection reset" },
    ],
  ])("%s", (_, answer, expected) => {
    expect(classifyMetaResponse(answer, NOW)).toEqual(expected);
  });
});

describe("meta.deliver", () => {
  it("sends N events in one request", async () => {
    const spy = mockFetch(ok);
    const events = [purchase, purchaseOf("2"), purchaseOf("3")];
    const outcomes = await meta.deliver(events, testConfig(), NOW);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(JSON.parse(String(spy.mock.calls[0][1]?.body)).data).toHaveLength(3);
    for (const event of events) expect(outcomes.get(event.id)).toEqual({ status: "sent", httpStatus: 200 });
    expect(String(spy.mock.calls[0][0])).not.toContain("meta-test-access-token");
  });

  it("isolates a poison event in a rejected batch so the others are sent", async () => {
    const spy = mockFetch((body) =>
      body.data.some((e) => e.event_id === "POISON")
        ? graphError(400, { code: 100, error_subcode: 2804050, message: "Invalid parameter" })
        : ok(body),
    );
    const events = ["1", "2", "POISON", "4", "5"].map((id) => purchaseOf(id));
    const outcomes = await meta.deliver(events, testConfig(), NOW);
    for (const id of ["1", "2", "4", "5"]) {
      expect(outcomes.get(`shopify:demo.myshopify.com:purchase:${id}`)).toEqual({
        status: "sent",
        httpStatus: 200,
      });
    }
    expect(outcomes.get("shopify:demo.myshopify.com:purchase:POISON")).toMatchObject({
      status: "failed",
      httpStatus: 400,
      reason: expect.stringContaining("Meta error 100/2804050"),
    });
    expect(spy.mock.calls.length).toBeGreaterThan(1);
  });

  it("fails every event on an invalid token and logs an error each time", async () => {
    mockFetch(() =>
      graphError(400, { code: 190, error_subcode: 463, message: "Error validating access token" }),
    );
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const events = [purchase, purchaseOf("2")];
    const outcomes = await meta.deliver(events, testConfig(), NOW);
    for (const event of events) {
      expect(outcomes.get(event.id)).toMatchObject({
        status: "failed",
        reason: expect.stringContaining("must replace META_ACCESS_TOKEN"),
      });
    }
    expect(errors).toHaveBeenCalledTimes(1);
    const line = JSON.parse(String(errors.mock.calls[0][0]));
    expect(line).toMatchObject({ level: "error", destination: "meta", code: 190 });
    expect(line.msg).toContain("META_ACCESS_TOKEN");
    expect(String(errors.mock.calls[0][0])).not.toContain("meta-test-access-token");

    await meta.deliver([purchase], testConfig(), NOW);
    expect(errors).toHaveBeenCalledTimes(2);
  });

  it("never sends an event older than 7 days", async () => {
    const spy = mockFetch(ok);
    const stale = CommerceEvent.parse({ ...purchase, occurredAt: "2026-04-13T11:59:00Z" });
    const outcomes = await meta.deliver([stale], testConfig(), NOW);
    expect(outcomes.get(stale.id)).toEqual({
      status: "expired",
      reason: "event_time is more than 7 days old",
    });
    expect(spy).not.toHaveBeenCalled();
  });

  it("sends a point-of-sale event up to 62 days old, Meta's window for physical_store", async () => {
    const spy = mockFetch(ok);
    const store = (orderId: string, occurredAt: string) =>
      purchaseOf(orderId, { channel: "pos", client: {}, attribution: {}, occurredAt });
    const recent = store("61", "2026-02-17T12:01:00Z");
    const stale = store("62", "2026-02-17T11:59:00Z");
    const outcomes = await meta.deliver([recent, stale], testConfig(), NOW);
    expect(outcomes.get(recent.id)).toEqual({ status: "sent", httpStatus: 200 });
    expect(outcomes.get(stale.id)).toEqual({
      status: "expired",
      reason: "event_time is more than 62 days old",
    });
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it("fails an event Meta could not match without sending it", async () => {
    const spy = mockFetch(ok);
    const anonymous = CommerceEvent.parse({
      ...purchase,
      identity: { ga4: {}, meta: {} },
      client: {},
      attribution: {},
    });
    const outcomes = await meta.deliver([anonymous], testConfig(), NOW);
    expect(outcomes.get(anonymous.id)).toMatchObject({ status: "failed" });
    expect(spy).not.toHaveBeenCalled();
  });

  it("skips refunds by default", async () => {
    const spy = mockFetch(ok);
    const outcomes = await meta.deliver([fullRefund], testConfig(), NOW);
    expect(outcomes.get(fullRefund.id)).toEqual({
      status: "skipped",
      reason: "META_REFUNDS is skip: Meta has no refund event",
    });
    expect(spy).not.toHaveBeenCalled();
  });

  it("sends refunds as a custom Refund event when META_REFUNDS is custom", async () => {
    const spy = mockFetch(ok);
    const outcomes = await meta.deliver([fullRefund], testConfig({ META_REFUNDS: "custom" }), NOW);
    expect(outcomes.get(fullRefund.id)).toEqual({ status: "sent", httpStatus: 200 });
    const body = JSON.parse(String(spy.mock.calls[0][1]?.body)) as Body;
    expect(body.data[0]).toMatchObject({ event_name: "Refund", event_id: "refund:880011" });
  });

  it("turns a timeout into a retry for the whole batch", async () => {
    vi.spyOn(globalThis, "fetch").mockRejectedValue(
      new DOMException("The operation timed out.", "TimeoutError"),
    );
    const outcomes = await meta.deliver([purchase, purchaseOf("2")], testConfig(), NOW);
    expect([...outcomes.values()]).toEqual([
      { status: "retry", reason: "timeout" },
      { status: "retry", reason: "timeout" },
    ]);
  });
});
