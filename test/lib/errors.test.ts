import { describe, expect, it } from "vitest";
import { errorText } from "../../src/lib/errors";

describe("errorText", () => {
  it.each<[string, unknown, string]>([
    [
      "an Error: its message",
      new Error("D1_ERROR: no such table: events"),
      "D1_ERROR: no such table: events",
    ],
    [
      "a subclass: its message, not its name",
      new TypeError("Network connection lost."),
      "Network connection lost.",
    ],
    ["an Error without a message: its name", new RangeError(), "RangeError"],
    ["a thrown string", "queue full", "queue full"],
    ["a thrown number", 42, "42"],
    ["undefined", undefined, "undefined"],
    ["null", null, "null"],
    ["an object with a message: the message", { message: "not an Error" }, "not an Error"],
    [
      "an object without one: never its contents",
      { order: { email: "a@b.example" } },
      "non-error value thrown",
    ],
    [
      "a URL: replaced, query and all",
      new TypeError(
        "fetch failed: https://ga4.test/mp/collect?measurement_id=G-1&api_secret=s3cr3t (ECONNRESET)",
      ),
      "fetch failed: <url> (ECONNRESET)",
    ],
    ["an http URL: replaced", new Error("redirected to http://example.test/a?b=c"), "redirected to <url>"],
    [
      "credential-looking parameters outside a URL: names only",
      new Error("bad query api_secret=s3cr3t&access_token=EAAB1 measurement_id=G-1"),
      "bad query api_secret=<redacted>&access_token=<redacted> measurement_id=G-1",
    ],
    ["other name=value pairs: kept", new Error("limit=50 offset=100"), "limit=50 offset=100"],
  ])("%s", (_, thrown, text) => {
    expect(errorText(thrown)).toBe(text);
  });

  it("never carries the stack", () => {
    const error = new Error("boom");
    expect(error.stack).toContain("errors.test");
    expect(errorText(error)).toBe("boom");
  });

  it("cuts at 200 characters, after the URLs are replaced", () => {
    expect(errorText(new Error("x".repeat(250)))).toBe("x".repeat(200));
    expect(errorText(new Error(`at https://a.test/${"p".repeat(300)} then ${"y".repeat(250)}`))).toBe(
      `at <url> then ${"y".repeat(186)}`,
    );
  });
});
