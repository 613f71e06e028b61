import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, freshClientIp, login } from "../admin/helpers";
import { secretRequest } from "../fixtures/magento";
import { SHOP, shopifyOrder } from "../fixtures/shopify";
import { wooOrder, wooRequest } from "../fixtures/woocommerce";
import { fetchWith, hmacBase64, lastWebhookLog, shopifyRequest } from "../helpers";

const SHOPIFY_MISMATCH_HINT =
  "check SHOPIFY_WEBHOOK_SECRET: the key under Settings → Notifications → Webhooks for webhooks made in the Shopify admin (and their test notifications), or the app's client secret for an app's webhooks";
const WOO_MISMATCH_HINT =
  "check WOOCOMMERCE_WEBHOOK_SECRET: the Secret field of this webhook under WooCommerce → Settings → Advanced → Webhooks (use letters and digits: WooCommerce decodes &, <, > and quotes in it before signing); more than 5 failures in a row disable the webhook";

/** The refusal's log line without its timing; the answer must be the fixed words alone. */
async function refusal(request: Request): Promise<Record<string, unknown>> {
  const response = await fetchWith(request);
  expect(response.status).toBe(401);
  expect(await response.json()).toEqual({ status: "rejected", reason: "unauthorized" });
  const { ms, ...line } = lastWebhookLog();
  expect(typeof ms).toBe("number");
  return line;
}

/** What every one of these lines says: a 401 whose shop, topic and webhook id are unverified claims. */
const REFUSED = {
  level: "warn",
  msg: "webhook",
  outcome: "rejected",
  status: 401,
  reason: "unauthorized",
  claimed: true,
} as const;

const magentoText = JSON.stringify({ order: { entity_id: 1 } });
const bearer = { authorization: `Bearer ${ADMIN_TOKEN}`, "cf-connecting-ip": freshClientIp() };

describe("a refused webhook's log line: what it claimed, which check failed, what to check", () => {
  it("Shopify: no signature header, then a signature that does not match", async () => {
    const order = shopifyOrder({ id: "7300000000000000001" });
    const unsigned = await shopifyRequest(order, {
      webhookId: "wh-hint-1",
      headers: { "x-shopify-hmac-sha256": "" },
    });
    expect(await refusal(unsigned)).toEqual({
      ...REFUSED,
      source: "shopify",
      topic: "orders/create",
      shop: "relay-test.myshopify.com",
      webhookId: "wh-hint-1",
      detail: "no X-Shopify-Hmac-Sha256 header",
      hint: "Shopify signs every webhook it sends: this request did not come from Shopify's webhook delivery",
    });
    const forged = await shopifyRequest(order, { webhookId: "wh-hint-2", secret: "not-the-shop-secret" });
    expect(await refusal(forged)).toEqual({
      ...REFUSED,
      source: "shopify",
      topic: "orders/create",
      shop: SHOP,
      webhookId: "wh-hint-2",
      detail: "signature does not match SHOPIFY_WEBHOOK_SECRET",
      hint: SHOPIFY_MISMATCH_HINT,
    });
  });

  it("WooCommerce: no signature header, then a signature that does not match", async () => {
    const order = wooOrder({ id: 7301 });
    const unsigned = await wooRequest(order, {
      deliveryId: "wc-hint-1",
      headers: { "x-wc-webhook-signature": "" },
    });
    expect(await refusal(unsigned)).toEqual({
      ...REFUSED,
      source: "woocommerce",
      topic: "order.updated",
      shop: "shop.example",
      webhookId: "wc-hint-1",
      detail: "no X-WC-Webhook-Signature header",
      hint: "WooCommerce signs every webhook delivery (only the save ping is unsigned): this request did not come from a WooCommerce webhook",
    });
    const forged = await wooRequest(order, { deliveryId: "wc-hint-2", secret: "not-the-site-secret" });
    expect(await refusal(forged)).toEqual({
      ...REFUSED,
      source: "woocommerce",
      topic: "order.updated",
      shop: "shop.example",
      webhookId: "wc-hint-2",
      detail: "signature does not match WOOCOMMERCE_WEBHOOK_SECRET",
      hint: WOO_MISMATCH_HINT,
    });
  });

  it("Magento: no credential header for MAGENTO_AUTH, then a signature that does not match", async () => {
    const shopHeader = { "x-tagrelay-shop": "https://magento.example/" };
    expect(await refusal(secretRequest(magentoText, shopHeader))).toEqual({
      ...REFUSED,
      source: "magento",
      topic: "hmac",
      shop: "magento.example",
      detail: "MAGENTO_AUTH=hmac expects the x-tagrelay-signature header",
      hint: "check MAGENTO_AUTH: it must name the one way the store's module or Adobe Commerce authenticates (docs/magento.md)",
    });
    const forged = secretRequest(magentoText, {
      ...shopHeader,
      "x-tagrelay-signature": await hmacBase64("not-the-store-secret", magentoText),
    });
    expect(await refusal(forged)).toEqual({
      ...REFUSED,
      source: "magento",
      topic: "hmac",
      shop: "magento.example",
      detail: "x-tagrelay-signature does not match MAGENTO_WEBHOOK_SECRET",
      hint: "check MAGENTO_WEBHOOK_SECRET: the secret configured in the store's webhook module (docs/magento.md)",
    });
  });

  it("shows the same hints in /admin as the last rejections per source, newest first", async () => {
    const order = shopifyOrder({ id: "7300000000000000002" });
    await fetchWith(await shopifyRequest(order, { webhookId: "wh-admin-1", secret: "not-the-shop-secret" }));
    const response = await fetchWith(
      new Request("https://relay.test/admin/api/rejections", { headers: bearer }),
    );
    expect(response.status).toBe(200);
    const body = await response.json<{
      seenBy: string;
      rejections: Record<string, Array<Record<string, unknown>>>;
    }>();
    expect(body.seenBy).toBe("this Worker instance");
    const { at, ...newest } = body.rejections.shopify[0];
    expect(Date.now() - Date.parse(String(at))).toBeLessThan(60_000);
    expect(newest).toEqual({
      status: 401,
      reason: "unauthorized",
      detail: "signature does not match SHOPIFY_WEBHOOK_SECRET",
      hint: SHOPIFY_MISMATCH_HINT,
      topic: "orders/create",
      shop: SHOP,
      webhookId: "wh-admin-1",
      claimed: true,
    });
    expect(body.rejections.shopify.length).toBeLessThanOrEqual(10);

    const { cookie } = await login();
    const page = await (
      await fetchWith(new Request("https://relay.test/admin", { headers: { cookie } }))
    ).text();
    const shopify = /<ul class="rejections" data-source="shopify">.*?<\/li>/s.exec(page)?.[0] ?? "";
    expect(shopify).toContain("unauthorized: signature does not match SHOPIFY_WEBHOOK_SECRET");
    expect(shopify).toContain(`claimed (unverified) ${SHOP} · orders/create · webhook wh-admin-1`);
    expect(shopify).toContain(`<div class="hint">${SHOPIFY_MISMATCH_HINT.replaceAll("'", "&#39;")}</div>`);
  });
});
