import { afterEach, describe, expect, it, vi } from "vitest";
import type { HttpAnswer } from "../../src/destinations/http";
import {
  adStorageConsent,
  classifyUetResponse,
  microsoft,
  toUetEvent,
} from "../../src/destinations/microsoft";
import type { DeliveryOutcome } from "../../src/model/statuses";
import { fullRefund, NOW, purchase, purchaseOf, testConfig } from "../fixtures/events";

const UET = {
  MICROSOFT_UET_TAG_ID: "187000000",
  MICROSOFT_UET_ACCESS_TOKEN: "uet-test-access-token",
  MICROSOFT_UET_ENDPOINT: "https://microsoft.test",
};
const MS_EMAIL = "8".repeat(64);

const clicked = purchaseOf("5551234567890123456", {
  identity: { ...purchase.identity, microsoft: { em: MS_EMAIL } },
  attribution: { ...purchase.attribution, msclkid: "ms-click-1" },
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("toUetEvent", () => {
  it("builds the exact custom purchase event", () => {
    expect(toUetEvent(clicked, testConfig(UET))).toEqual({
      eventType: "custom",
      eventName: "purchase",
      eventId: "5551234567890123456",
      eventTime: 1776680130,
      eventSourceUrl: "https://shop.example/products/black-tee?utm_source=meta",
      adStorageConsent: "G",
      userData: {
        em: MS_EMAIL,
        msclkid: "ms-click-1",
        clientIpAddress: "203.0.113.7",
        clientUserAgent: "Mozilla/5.0 (X11; Linux x86_64) Test",
      },
      customData: {
        value: 82.82,
        currency: "EUR",
        transactionId: "5551234567890123456",
        pageType: "purchase",
        itemIds: ["TEE-BLK-M", "40002"],
        items: [
          { id: "TEE-BLK-M", quantity: 2, price: 22.5, name: "Black Tee" },
          { id: "40002", quantity: 1, price: 19.9, name: "Canvas Tote" },
        ],
      },
    });
  });

  it.each([
    [{ marketing: "granted" }, "G"],
    [{ marketing: "denied" }, "D"],
    [{ adUserData: "denied" }, "D"],
    [{}, undefined],
  ] as const)("ad-storage consent %j → %s", (consent, expected) => {
    expect(adStorageConsent(consent)).toBe(expected);
  });
});

describe("classifyUetResponse", () => {
  const response = (status: number, body: string, retryAfter: string | null = null): HttpAnswer => ({
    kind: "response",
    status,
    retryAfter,
    body,
  });
  it.each<[string, HttpAnswer, DeliveryOutcome]>([
    ["200", response(200, "{}"), { status: "sent", httpStatus: 200 }],
    [
      "400",
      response(400, "bad eventTime"),
      { status: "failed", httpStatus: 400, reason: "Microsoft UET HTTP 400: bad eventTime" },
    ],
    [
      "403",
      response(403, ""),
      {
        status: "failed",
        httpStatus: 403,
        reason:
          "access token invalid or expired: the owner must replace MICROSOFT_UET_ACCESS_TOKEN (Microsoft UET HTTP 403)",
      },
    ],
    [
      "429",
      response(429, "", "5"),
      { status: "retry", httpStatus: 429, reason: "Microsoft UET HTTP 429", retryAfterSeconds: 5 },
    ],
    [
      "500",
      response(500, ""),
      { status: "retry", httpStatus: 500, reason: "Microsoft UET HTTP 500", retryAfterSeconds: undefined },
    ],
    ["timeout", { kind: "timeout" }, { status: "retry", reason: "timeout" }],
  ])("%s", (_name, answer, outcome) => {
    expect(classifyUetResponse(answer, NOW)).toEqual(outcome);
  });
});

describe("microsoft.deliver", () => {
  it("sends N events in one request with the Bearer token", async () => {
    const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async () => Response.json({}));
    const events = Array.from({ length: 100 }, (_, i) => purchaseOf(String(900 + i)));
    const outcomes = await microsoft.deliver(events, testConfig(UET), NOW);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(String(spy.mock.calls[0][0])).toBe("https://microsoft.test/v1/187000000/events");
    expect(new Headers(spy.mock.calls[0][1]?.headers).get("authorization")).toBe(
      "Bearer uet-test-access-token",
    );
    const body = JSON.parse(String(spy.mock.calls[0][1]?.body)) as {
      data: unknown[];
      continueOnValidationError: boolean;
    };
    expect(body.data).toHaveLength(100);
    expect(body.continueOnValidationError).toBe(false);
    expect([...outcomes.values()].every((o) => o.status === "sent")).toBe(true);
  });

  it("skips refunds, test orders in debug (no test mode) and events past 7 days", async () => {
    vi.spyOn(globalThis, "fetch").mockImplementation(async () => Response.json({}));
    const testOrder = purchaseOf("321", { test: true });
    const old = purchaseOf("801", { occurredAt: "2026-04-13T11:00:00Z" });
    const outcomes = await microsoft.deliver(
      [fullRefund, testOrder, old],
      testConfig({ ...UET, TEST_ORDERS: "debug" }),
      NOW,
    );
    expect(outcomes.get(fullRefund.id)).toEqual({
      status: "skipped",
      reason: "Microsoft Advertising has no refund event",
    });
    expect(outcomes.get(testOrder.id)).toEqual({
      status: "skipped",
      reason: "test order: TEST_ORDERS is debug but Microsoft Advertising has no test mode",
    });
    expect(outcomes.get(old.id)).toEqual({ status: "expired", reason: "event time is more than 7 days old" });
  });

  it("logs a refused token every time", async () => {
    vi.spyOn(globalThis, "fetch").mockImplementation(async () => new Response("", { status: 401 }));
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    await microsoft.deliver([purchaseOf("1")], testConfig(UET), NOW);
    await microsoft.deliver([purchaseOf("2")], testConfig(UET), NOW);
    expect(
      errors.mock.calls.filter(([line]) => String(line).includes("MICROSOFT_UET_ACCESS_TOKEN")),
    ).toHaveLength(2);
  });

  it("is disabled and names what is missing until both settings are set", () => {
    expect(microsoft.health(testConfig())).toEqual({
      missing: ["MICROSOFT_UET_TAG_ID", "MICROSOFT_UET_ACCESS_TOKEN"],
    });
    expect(microsoft.testModeNotice(testConfig(UET))).toBeUndefined();
  });
});
