import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MAGENTO_SHOP, magentoCreditMemo, magentoOrder, signedMagentoRequest } from "../fixtures/magento";
import {
  sentToMeta as consumed,
  META_CUSTOMER,
  META_EXTERNAL_ID,
  secondsAgo,
  storeOnly,
} from "../fixtures/meta";
import { FIXTURE_PII, SHOP, shopifyOrder, shopifyRefund } from "../fixtures/shopify";
import { WOO_SHOP, wooDate, wooOrder, wooRequest } from "../fixtures/woocommerce";
import { ledgerOf, shopifyRequest } from "../helpers";

afterEach(() => {
  vi.restoreAllMocks();
});

const seconds = (iso: string) => Date.parse(iso) / 1000;
/** The consumer with META_REFUNDS=custom: refunds go to Meta as a custom Refund event. */
const sentToMeta = (eventId: string) => consumed(eventId, { META_REFUNDS: "custom" });

async function storedPayload(eventId: string): Promise<string> {
  const row = await env.DB.prepare("SELECT payload FROM events WHERE id = ?1")
    .bind(eventId)
    .first<{ payload: string }>();
  return row?.payload ?? "";
}

describe("a refund that names no customer takes the recorded purchase's, so Meta can match it", () => {
  it("Shopify refunds/create: the order's hashed identity, fbp and fbc", async () => {
    const orderId = "9730000000000000001";
    const refundId = "9740000000000000001";
    const placedAt = secondsAgo(7200);
    await storeOnly(await shopifyRequest(shopifyOrder({ id: orderId, createdAt: placedAt })));
    const refundedAt = secondsAgo(600);
    const refund = {
      ...shopifyRefund({ id: refundId, orderId }),
      created_at: refundedAt,
      processed_at: null,
    };
    await storeOnly(await shopifyRequest(refund, { topic: "refunds/create" }));

    const eventId = `shopify:${SHOP}:refund:${refundId}`;
    expect(await sentToMeta(eventId)).toEqual([
      {
        event_name: "Refund",
        event_time: seconds(refundedAt),
        event_id: `refund:${refundId}`,
        action_source: "other",
        user_data: {
          ...META_CUSTOMER,
          external_id: META_EXTERNAL_ID.shopify,
          fbp: "fb.1.1700000000000.1111111111",
          fbc: `fb.1.${Date.parse(placedAt)}.IwAR0abc`,
        },
        custom_data: { value: 14.84, currency: "USD", order_id: orderId },
      },
    ]);
    // What was stored: hashes, never the customer's data in the clear.
    const stored = await storedPayload(eventId);
    for (const value of FIXTURE_PII) expect(stored).not.toContain(value);
    expect(JSON.parse(stored).identity.meta.em).toBe(META_CUSTOMER.em[0]);
  });

  it("Magento credit memo: the order's hashed identity", async () => {
    const orderId = "97301";
    const memoId = "97401";
    const magentoTime = (iso: string) => iso.replace("T", " ").slice(0, 19);
    await storeOnly(
      await signedMagentoRequest(JSON.stringify({ order: magentoOrder({ entityId: orderId }) })),
    );
    const memo = {
      ...magentoCreditMemo({ entityId: memoId, orderId }),
      created_at: magentoTime(secondsAgo(600)),
    };
    await storeOnly(await signedMagentoRequest(JSON.stringify({ creditmemo: memo })));

    expect(await sentToMeta(`magento:${MAGENTO_SHOP}:refund:${memoId}`)).toEqual([
      {
        event_name: "Refund",
        event_time: seconds(`${memo.created_at.replace(" ", "T")}Z`),
        event_id: `refund:${memoId}`,
        action_source: "other",
        user_data: {
          ...META_CUSTOMER,
          external_id: META_EXTERNAL_ID.magento,
        },
        custom_data: { value: 79, currency: "EUR", order_id: orderId },
      },
    ]);
  });

  it("WooCommerce: a refund already carries the order's customer (the body is the order)", async () => {
    const orderId = 97302;
    const at = wooDate(new Date(secondsAgo(7200)));
    const changedAt = wooDate(new Date(secondsAgo(600)));
    const order = wooOrder({
      id: orderId,
      createdAt: at,
      paidAt: at,
      modifiedAt: changedAt,
      refunds: [{ id: 97402, total: "-10.00" }],
    });
    await storeOnly(await wooRequest(order));

    expect(await sentToMeta(`woocommerce:${WOO_SHOP}:refund:97402`)).toEqual([
      {
        event_name: "Refund",
        event_time: seconds(`${changedAt}Z`),
        event_id: "refund:97402",
        action_source: "other",
        user_data: {
          ...META_CUSTOMER,
          external_id: META_EXTERNAL_ID.woocommerce,
          fbp: "fb.1.1700000000000.1111111111",
          fbc: "fb.1.1700000000000.IwAR0abc",
        },
        custom_data: { value: 10, currency: "USD", order_id: String(orderId) },
      },
    ]);
  });

  it("without a recorded purchase there is no one to match: failed locally, nothing sent", async () => {
    const refundId = "9740000000000000002";
    const refund = {
      ...shopifyRefund({ id: refundId, orderId: "9730000000000000099" }),
      created_at: secondsAgo(600),
      processed_at: null,
    };
    await storeOnly(await shopifyRequest(refund, { topic: "refunds/create" }));
    const eventId = `shopify:${SHOP}:refund:${refundId}`;
    expect(await sentToMeta(eventId)).toEqual([]);
    expect(await ledgerOf(eventId, "status", "reason")).toContainEqual({
      destination: "meta",
      status: "failed",
      reason: "user_data has no customer information: too little for Meta to match",
    });
  });
});
