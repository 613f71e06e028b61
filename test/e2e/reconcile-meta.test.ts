import { env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MAGENTO_SHOP, magentoOrder } from "../fixtures/magento";
import { sentToMeta } from "../fixtures/meta";
import { type MagentoRecord, mockShops, type WooRecord } from "../fixtures/shop-apis";
import { WOO_SHOP, wooDate, wooOrder } from "../fixtures/woocommerce";
import { forgetReconciliation, reconcileEnv, runOnce } from "../reconcile/helpers";

const UA = "Mozilla/5.0 (X11; Linux x86_64) RelayTest/1.0";
const NOW = Math.floor(Date.now() / 1000) * 1000;
const HOUR = 3_600_000;

afterEach(() => {
  vi.restoreAllMocks();
});
beforeEach(forgetReconciliation);

/** Lists the fake shop once (no webhook came for anything in it), then lets go of the fake. */
async function recover(stock: (shops: ReturnType<typeof mockShops>["shops"]) => void) {
  const { shops } = mockShops();
  stock(shops);
  const { summaries } = await runOnce(reconcileEnv(), { now: NOW });
  vi.restoreAllMocks();
  return summaries;
}

describe("a recovered order at Meta", () => {
  it("WooCommerce: a checkout order without a landing page is a website event on WOOCOMMERCE_URL", async () => {
    const orderId = 97301;
    const body = wooOrder({
      id: orderId,
      createdAt: wooDate(new Date(NOW - 2 * HOUR)),
      modifiedAt: wooDate(new Date(NOW - HOUR)),
    }) as WooRecord & { meta_data: Array<{ key: string }> };
    body.meta_data = body.meta_data.filter((m) => m.key !== "_wc_order_attribution_session_entry");
    await recover((shops) => {
      shops.woocommerce = [body];
    });
    const [event] = await sentToMeta(`woocommerce:${WOO_SHOP}:purchase:${orderId}`);
    // The order's own user agent (WooCommerce keeps customer_user_agent) and the store's URL as
    // the page: Meta's two requirements of a website event.
    expect(event).toMatchObject({
      action_source: "website",
      event_source_url: "https://shop.example/",
      user_data: { client_user_agent: UA, client_ip_address: "203.0.113.9" },
    });
  });

  it("Magento: a storefront order stays other, for want of a user agent; its site is still MAGENTO_URL", async () => {
    const orderId = "97302";
    const magentoTime = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 19);
    await recover((shops) => {
      shops.magento = [
        {
          ...magentoOrder({ entityId: orderId, createdAt: magentoTime(NOW - 2 * HOUR) }),
          updated_at: magentoTime(NOW - HOUR),
        } as MagentoRecord,
      ];
    });
    const id = `magento:${MAGENTO_SHOP}:purchase:${orderId}`;
    const [event] = await sentToMeta(id);
    expect(event.action_source).toBe("other");
    expect(event).not.toHaveProperty("event_source_url");
    expect(event.user_data).not.toHaveProperty("client_user_agent");
    const row = await env.DB.prepare("SELECT payload, recovered_at FROM events WHERE id = ?1")
      .bind(id)
      .first<{ payload: string; recovered_at: string }>();
    expect(row?.recovered_at).toBe(new Date(NOW).toISOString());
    expect(JSON.parse(row?.payload ?? "{}").shopUrl).toBe("https://magento.example/");
  });
});
