import { afterEach, describe, expect, it, vi } from "vitest";
import { ga4 } from "../../src/destinations/ga4";
import { meta } from "../../src/destinations/meta";
import { type TestOrderDecision, testOrderPolicy } from "../../src/destinations/test-orders";
import { mockDestinations } from "../fixtures/destinations";
import { NOW, purchase, testConfig } from "../fixtures/events";

afterEach(() => {
  vi.restoreAllMocks();
});

type Policy = "skip" | "send" | "debug";
const CASES: Array<[boolean, Policy, "ga4" | "meta", string | undefined, TestOrderDecision]> = [
  [false, "skip", "ga4", undefined, { send: true, debug: false }],
  [false, "debug", "meta", undefined, { send: true, debug: false }],
  [true, "skip", "ga4", undefined, { send: false, reason: "test order" }],
  [true, "skip", "meta", "TEST123", { send: false, reason: "test order" }],
  [true, "send", "ga4", undefined, { send: true, debug: false }],
  [true, "send", "meta", undefined, { send: true, debug: false }],
  [true, "debug", "ga4", undefined, { send: true, debug: true }],
  [true, "debug", "meta", "TEST123", { send: true, debug: true }],
  [
    true,
    "debug",
    "meta",
    undefined,
    { send: false, reason: "test order: TEST_ORDERS is debug but META_TEST_EVENT_CODE is not set" },
  ],
];

describe("testOrderPolicy", () => {
  it.each(CASES)("test=%s TEST_ORDERS=%s %s code=%s", (test, policy, destination, code, expected) => {
    const decision = testOrderPolicy({ test }, destination, {
      TEST_ORDERS: policy,
      META_TEST_EVENT_CODE: code,
    });
    expect(decision).toEqual(expected);
  });

  it("defaults to skip", () => {
    expect(testConfig().TEST_ORDERS).toBe("skip");
  });
});

describe("test orders at the destinations", () => {
  const testOrder = { ...purchase, test: true };

  it("skip: neither destination sends, both record why", async () => {
    const { ga4: ga4Hits, meta: metaHits } = mockDestinations();
    const config = testConfig();
    expect((await ga4.deliver([testOrder], config, NOW)).get(testOrder.id)).toEqual({
      status: "skipped",
      reason: "test order",
    });
    expect((await meta.deliver([testOrder], config, NOW)).get(testOrder.id)).toEqual({
      status: "skipped",
      reason: "test order",
    });
    expect(ga4Hits).toHaveLength(0);
    expect(metaHits).toHaveLength(0);
  });

  it("debug: GA4 gets debug_mode 1, Meta only with a test event code", async () => {
    const { ga4: ga4Hits, meta: metaHits } = mockDestinations();
    const config = testConfig({ TEST_ORDERS: "debug" });
    expect((await ga4.deliver([testOrder], config, NOW)).get(testOrder.id)?.status).toBe("sent");
    expect(ga4Hits[0].body.events[0].params.debug_mode).toBe(1);
    expect((await meta.deliver([testOrder], config, NOW)).get(testOrder.id)?.status).toBe("skipped");
    expect(metaHits).toHaveLength(0);

    const withCode = testConfig({ TEST_ORDERS: "debug", META_TEST_EVENT_CODE: "TEST123" });
    expect((await meta.deliver([testOrder], withCode, NOW)).get(testOrder.id)?.status).toBe("sent");
    expect(metaHits[0].body.test_event_code).toBe("TEST123");
  });

  it("send: a test order goes out like any other, without debug_mode", async () => {
    const { ga4: ga4Hits } = mockDestinations();
    await ga4.deliver([testOrder], testConfig({ TEST_ORDERS: "send" }), NOW);
    expect(ga4Hits[0].body.events[0].params.debug_mode).toBeUndefined();
  });
});
