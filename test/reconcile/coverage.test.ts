import { env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../src/config";
import { checkCoverage, coverageReport, lastCompleteDay, uncovered } from "../../src/reconcile/coverage";
import { mockShops, type WooRecord } from "../fixtures/shop-apis";
import { WOO_SHOP, wooDate, wooOrder, wooRequest } from "../fixtures/woocommerce";
import { fetchWith, putLedgerEntry, recordingQueue } from "../helpers";
import { forgetReconciliation, reconcileEnv, runOnce } from "./helpers";

const HOUR = 3_600_000;
const NOW = Math.floor(Date.now() / 1000) * 1000;
/** The last complete day: its orders are the ones the alert looks at. */
const DAY = lastCompleteDay(NOW);
const at = (hour: number) => Date.parse(`${DAY}T00:00:00Z`) + hour * HOUR;
const purchase = (id: number) => `woocommerce:${WOO_SHOP}:purchase:${id}`;

afterEach(() => {
  vi.restoreAllMocks();
});
beforeEach(forgetReconciliation);

/** Paid at `hour` o'clock of DAY (created 90 s earlier), changed an hour later. */
const order = (id: number, hour: number, status = "processing") =>
  wooOrder({
    id,
    status,
    createdAt: wooDate(new Date(at(hour) - 90_000)),
    modifiedAt: wooDate(new Date(at(hour) + HOUR)),
  }) as WooRecord;

/** Ten of DAY's orders and one unpaid: 1–5 by webhook, 6–10 recovered; six end covered. */
async function stockTheDay(alertEnv: Record<string, string> = {}) {
  const mocked = mockShops();
  mocked.shops.woocommerce = [
    ...Array.from({ length: 10 }, (_, i) => order(9001 + i, 8 + i)),
    order(9011, 9, "pending"),
  ];
  for (const body of mocked.shops.woocommerce.slice(0, 5)) {
    await fetchWith(await wooRequest(body), { EVENTS_QUEUE: recordingQueue() });
  }
  await runOnce(reconcileEnv(alertEnv), { now: NOW, sources: ["woocommerce"] });
  const ledger: Array<[number, string, string, string?]> = [
    [9001, "sent", "sent"],
    [9002, "sent", "sent"],
    [9003, "sent", "skipped", "META_CONSENT_POLICY_DENIED is skip"],
    [9004, "sent", "sent"],
    [9005, "dead", "sent"],
    [9006, "sent", "sent"],
    [9007, "sent", "sent"],
    [9008, "expired", "sent"],
    [9009, "retrying", "failed"],
  ];
  for (const [id, ga4, meta, reason] of ledger) {
    await putLedgerEntry(purchase(id), "ga4", { status: ga4 });
    await putLedgerEntry(purchase(id), "meta", { status: meta, reason: reason ?? null });
  }
  // 9010 stays as stored, with no ledger entry yet.
  return mocked;
}

const config = () => {
  const loaded = loadConfig(reconcileEnv());
  if (!loaded.ok) throw new Error("config");
  return loaded.value;
};

describe("the coverage report", () => {
  it("counts, per day and source, the shop's orders, how each was stored and what each destination did", async () => {
    await stockTheDay();
    const report = await coverageReport(env, config(), NOW, 7);
    expect(report.sources.find((s) => s.source === "woocommerce")).toMatchObject({
      reconciled: true,
      shop: WOO_SHOP,
      watermark: new Date(NOW - 20 * 60_000).toISOString(),
      lastError: null,
    });
    expect(report.days.filter((d) => d.source === "woocommerce")).toEqual([
      {
        day: DAY,
        source: "woocommerce",
        shop: WOO_SHOP,
        shopOrders: 11,
        conversions: 10,
        stored: { byWebhook: 5, byReconciliation: 5 },
        missing: 0,
        destinations: {
          ga4: { sent: 6, skipped: 0, skippedReasons: {}, failed: 0, dead: 1, expired: 1, pending: 2 },
          meta: {
            sent: 7,
            skipped: 1,
            skippedReasons: { "META_CONSENT_POLICY_DENIED is skip": 1 },
            failed: 1,
            dead: 0,
            expired: 0,
            pending: 1,
          },
        },
        covered: 6,
        coverage: 60,
      },
    ]);
  });

  it("drills down to the orders not covered, with each destination's state", async () => {
    await stockTheDay();
    const orders = await uncovered(env, config(), "woocommerce", DAY);
    expect(
      orders.map((o) => [
        o.orderId,
        o.stored,
        o.recoveredAt !== null,
        o.ledger.ga4?.status,
        o.ledger.meta?.status,
      ]),
    ).toEqual([
      ["9005", true, false, "dead", "sent"],
      ["9008", true, true, "expired", "sent"],
      ["9009", true, true, "retrying", "failed"],
      ["9010", true, true, undefined, undefined],
    ]);
  });

  it("alerts once for a complete day below the threshold: one error line, one Slack-style post", async () => {
    const { spy } = await stockTheDay();
    const alertEnv = reconcileEnv({ ALERT_WEBHOOK_URL: "https://hooks.slack.test/services/T000/B000/XXXX" });
    const loaded = loadConfig(alertEnv);
    if (!loaded.ok) throw new Error("config");
    const posts: unknown[] = [];
    const shopsAndDestinations = spy.getMockImplementation();
    spy.mockImplementation(async (input, init) => {
      const request = new Request(input as RequestInfo, init);
      if (new URL(request.url).host !== "hooks.slack.test")
        return (shopsAndDestinations as typeof fetch)(input, init);
      posts.push(await request.json());
      return new Response("ok");
    });
    const before = globalThis.capturedLogLines.length;
    expect(await checkCoverage(alertEnv, loaded.value, NOW)).toEqual([
      { source: "woocommerce", day: DAY, coverage: 60 },
    ]);
    expect(await checkCoverage(alertEnv, loaded.value, NOW)).toEqual([]);
    const lines = globalThis.capturedLogLines
      .slice(before)
      .filter((l) => l.includes("coverage below threshold"));
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      {
        level: "error",
        msg: "coverage below threshold",
        source: "woocommerce",
        shop: WOO_SHOP,
        day: DAY,
        coverage: 60,
        threshold: 98,
        conversions: 10,
        uncovered: 4,
      },
    ]);
    expect(posts).toEqual([
      {
        text: `tagrelay: woocommerce (${WOO_SHOP}) coverage on ${DAY} is 60% (4 of 10 orders not delivered), below 98%. See /admin/coverage.`,
      },
    ]);
  });

  it("raises nothing at or above the threshold", async () => {
    await stockTheDay();
    const lenient = loadConfig(reconcileEnv({ COVERAGE_ALERT_THRESHOLD: "60" }));
    if (!lenient.ok) throw new Error("config");
    expect(await checkCoverage(env, lenient.value, NOW)).toEqual([]);
  });

  it("waits until the listing has passed the end of the day", async () => {
    await stockTheDay();
    await env.DB.prepare("UPDATE reconcile_state SET watermark = ?1").bind(`${DAY}T20:00:00.000Z`).run();
    expect(await checkCoverage(env, config(), NOW)).toEqual([]);
  });
});
