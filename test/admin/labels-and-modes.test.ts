import { describe, expect, it } from "vitest";
import { SHOP, shopifyOrder, shopifyRefund } from "../fixtures/shopify";
import { fetchWith, recordingQueue, shopifyRequest } from "../helpers";
import { ADMIN_TOKEN, BASE, freshClientIp, login } from "./helpers";

const bearer = { authorization: `Bearer ${ADMIN_TOKEN}`, "cf-connecting-ip": freshClientIp() };
const page = async (path: string, cookie: string, overrides: Partial<Env> = {}) => {
  const response = await fetchWith(new Request(BASE + path, { headers: { cookie } }), overrides);
  return { status: response.status, text: await response.text() };
};

describe("labels people read", () => {
  const orderId = "7400000000000000001";
  const purchaseId = `shopify:${SHOP}:purchase:${orderId}`;
  const refundId = `shopify:${SHOP}:refund:7400000000000000901`;

  it("shows a refund under its order's number, and a search by #number finds the refund too", async () => {
    const queue = { EVENTS_QUEUE: recordingQueue() };
    const order = shopifyOrder({ id: orderId, name: "#8101", createdAt: new Date().toISOString() });
    expect((await fetchWith(await shopifyRequest(order), queue)).status).toBe(200);
    const refund = shopifyRefund({ id: "7400000000000000901", orderId });
    expect((await fetchWith(await shopifyRequest(refund, { topic: "refunds/create" }), queue)).status).toBe(
      200,
    );

    for (const q of ["%238101", "8101"]) {
      const found = await (
        await fetchWith(new Request(`${BASE}/admin/api/events?q=${q}`, { headers: bearer }))
      ).json<{
        events: Array<{ id: string; kind: string; orderNumber: string | null }>;
      }>();
      expect(found.events.map(({ id, kind, orderNumber }) => ({ id, kind, orderNumber }))).toEqual([
        { id: refundId, kind: "refund", orderNumber: "#8101" },
        { id: purchaseId, kind: "purchase", orderNumber: "#8101" },
      ]);
    }
    const story = await (
      await fetchWith(
        new Request(`${BASE}/admin/api/events/${encodeURIComponent(refundId)}`, { headers: bearer }),
      )
    ).json<{ summary: { orderId: string; orderNumber: string } }>();
    expect(story.summary).toMatchObject({ orderId, orderNumber: "#8101" });

    const { cookie } = await login();
    const list = await page("/admin?q=%238101", cookie);
    expect(list.text.match(/<a href="\/admin\/events\/[^"]+">([^<]+)<\/a>/g)).toEqual([
      `<a href="/admin/events/${encodeURIComponent(refundId)}">#8101</a>`,
      `<a href="/admin/events/${encodeURIComponent(purchaseId)}">#8101</a>`,
    ]);
    expect((await page(`/admin/events/${encodeURIComponent(refundId)}`, cookie)).text).toContain(
      "<h1>Order #8101</h1>",
    );
  });

  it("offers the configured sources in the source filter, and only those", async () => {
    const { cookie } = await login();
    const options = (text: string) => {
      const select = /<select name="source"[^>]*>(.*?)<\/select>/s.exec(text)?.[1] ?? "";
      return [...select.matchAll(/<option value="([^"]*)"/g)].map((m) => m[1]);
    };
    expect(options((await page("/admin", cookie)).text)).toEqual(["", "shopify", "magento", "woocommerce"]);
    const withoutShopify = await page("/admin", cookie, { SHOPIFY_WEBHOOK_SECRET: "" });
    expect(options(withoutShopify.text)).toEqual(["", "magento", "woocommerce"]);
    const filtered = await page("/admin?source=woocommerce", cookie);
    expect(filtered.text).toMatch(/<option value="woocommerce" selected>woocommerce<\/option>/);
  });
});

describe("the mode banner on every admin page", () => {
  const modes = { DESTINATIONS_MODE: "dry-run", GA4_VALIDATE: "true", META_TEST_EVENT_CODE: "TEST4242" };
  const BANNER = [
    "<li>Dry run (DESTINATIONS_MODE=dry-run): nothing is sent to any destination; each order&#39;s story shows what would have been sent.</li>",
    "<li>GA4 validation (GA4_VALIDATE): events go to /debug/mp/collect, which checks them and collects nothing.</li>",
    "<li>Meta test events (META_TEST_EVENT_CODE): events go to Events Manager → Test events and do not count in reports.</li>",
  ].join("");

  it("says dry run and each destination in test mode, on the status page and a story", async () => {
    const order = shopifyOrder({ id: "7400000000000000002", createdAt: new Date().toISOString() });
    await fetchWith(await shopifyRequest(order), { EVENTS_QUEUE: recordingQueue() });
    const story = `/admin/events/${encodeURIComponent(`shopify:${SHOP}:purchase:${order.id}`)}`;
    const { cookie } = await login();
    for (const path of ["/admin", story]) {
      const { status, text } = await page(path, cookie, modes);
      expect(status).toBe(200);
      const banner = /<section class="mode"[^>]*>.*?<\/section>/s.exec(text)?.[0] ?? "";
      expect(banner.replaceAll("\n", "")).toContain(BANNER);
      expect(text.indexOf('data-banner="mode"')).toBeLessThan(text.indexOf("<h1>"));
    }
  });

  it("is absent when conversions go out for real, and on the sign-in page", async () => {
    const { cookie } = await login();
    expect((await page("/admin", cookie)).text).not.toContain('data-banner="mode"');
    const signIn = await fetchWith(new Request(`${BASE}/admin`), modes);
    expect(signIn.status).toBe(401);
    expect(await signIn.text()).not.toContain('data-banner="mode"');
  });
});
