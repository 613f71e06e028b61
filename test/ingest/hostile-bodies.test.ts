import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config";
import { REPLY_REASONS } from "../../src/sources/types";
import { shopifyJson, shopifyOrder } from "../fixtures/shopify";
import { countRows, fetchWith, lastWebhookLog, recordingQueue, shopifyRequest } from "../helpers";

/**
 * Bodies built to cost CPU rather than to carry an order, signed with the test secret so
 * they get past the signature to the parsers. Each must be refused with a 4xx JSON answer
 * whose reason quotes none of it, and leave nothing in D1 or the Queue. They go through the
 * Worker's own fetch handler with its real D1; only the Queue is a recorder, to see it stay empty.
 */
const loaded = loadConfig(env);
if (!loaded.ok) throw new Error("test config does not load");
const CAP = loaded.value.MAX_BODY_BYTES;
const ONE_MB = 1_000_000;

/** The fixture order with its order_number replaced by a raw JSON number. */
const orderWithNumber = (number: string) =>
  shopifyJson(shopifyOrder({ id: "9600000000000000001" })).replace(
    '"order_number":1001',
    `"order_number":${number}`,
  );

/** Repeats `unit` to about `length` characters. */
const fill = (unit: string, length: number) => unit.repeat(Math.floor(length / unit.length));

const TOO_LONG_NUMBER = "malformed JSON: a number longer than 64 characters";
const INVALID_ORDER = /^invalid payload: /;

const JSON_BODIES: [string, string, number, string | RegExp][] = [
  ["a number of 160,000 zeros", orderWithNumber(`1.${"0".repeat(160_000)}1`), 400, TOO_LONG_NUMBER],
  ["a number of 1,000,000 zeros", orderWithNumber(`1.${"0".repeat(ONE_MB)}1`), 400, TOO_LONG_NUMBER],
  ["a number of zeros past the body cap", orderWithNumber(`1${"0".repeat(CAP)}`), 413, "body too large"],
];

const XML_BODIES: [string, string, number, string | RegExp][] = [
  ["< × 1,000,000", "<".repeat(ONE_MB), 400, "malformed XML: '<' inside a tag"],
  ["< × 1,000,000 ending in />", `${"<".repeat(ONE_MB)}/>`, 400, "malformed XML: '<' inside a tag"],
  ["<a × 500,000", fill("<a", ONE_MB), 400, "malformed XML: '<' inside a tag"],
  [
    "one tag of 1 MB of attributes",
    `<order${fill(' a="1"', ONE_MB)}/>`,
    400,
    "malformed XML: a tag longer than 4096 characters",
  ],
  ["an unterminated <!--", `<order><!--${"x".repeat(ONE_MB)}`, 400, "malformed XML: unterminated comment"],
  [
    "an unterminated <![CDATA[",
    `<order><![CDATA[${"<".repeat(ONE_MB)}`,
    400,
    "malformed XML: unterminated CDATA section",
  ],
  [
    "elements 63 deep, 1 MB of them",
    `<order>${fill(`${"<a>".repeat(62)}${"</a>".repeat(62)}`, ONE_MB)}</order>`,
    400,
    INVALID_ORDER,
  ],
  [
    "1 MB of 300-attribute tags",
    `<order>${fill(`<a${Array.from({ length: 300 }, (_, i) => ` b${i}="1"`).join("")}/>`, ONE_MB)}</order>`,
    400,
    INVALID_ORDER,
  ],
  ["1 MB of text", `<order><note>${"x".repeat(ONE_MB)}</note></order>`, 400, INVALID_ORDER],
  ["1 MB of &amp;", `<order><note>${fill("&amp;", ONE_MB)}</note></order>`, 400, INVALID_ORDER],
  ["XML past the body cap", `<order><note>${"x".repeat(CAP)}</note></order>`, 413, "body too large"],
];

async function postSigned(body: string, contentType: string) {
  const queue = recordingQueue();
  const events = await countRows("events");
  const response = await fetchWith(await shopifyRequest(body, { contentType }), { EVENTS_QUEUE: queue });
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    answer: (await response.json()) as { status: string; reason: string },
    stored: (await countRows("events")) - events,
    queued: queue.sent.length,
  };
}

describe("signed hostile bodies: a 4xx JSON answer, nothing stored, nothing queued", () => {
  it.each([
    ...JSON_BODIES.map(
      ([name, body, status, reason]) =>
        [`JSON order with ${name}`, body, "application/json", status, reason] as const,
    ),
    ...XML_BODIES.map(
      ([name, body, status, reason]) => [`XML: ${name}`, body, "application/xml", status, reason] as const,
    ),
  ])(
    "%s",
    async (_, body, contentType, status, reason) => {
      expect(body.length < CAP).toBe(status !== 413);
      const result = await postSigned(body, contentType);
      expect(result).toMatchObject({ status, answer: { status: "rejected" }, stored: 0, queued: 0 });
      expect(result.contentType).toMatch(/^application\/json/);
      expect(REPLY_REASONS as readonly string[]).toContain(result.answer.reason);
      const log = lastWebhookLog();
      const said = `${log.reason}: ${log.detail ?? ""}`;
      expect(said).toMatch(reason);
      // Neither the answer nor the log line may quote the body.
      for (const text of [result.answer.reason, said]) expect(text).not.toMatch(/<<|<a|000000|&amp;|xxxx/);
    },
    30_000,
  ); // the bodies that parse take about 1 s in workerd on a busy 2-core machine
});
