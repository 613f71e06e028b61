import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { mockShops, type WooRecord } from "../fixtures/shop-apis";
import { FIXTURE_PII } from "../fixtures/shopify";
import { WOO_SHOP, wooDate, wooOrder } from "../fixtures/woocommerce";
import { putLedgerEntry } from "../helpers";
import { forgetReconciliation, reconcileEnv, runOnce } from "../reconcile/helpers";
import { BASE, csrfOf, expectAdminHeaders, freshClientIp, get, login, postForm } from "./helpers";

const HOUR = 3_600_000;
const NOW = Math.floor(Date.now() / 1000) * 1000;
const bearer = { authorization: `Bearer ${env.ADMIN_TOKEN}`, "cf-connecting-ip": freshClientIp() };

afterEach(() => {
  vi.restoreAllMocks();
});
beforeEach(forgetReconciliation);

/** Two orders placed three hours ago, both recovered; one delivered, one dead at GA4. */
async function twoOrders() {
  const { shops } = mockShops();
  shops.woocommerce = [9801, 9802].map(
    (id) =>
      wooOrder({
        id,
        createdAt: wooDate(new Date(NOW - 3 * HOUR)),
        modifiedAt: wooDate(new Date(NOW - 2 * HOUR)),
      }) as WooRecord,
  );
  await runOnce(reconcileEnv(), { now: NOW, sources: ["woocommerce"] });
  for (const destination of ["ga4", "meta"]) {
    await putLedgerEntry(`woocommerce:${WOO_SHOP}:purchase:9801`, destination, { status: "sent" });
  }
  await putLedgerEntry(`woocommerce:${WOO_SHOP}:purchase:9802`, "ga4", {
    status: "dead",
    reason: "HTTP 500",
  });
  await putLedgerEntry(`woocommerce:${WOO_SHOP}:purchase:9802`, "meta", { status: "sent" });
  vi.restoreAllMocks();
  return new Date(NOW - 3 * HOUR + 90_000).toISOString().slice(0, 10);
}

describe("the coverage pages", () => {
  it("show each day's coverage as a chart and a table, without scripts and without personal data", async () => {
    const day = await twoOrders();
    const { cookie } = await login();
    const response = await get("/admin/coverage", { cookie });
    expectAdminHeaders(response);
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('aria-label="woocommerce coverage per day"');
    expect(page).toMatch(new RegExp(`data-coverage="woocommerce:${day}">.*50%`, "s"));
    expect(page).toContain(`href="/admin/coverage/woocommerce/${day}">1 not covered</a>`);
    expect(page).not.toContain("<script");
    for (const pii of FIXTURE_PII) expect(page).not.toContain(pii);
  });

  it("drill down to the orders not covered, each linked to its story", async () => {
    const day = await twoOrders();
    const { cookie } = await login();
    const page = await (await get(`/admin/coverage/woocommerce/${day}`, { cookie })).text();
    expect(page).toContain('data-order="9802"');
    expect(page).not.toContain('data-order="9801"');
    expect(page).toContain(`/admin/events/${encodeURIComponent(`woocommerce:${WOO_SHOP}:purchase:9802`)}`);
    expect(page).toContain("HTTP 500");
  });

  it("run reconciliation from a button that needs the session's CSRF token", async () => {
    const { cookie } = await login();
    const refused = await postForm("/admin/reconcile", cookie, {});
    expect(refused.status).toBe(403);
    const csrf = await csrfOf(cookie);
    const ran = await postForm("/admin/reconcile", cookie, { csrf });
    expect(ran.status).toBe(303);
    expect(ran.headers.get("location")).toBe("/admin/coverage?recovered=0");
  });
});

describe("the coverage and reconcile API", () => {
  it("answers the report as JSON, and the drill-down for a source and day", async () => {
    const day = await twoOrders();
    const report = await (await get("/admin/api/coverage?days=3", bearer)).json<{ days: unknown[] }>();
    expect(report.days).toMatchObject([
      { day, source: "woocommerce", conversions: 2, covered: 1, coverage: 50 },
    ]);
    const drill = await get(`/admin/api/coverage?source=woocommerce&day=${day}`, bearer);
    expect(await drill.json()).toMatchObject({ source: "woocommerce", day, orders: [{ orderId: "9802" }] });
  });

  it("refuses what it does not understand with 400, and strangers with 401", async () => {
    for (const query of [
      "days=0",
      "days=abc",
      "source=woocommerce",
      "source=ebay&day=2026-11-01",
      "source=magento&day=1/11",
    ]) {
      expect((await get(`/admin/api/coverage?${query}`, bearer)).status).toBe(400);
    }
    const post = (body: string, headers: Record<string, string> = bearer) =>
      exports.default.fetch(new Request(`${BASE}/admin/api/reconcile`, { method: "POST", body, headers }));
    expect((await post('{"sources":["ebay"]}')).status).toBe(400);
    expect((await post("{not json")).status).toBe(400);
    expect((await post("", { "cf-connecting-ip": freshClientIp() })).status).toBe(401);
  });

  it("reports sources without API settings as not reconciled, with the setting to fix", async () => {
    const answer = await exports.default.fetch(
      new Request(`${BASE}/admin/api/reconcile`, { method: "POST", headers: bearer }),
    );
    const { sources } = await answer.json<{
      sources: Array<{ source: string; status: string; reason: string }>;
    }>();
    expect(sources.map((s) => [s.source, s.status])).toEqual([
      ["shopify", "not reconciled"],
      ["magento", "not reconciled"],
      ["woocommerce", "not reconciled"],
    ]);
  });
});
