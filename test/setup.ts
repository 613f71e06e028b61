import { applyD1Migrations, type D1Migration, env } from "cloudflare:test";
import { afterAll, expect } from "vitest";
import {
  ISSUED_TOKEN,
  MAGENTO_TOKEN,
  SHOPIFY_CLIENT_SECRET,
  SHOPIFY_TOKEN,
  WOO_KEY,
  WOO_SECRET_KEY,
} from "./fixtures/shop-apis";
import { FIXTURE_PII } from "./fixtures/shopify";

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
    }
  }
  var capturedLogLines: string[];
  var printReport: (...args: unknown[]) => void;
}

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

/**
 * Every log line of the suite is captured (the Worker and its consumer run in this isolate)
 * and checked at the end of each file: no personal data, no secret.
 */
globalThis.capturedLogLines = [];
/** The real console, for a suite that must print a report (e.g. the fault-injection ledger). */
globalThis.printReport = console.log.bind(console);
// Plain wrappers rather than vi.spyOn, so a test's vi.restoreAllMocks() cannot undo them.
for (const level of ["log", "info", "warn", "error", "debug"] as const) {
  console[level] = (...args: unknown[]) => {
    globalThis.capturedLogLines.push(
      args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "),
    );
  };
}

const SECRETS = [
  "shopify-test-secret-old",
  "shopify-test-secret",
  "ga4-test-api-secret",
  "meta-test-access-token",
  "test-admin-token-0123456789abcdef",
  // The shop API credentials of reconciliation, and the token its client-credentials grant is issued.
  WOO_KEY,
  WOO_SECRET_KEY,
  MAGENTO_TOKEN,
  SHOPIFY_TOKEN,
  SHOPIFY_CLIENT_SECRET,
  ISSUED_TOKEN,
];

/** The fixture orders' client IP addresses and user agent: sent to Meta, never logged. */
const CLIENT_DATA = ["203.0.113.7", "203.0.113.9", "RelayTest/1.0"];

afterAll(() => {
  const forbidden = [...FIXTURE_PII, ...CLIENT_DATA, ...SECRETS, "api_secret="];
  for (const line of globalThis.capturedLogLines) {
    for (const needle of forbidden) {
      expect(line.includes(needle), `log line leaks ${needle}: ${line.slice(0, 300)}`).toBe(false);
    }
  }
});
