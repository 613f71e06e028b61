import { createMessageBatch, env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { mockDestinations } from "../fixtures/destinations";
import { MAGENTO_SHOP, magentoCreditMemo, magentoOrder, signedMagentoRequest } from "../fixtures/magento";
import { FIXTURE_PII, SHOP, shopifyOrder, shopifyRefund } from "../fixtures/shopify";
import { WOO_SHOP, wooDate, wooOrder, wooRequest } from "../fixtures/woocommerce";
import { fetchWith, ledgerOf, recordingQueue, shopifyRequest } from "../helpers";

afterEach(() => {
  vi.restoreAllMocks();
});

/**
 * SHA-256 of the fixtures' customer as Meta normalizes it ("john.doe@example.com", "14155550123",
 * "jöhn", "doesmith", "sanfrancisco", "ca", "94103", "us"), from Python's hashlib.
 */
const HASHED = {
  em: ["836f82db99121b3481011f16b49dfa5fbc714a0d1b1b9f784a1ebbbf5b39577f"],
  ph: ["413ba75461ab5f99d36820e561ea97e2bd80f9cb586f7ecea6cf4c496518950a"],
  fn: ["d099e941c8648801789318e0c87111759678219e0be85b82237a4c4ace2c0d64"],
  ln: ["e27b2635677ae002d1d12d1db35822ef5bf986370daa79a53b2000ece939f7f3"],
  ct: ["1a6bd4d9d79dc0a79b53795c70d3349fa9e38968a3fbefbfe8783efb1d2b6aac"],
  st: ["6959097001d10501ac7d54c0bdb8db61420f658f2922cc26e46d536119a31126"],
  zp: ["91dc2519ea98c5002cf2091e6a12b772eafdce9dca618e626d7d3b8275361789"],
  country: ["79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621"],
};

const seconds = (iso: string) => Date.parse(iso) / 1000;
/** A whole second some time ago, as ISO text. */
const ago = (secondsAgo: number) =>
  new Date((Math.floor(Date.now() / 1000) - secondsAgo) * 1000).toISOString();

async function ingest(request: Request) {
  const response = await fetchWith(request, { EVENTS_QUEUE: recordingQueue() });
  expect(response.status).toBe(200);
}

/** Runs the Queue consumer with META_REFUNDS=custom on one stored event; returns what Meta received. */
async function sentToMeta(eventId: string) {
  const { meta } = mockDestinations();
  const batch = createMessageBatch("tagrelay-events", [
    { id: eventId, timestamp: new Date(), attempts: 1, body: { eventId } },
  ]);
  await worker.queue(batch, { ...env, META_REFUNDS: "custom" });
  return meta.flatMap((hit) => hit.body.data);
}

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
    const placedAt = ago(7200);
    await ingest(await shopifyRequest(shopifyOrder({ id: orderId, createdAt: placedAt })));
    const refundedAt = ago(600);
    const refund = {
      ...shopifyRefund({ id: refundId, orderId }),
      created_at: refundedAt,
      processed_at: null,
    };
    await ingest(await shopifyRequest(refund, { topic: "refunds/create" }));

    const eventId = `shopify:${SHOP}:refund:${refundId}`;
    expect(await sentToMeta(eventId)).toEqual([
      {
        event_name: "Refund",
        event_time: seconds(refundedAt),
        event_id: `refund:${refundId}`,
        action_source: "other",
        user_data: {
          ...HASHED,
          external_id: ["fb2133a4afa3daa0476146cb2aa44d849507baf0d8e3b0af6db32f02728a0564"],
          fbp: "fb.1.1700000000000.1111111111",
          fbc: `fb.1.${Date.parse(placedAt)}.IwAR0abc`,
        },
        custom_data: { value: 14.84, currency: "USD", order_id: orderId },
      },
    ]);
    // What was stored: hashes, never the customer's data in the clear.
    const stored = await storedPayload(eventId);
    for (const value of FIXTURE_PII) expect(stored).not.toContain(value);
    expect(JSON.parse(stored).identity.meta.em).toBe(HASHED.em[0]);
  });

  it("Magento credit memo: the order's hashed identity", async () => {
    const orderId = "97301";
    const memoId = "97401";
    const magentoTime = (iso: string) => iso.replace("T", " ").slice(0, 19);
    await ingest(await signedMagentoRequest(JSON.stringify({ order: magentoOrder({ entityId: orderId }) })));
    const memo = { ...magentoCreditMemo({ entityId: memoId, orderId }), created_at: magentoTime(ago(600)) };
    await ingest(await signedMagentoRequest(JSON.stringify({ creditmemo: memo })));

    expect(await sentToMeta(`magento:${MAGENTO_SHOP}:refund:${memoId}`)).toEqual([
      {
        event_name: "Refund",
        event_time: seconds(`${memo.created_at.replace(" ", "T")}Z`),
        event_id: `refund:${memoId}`,
        action_source: "other",
        user_data: {
          ...HASHED,
          external_id: ["73475cb40a568e8da8a045ced110137e159f890ac4da883b6b17dc651b3a8049"],
        },
        custom_data: { value: 79, currency: "EUR", order_id: orderId },
      },
    ]);
  });

  it("WooCommerce: a refund already carries the order's customer (the body is the order)", async () => {
    const orderId = 97302;
    const at = wooDate(new Date(ago(7200)));
    const changedAt = wooDate(new Date(ago(600)));
    const order = wooOrder({
      id: orderId,
      createdAt: at,
      paidAt: at,
      modifiedAt: changedAt,
      refunds: [{ id: 97402, total: "-10.00" }],
    });
    await ingest(await wooRequest(order));

    expect(await sentToMeta(`woocommerce:${WOO_SHOP}:refund:97402`)).toEqual([
      {
        event_name: "Refund",
        event_time: seconds(`${changedAt}Z`),
        event_id: "refund:97402",
        action_source: "other",
        user_data: {
          ...HASHED,
          external_id: ["4523540f1504cd17100c4835e85b7eefd49911580f8efff0599a8f283be6b9e3"],
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
      created_at: ago(600),
      processed_at: null,
    };
    await ingest(await shopifyRequest(refund, { topic: "refunds/create" }));
    const eventId = `shopify:${SHOP}:refund:${refundId}`;
    expect(await sentToMeta(eventId)).toEqual([]);
    expect(await ledgerOf(eventId, "status", "reason")).toContainEqual({
      destination: "meta",
      status: "failed",
      reason: "user_data has no customer information: too little for Meta to match",
    });
  });
});
