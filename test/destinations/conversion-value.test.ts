import { describe, expect, it } from "vitest";
import { conversionMoney } from "../../src/destinations/conversion-value";
import { ga4 } from "../../src/destinations/ga4";
import type { Destination } from "../../src/destinations/types";
import { skippingZeroRefunds, zeroRefundDecision } from "../../src/destinations/zero-refunds";
import { CommerceEvent } from "../../src/model/commerce-event";
import type { DeliveryOutcome } from "../../src/model/statuses";
import { fullRefund, NOW, partialRefund, purchase, testConfig } from "../fixtures/events";

const MODES = ["total", "items", "items-and-shipping"] as const;
const config = (mode: (typeof MODES)[number]) => ({ CONVERSION_VALUE: mode });

/** A refund that says its parts: 30.00 back, of which 20.00 items, 4.00 tax, 6.00 shipping. */
const refundWithParts = CommerceEvent.parse({
  ...partialRefund,
  refund: { ...partialRefund.refund, value: "30.00", subtotal: "20.00", tax: "4.00", shipping: "6.00" },
});

describe("conversionMoney: what `value` means (CONVERSION_VALUE)", () => {
  it.each([
    // The purchase fixture: 82.82 paid, 64.90 items after discounts, 13.02 tax, 4.90 shipping.
    ["total", { value: "82.82", tax: "13.02", shipping: "4.90" }],
    ["items", { value: "64.90", tax: "13.02", shipping: "4.90" }],
    ["items-and-shipping", { value: "69.80", tax: "13.02", shipping: "4.90" }],
  ] as const)("a purchase, %s", (mode, money) => {
    expect(conversionMoney(purchase, config(mode))).toEqual(money);
  });

  it.each([
    ["total", { value: "30.00", tax: "4.00", shipping: "6.00" }],
    ["items", { value: "20.00", tax: "4.00", shipping: "6.00" }],
    ["items-and-shipping", { value: "26.00", tax: "4.00", shipping: "6.00" }],
  ] as const)("a refund that says its parts, %s: the same rule on the refund's own money", (mode, money) => {
    expect(conversionMoney(refundWithParts, config(mode))).toEqual(money);
  });

  it.each([
    ["total", "82.82"],
    ["items", "64.90"],
    ["items-and-shipping", "69.80"],
  ] as const)("a refund of the whole order known by its total, %s: the order's own parts", (mode, value) => {
    expect(conversionMoney(fullRefund, config(mode))).toEqual({ value, tax: "13.02", shipping: "4.90" });
  });

  it.each([
    // 19.90 of 82.82 back: items 19.90 × 64.90 / 82.82 = 15.594…, shipping 19.90 × 4.90 / 82.82 = 1.177…
    ["total", "19.90"],
    ["items", "15.59"],
    ["items-and-shipping", "16.77"],
  ] as const)(
    "a partial refund known by its total, %s: its share of the order, value only",
    (mode, value) => {
      expect(conversionMoney(partialRefund, config(mode))).toEqual({ value });
    },
  );

  it("an event stored by an earlier release, without a subtotal, keeps its total in every mode", () => {
    const { subtotal: _, ...order } = purchase.order;
    const old = CommerceEvent.parse({ ...purchase, order });
    for (const mode of MODES) expect(conversionMoney(old, config(mode)).value).toBe("82.82");
  });
});

describe("refunds of zero: recorded skipped, sent nowhere", () => {
  const zero = CommerceEvent.parse({
    ...partialRefund,
    refund: { ...partialRefund.refund, value: "0.00", subtotal: "0.00", tax: "0.00", shipping: "0.00" },
  });
  const shippingOnly = CommerceEvent.parse({
    ...partialRefund,
    refund: { ...partialRefund.refund, value: "5.95", subtotal: "0.00", tax: "1.05", shipping: "4.90" },
  });

  it("skips a refund that returned no money, in every mode, and never a purchase", () => {
    for (const mode of MODES) {
      expect(zeroRefundDecision(zero, config(mode))).toEqual({
        send: false,
        reason: "nothing was refunded: no money went back to the customer",
      });
      expect(zeroRefundDecision(purchase, config(mode))).toEqual({ send: true });
    }
  });

  it("skips a refund worth zero in the configured mode: only shipping and tax went back", () => {
    expect(zeroRefundDecision(shippingOnly, config("total"))).toEqual({ send: true });
    expect(zeroRefundDecision(shippingOnly, config("items-and-shipping"))).toEqual({ send: true });
    expect(zeroRefundDecision(shippingOnly, config("items"))).toEqual({
      send: false,
      reason: "refund worth 0 as CONVERSION_VALUE=items: only shipping or tax went back",
    });
  });

  it("wraps a destination: zero refunds never reach it, everything else gets its own outcome", async () => {
    const seen: string[] = [];
    const inner: Destination = {
      ...ga4,
      enabled: () => true,
      async deliver(events) {
        seen.push(...events.map((e) => e.id));
        return new Map(
          events.map((e): [string, DeliveryOutcome] => [e.id, { status: "sent", httpStatus: 204 }]),
        );
      },
    };
    const wrapped = skippingZeroRefunds(inner);
    expect(wrapped.name).toBe("ga4");
    const outcomes = await wrapped.deliver([purchase, zero], testConfig(), NOW);
    expect(seen).toEqual([purchase.id]);
    expect(Object.fromEntries(outcomes)).toEqual({
      [purchase.id]: { status: "sent", httpStatus: 204 },
      [zero.id]: { status: "skipped", reason: "nothing was refunded: no money went back to the customer" },
    });
    seen.length = 0;
    expect(Object.fromEntries(await wrapped.deliver([zero], testConfig(), NOW))).toEqual({
      [zero.id]: { status: "skipped", reason: "nothing was refunded: no money went back to the customer" },
    });
    expect(seen).toEqual([]);
  });
});
