import { afterEach, describe, expect, it, vi } from "vitest";
import { identifierCoverage } from "../../src/admin/identifier-coverage";
import { checkoutToken, pixelPost, postCollect } from "../fixtures/collect";
import { mockDestinations } from "../fixtures/destinations";
import { SHOP, shopifyOrder } from "../fixtures/shopify";
import { fetchWith, freshIds, shopifyRequest, waitForDeliveries } from "../helpers";
import { ADMIN_TOKEN, freshClientIp, get, login } from "./helpers";

afterEach(() => {
  vi.restoreAllMocks();
});

const nextId = freshIds(9_420_000_000_000_000_001n);

describe("identifier coverage", () => {
  it("counts each identifier's share of a day's purchases by origin", () => {
    const row = (attribution: object, more: object = {}) => ({
      source: "shopify",
      day: "2026-11-27",
      occurred_at: "2026-11-27T10:00:00.000Z",
      attribution: JSON.stringify(attribution),
      client: JSON.stringify({}),
      identity: JSON.stringify({ ga4: {}, meta: {} }),
      identifiers: null,
      ...more,
    });
    const days = identifierCoverage([
      row(
        { gaClientId: "1.2", fbp: "fb.1.1.1" },
        { identity: JSON.stringify({ ga4: { email: "ab" }, meta: {} }) },
      ),
      // An fbc built from an fbclid at the order's own time: a fallback.
      row({ fbc: "fb.1.1795773600000.IwAR", gclid: "EAIa" }),
      row(
        { gaClientId: "3.4", gaSessionId: "5", fbc: "fb.1.1.x" },
        {
          identifiers: JSON.stringify({
            gaClientId: "pixel",
            gaSessionId: "pixel",
            fbc: "pixel",
            client: "pixel",
          }),
        },
      ),
      row({}, { client: JSON.stringify({ ip: "192.0.2.1", userAgent: "UA" }) }),
    ]);
    expect(days).toEqual([
      {
        day: "2026-11-27",
        source: "shopify",
        purchases: 4,
        identifiers: {
          gaClientId: { percent: 100, order: 1, pixel: 1, fallback: 2 },
          gaSessionId: { percent: 25, order: 0, pixel: 1, fallback: 0 },
          fbp: { percent: 25, order: 1, pixel: 0, fallback: 0 },
          fbc: { percent: 50, order: 0, pixel: 1, fallback: 1 },
          clickId: { percent: 25, order: 1, pixel: 0, fallback: 0 },
          ipAndUserAgent: { percent: 50, order: 1, pixel: 1, fallback: 0 },
          hashedEmail: { percent: 25, order: 1, pixel: 0, fallback: 0 },
        },
      },
    ]);
  });

  it("/admin/api/identifiers and /admin/identifiers show a pixel-joined purchase", async () => {
    const [orderId, token] = [nextId(), checkoutToken()];
    mockDestinations();
    expect((await postCollect(pixelPost(token), freshClientIp())).status).toBe(204);
    const order = {
      ...shopifyOrder({ id: orderId, createdAt: new Date().toISOString() }),
      note_attributes: [],
      checkout_token: token,
    };
    await fetchWith(await shopifyRequest(order), { IDENTIFIER_WAIT_SECONDS: "0" });
    await waitForDeliveries(`shopify:${SHOP}:purchase:${orderId}`);

    const api = await get("/admin/api/identifiers?days=2", { authorization: `Bearer ${ADMIN_TOKEN}` });
    expect(api.status).toBe(200);
    const { days } = await api.json<{
      days: Array<{ source: string; identifiers: Record<string, { pixel: number }> }>;
    }>();
    const shopify = days.find((d) => d.source === "shopify");
    expect(shopify?.identifiers.gaClientId.pixel).toBeGreaterThanOrEqual(1);
    expect(shopify?.identifiers.fbp.pixel).toBeGreaterThanOrEqual(1);
    expect(
      (await get("/admin/api/identifiers?days=0", { authorization: `Bearer ${ADMIN_TOKEN}` })).status,
    ).toBe(400);

    const { cookie } = await login();
    const page = await get("/admin/identifiers", { cookie });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("GA session id");
    const pixel = await get("/admin/pixel", { cookie });
    expect(await pixel.text()).toContain("https://relay.test/collect");
  });
});
