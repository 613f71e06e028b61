import { describe, expect, it } from "vitest";
import { retryDelaySeconds } from "../../src/deliver/retry-policy";
import { readBodyCapped } from "../../src/lib/body";
import { parseJsonLossless, scanJson } from "../../src/lib/json";
import { money, multiplyMoney, scaleMoney, subtractMoney, sumMoney } from "../../src/lib/money";
import { siteUrl } from "../../src/lib/shops";
import { xmlDepth } from "../../src/lib/xml";

describe("money", () => {
  it.each([
    [["0.1", "0.2"], "0.30"],
    [["199.00", "15.00", "15.00", "10.00", "15.35", "-10.02"], "244.33"],
    [[165.5, "0.5"], "166.00"],
    [[null, undefined, ""], "0.00"],
    [["-3.34"], "-3.34"],
  ])("sums %j exactly to %s", (values, total) => {
    expect(sumMoney(values as string[])).toBe(total);
  });

  it("adds a thousand cents without drift", () => {
    expect(sumMoney(Array(1000).fill("0.01"))).toBe("10.00");
  });

  it("normalizes, subtracts and multiplies", () => {
    expect(money("5")).toBe("5.00");
    expect(money("1.2345")).toBe("1.2345");
    expect(subtractMoney("10.00", "10.02")).toBe("-0.02");
    expect(multiplyMoney("0.10", 3)).toBe("0.30");
    expect(() => money("12,50")).toThrow(RangeError);
  });

  it.each([
    [["10.00", "39.90", "48.89"], "8.16"],
    [["10.00", "1", "3"], "3.33"],
    [["10.00", "2", "3"], "6.67"],
    [["0.05", "1", "2"], "0.03"],
    [["-0.05", "1", "2"], "-0.03"],
    [["48.89", "39.90", "48.89"], "39.90"],
  ])("scales %j (amount × part / whole) to the cent: %s", ([amount, part, whole], share) => {
    expect(scaleMoney(amount, part, whole)).toBe(share);
  });

  it("refuses to scale by zero", () => {
    expect(() => scaleMoney("1.00", "1.00", "0.00")).toThrow(RangeError);
  });
});

describe("lossless JSON", () => {
  it("keeps ids above 2^53 as their digits", () => {
    const parsed = parseJsonLossless('{"id":820982911946154508,"n":42,"x":1.5}');
    expect(parsed).toEqual({ ok: true, value: { id: "820982911946154508", n: 42, x: 1.5 } });
  });

  it("measures depth without counting brackets inside strings", () => {
    expect(scanJson('{"a":"[[[[{{{{","b":[1,[2]]}')).toMatchObject({ ok: true, depth: 3 });
    expect(parseJsonLossless(`${"[".repeat(65)}${"]".repeat(65)}`)).toEqual({
      ok: false,
      reason: "nested too deep",
    });
    expect(xmlDepth("<a><b><c/></b></a>")).toEqual({ ok: true, depth: 2 });
  });

  it.each([
    ['{"a":12345678901234567.89}', { a: "12345678901234567.89" }],
    ['{"a":-820982911946154508}', { a: "-820982911946154508" }],
    ['{"a":9700000000000000000}', { a: "9700000000000000000" }],
    ['{"a":9007199254740991,"b":9007199254740993}', { a: 9007199254740991, b: "9007199254740993" }],
    ['{"a":0.1,"b":1e400,"c":165.50}', { a: 0.1, b: "1e400", c: 165.5 }],
    [
      '{"s":"820982911946154508 \\" 99999999999999999999","n":[1,2]}',
      { s: '820982911946154508 " 99999999999999999999', n: [1, 2] },
    ],
  ])("keeps %s exact", (text, value) => {
    expect(parseJsonLossless(text)).toEqual({ ok: true, value });
  });

  it.each(["[--------------------1]", "[01234567890123456789]", "[1 2]", '{"a":12345678901234567890 1}'])(
    "still refuses the malformed %s",
    (text) => {
      expect(parseJsonLossless(text).ok).toBe(false);
    },
  );

  it("does not let __proto__ pollute prototypes", () => {
    const parsed = parseJsonLossless('{"__proto__":{"polluted":1}}');
    expect(parsed.ok).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("body cap", () => {
  it("accepts a body at the cap and refuses one byte more", async () => {
    const at = await readBodyCapped(new Request("https://x", { method: "POST", body: "x".repeat(100) }), 100);
    expect(at.ok).toBe(true);
    const over = await readBodyCapped(
      new Request("https://x", { method: "POST", body: "x".repeat(101) }),
      100,
    );
    expect(over).toEqual({ ok: false, reason: "too_large" });
  });
});

describe("retry backoff", () => {
  // The policy as README ("30 s doubling, at most 6 h, never less than a Retry-After") and
  // src/deliver/retry-policy.ts ("±20 % jitter"; Queues take at most 12 h) state it: the n-th failed try waits
  // 30·2^(n-1) s, capped at 21 600 s, then ×0.8…×1.2; a longer Retry-After wins; never over 43 200 s.
  it.each<[number, number | undefined, number, number]>([
    // attempts, Retry-After (s), shortest, longest
    [1, undefined, 24, 36],
    [2, undefined, 48, 72],
    [3, undefined, 96, 144],
    [4, undefined, 192, 288],
    [10, undefined, 12_288, 18_432],
    [11, undefined, 17_280, 25_920],
    [30, undefined, 17_280, 25_920],
    [1, 120, 120, 120],
    [3, 100, 100, 144],
    [3, 200, 200, 200],
    [2, 59.2, 60, 72],
    [1, 1_000_000_000, 43_200, 43_200],
  ])("attempt %i, Retry-After %s → between %i and %i s", (attempts, retryAfter, shortest, longest) => {
    expect(retryDelaySeconds(attempts, retryAfter, () => 0)).toBe(shortest);
    expect(retryDelaySeconds(attempts, retryAfter, () => 1)).toBe(longest);
    for (let i = 0; i < 50; i++) {
      const delay = retryDelaySeconds(attempts, retryAfter);
      expect(delay).toBeGreaterThanOrEqual(shortest);
      expect(delay).toBeLessThanOrEqual(longest);
    }
  });
});

describe("siteUrl", () => {
  it.each([
    ["https://Shop.Example/store/?lang=fr#top", "https://shop.example/store/"],
    ["http://shop.example:8080/", "http://shop.example:8080/"],
    ["relay-test.myshopify.com", "https://relay-test.myshopify.com/"],
    ["https://user:pass@shop.example/", undefined],
    ["ftp://shop.example/", undefined],
    ["not a url", undefined],
    [undefined, undefined],
  ])("%s → %s", (value, expected) => {
    expect(siteUrl(value)).toBe(expected);
  });
});
