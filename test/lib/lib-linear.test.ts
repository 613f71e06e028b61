import { describe, expect, it } from "vitest";
import { MAX_NUMBER_LENGTH, parseJsonLossless } from "../../src/lib/json";
import { MAX_TAG_LENGTH, parseRailsXml, xmlDepth } from "../../src/lib/xml";

const zeros = (n: number) => "0".repeat(n);
const TOO_LONG = { ok: false, reason: "malformed JSON: a number longer than 64 characters" };

describe("lossless JSON reads each number once, with a bounded token", () => {
  it.each([
    ["1.<160,000 zeros>1 (the old regex's worst case)", `{"a":1.${zeros(160_000)}1}`],
    ["1<160,000 zeros>", `{"a":1${zeros(160_000)}}`],
    ["0.<100 zeros>1", `{"a":0.${zeros(100)}1}`],
    ["1e<100 zeros>5", `{"a":1e${zeros(100)}5}`],
    ["65 characters", `{"a":1${zeros(64)}}`],
    ["a 100,000-character run of minus signs", `[${"-".repeat(100_000)}]`],
  ])("refuses %s unread", (_, text) => {
    expect(parseJsonLossless(text)).toEqual(TOO_LONG);
  });

  it.each([
    ['{"id":12345678901234567890}', { id: "12345678901234567890" }],
    ['{"a":0.1000000000000000055511151231257827}', { a: "0.1000000000000000055511151231257827" }],
    ['{"a":1.50,"b":-0.25,"c":100e-2,"d":0.000}', { a: 1.5, b: -0.25, c: 1, d: 0 }],
    ['{"a":123456789012345.6,"b":12345678901234.5}', { a: "123456789012345.6", b: 12345678901234.5 }],
    ['{"a":1e-400,"b":1e400,"c":1e0000000000000000000000000000005}', { a: 0, b: "1e400", c: 100000 }],
    [`{"a":0.${zeros(60)}1}`, { a: 1e-61 }],
    [`{"a":1${zeros(63)}}`, { a: `1${zeros(63)}` }],
    ['{"a":"\\\\\\\\\\\\\\"","b":12345678901234567890}', { a: '\\\\\\"', b: "12345678901234567890" }],
    [
      `{"a":"${"x".repeat(200_000)}","b":9007199254740993}`,
      { a: "x".repeat(200_000), b: "9007199254740993" },
    ],
  ])("keeps %s exactly as before", (text, value) => {
    expect(parseJsonLossless(text)).toEqual({ ok: true, value });
  });

  it("bounds number tokens at 64 characters", () => {
    expect(MAX_NUMBER_LENGTH).toBe(64);
  });

  it.each([
    ["[1 2]", "malformed JSON at position 3"],
    ['{"email":"john@x.com" x}', "malformed JSON at position 22"],
    ['{"email": john@x.com}', "malformed JSON"],
    ['{"name":"Jöhn', "malformed JSON at position 13"],
  ])("refuses %s without quoting the input", (text, reason) => {
    expect(parseJsonLossless(text)).toEqual({ ok: false, reason });
  });
});

describe("XML depth in one forward pass, with a bounded tag", () => {
  it.each([
    ["<a><b><c/></b></a>", 2],
    ['<?xml version="1.0" encoding="UTF-8"?><a><b nil="true"/></a>', 1],
    ['<a title="x>y"><b title="/>"></b></a>', 2],
    ["<a><!-- <b><c><d> --><![CDATA[<b><c>]]></a>", 1],
    [`<a>${"x > y ".repeat(50_000)}</a>`, 1],
    [`${"<a>".repeat(64)}${"</a>".repeat(64)}`, 64],
    [`<r>${`${"<a>".repeat(63)}${"</a>".repeat(63)}`.repeat(100)}</r>`, 64],
  ])("measures %s", (text, depth) => {
    expect(xmlDepth(text)).toEqual({ ok: true, depth });
  });

  it.each([
    ["65 levels", `${"<a>".repeat(65)}${"</a>".repeat(65)}`, "nested too deep"],
    ["< × 100,000", "<".repeat(100_000), "malformed XML: '<' inside a tag"],
    ["< × 100,000 then />", `${"<".repeat(100_000)}/>`, "malformed XML: '<' inside a tag"],
    ["<a × 50,000", "<a".repeat(50_000), "malformed XML: '<' inside a tag"],
    [
      "a tag of 5,000 attributes",
      `<a${' b="1"'.repeat(5_000)}/>`,
      "malformed XML: a tag longer than 4096 characters",
    ],
    ["an unclosed quote", `<a b="${"x".repeat(10_000)}`, "malformed XML: a tag longer than 4096 characters"],
    ["an unterminated tag", "<a><b", "malformed XML: unterminated tag"],
    ["an unterminated comment", `<a><!--${"x".repeat(10_000)}`, "malformed XML: unterminated comment"],
    [
      "an unterminated CDATA",
      `<a><![CDATA[${"<".repeat(10_000)}`,
      "malformed XML: unterminated CDATA section",
    ],
    ["a declaration", "<!ELEMENT a ANY><a/>", "malformed XML: markup declaration"],
  ])("refuses %s", (_, text, reason) => {
    expect(xmlDepth(text)).toEqual({ ok: false, reason });
  });

  it("bounds tags at 4096 characters", () => {
    expect(MAX_TAG_LENGTH).toBe(4096);
    const attributes = (length: number) => `<a x="${"y".repeat(length - 8)}">`;
    expect(xmlDepth(attributes(4096))).toEqual({ ok: true, depth: 1 });
    expect(xmlDepth(attributes(4097)).ok).toBe(false);
  });

  it.each([
    ["<order><id>1</id></order2>", "malformed XML: InvalidTag at line 1, column 18"],
    ['<order a="1" a="2"/>', "malformed XML: InvalidAttr at line 1, column 14"],
    ["<order>Jöhn &bogus</order>", "malformed XML: InvalidChar at line 1, column 13"],
    ["<order><__proto__>1</__proto__></order>", "malformed XML"],
  ])("refuses %s without quoting the input", (text, reason) => {
    expect(parseRailsXml(text)).toEqual({ ok: false, reason });
  });
});
