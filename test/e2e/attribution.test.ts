import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { mockDestinations } from "../fixtures/destinations";
import { SHOP, shopifyOrder } from "../fixtures/shopify";
import { ledgerOf, postToWorker, shopifyRequest } from "../helpers";

afterEach(() => {
  vi.restoreAllMocks();
});

/** What the storefront snippet writes into the cart, as the order carries it. */
function snippetNotes(consent: { marketing: string; analytics: string }) {
  return [
    { name: "_tr_ga_cid", value: "1234567890.1700000000" },
    { name: "_tr_ga_sid", value: "1747132561" },
    { name: "_tr_ga_sn", value: "7" },
    { name: "_tr_fbp", value: "fb.1.1700000000000.1111111111" },
    { name: "_tr_fbc", value: "fb.1.1700000000000.IwAR_cookie" },
    { name: "_tr_gclid", value: "EAIa_test" },
    { name: "_tr_utm_source", value: "newsletter" },
    { name: "_tr_consent_marketing", value: consent.marketing },
    { name: "_tr_consent_analytics", value: consent.analytics },
  ];
}

async function settled(eventId: string) {
  await vi.waitUntil(
    async () => {
      const row = await env.DB.prepare(
        "SELECT COUNT(*) AS n FROM deliveries WHERE event_id = ?1 AND status NOT IN ('sending', 'retrying')",
      )
        .bind(eventId)
        .first<{ n: number }>();
      return row?.n === 2;
    },
    { timeout: 5000, interval: 20 },
  );
  return ledgerOf(eventId, "status", "reason");
}

describe("attribution and consent end to end: note_attributes → GA4 and Meta", () => {
  it("joins the purchase to its GA4 session and sends Meta the captured fbp and fbc", async () => {
    const orderId = "9300000000000000001";
    const { ga4, meta } = mockDestinations();
    const order = {
      ...shopifyOrder({ id: orderId, createdAt: new Date().toISOString() }),
      note_attributes: snippetNotes({ marketing: "granted", analytics: "granted" }),
    };
    expect((await postToWorker(await shopifyRequest(order))).status).toBe(200);
    const rows = await settled(`shopify:${SHOP}:purchase:${orderId}`);
    expect(rows).toEqual([
      { destination: "ga4", status: "sent", reason: null },
      { destination: "meta", status: "sent", reason: null },
    ]);

    expect(ga4).toHaveLength(1);
    expect(ga4[0].body.client_id).toBe("1234567890.1700000000");
    expect(ga4[0].body.events[0].params).toMatchObject({
      transaction_id: orderId,
      session_id: "1747132561",
      engagement_time_msec: 1,
    });
    expect(ga4[0].body.consent).toEqual({ ad_user_data: "GRANTED", ad_personalization: "GRANTED" });
    expect(ga4[0].body.user_data).toMatchObject({
      sha256_email_address: [expect.stringMatching(/^[0-9a-f]{64}$/)],
      sha256_phone_number: [expect.stringMatching(/^[0-9a-f]{64}$/)],
    });

    expect(meta).toHaveLength(1);
    const [event] = meta[0].body.data;
    expect(event).not.toHaveProperty("data_processing_options");
    expect(event.user_data).toMatchObject({
      fbp: "fb.1.1700000000000.1111111111",
      fbc: "fb.1.1700000000000.IwAR_cookie",
      client_ip_address: "203.0.113.7",
      client_user_agent: "Mozilla/5.0 (X11; Linux x86_64) RelayTest/1.0",
      external_id: [expect.stringMatching(/^[0-9a-f]{64}$/)],
      em: [expect.stringMatching(/^[0-9a-f]{64}$/)],
    });
  });

  it("sends Meta nothing for a customer who refused marketing, and the ledger says why", async () => {
    const orderId = "9300000000000000002";
    const { ga4, meta } = mockDestinations();
    const order = {
      ...shopifyOrder({ id: orderId, createdAt: new Date().toISOString() }),
      note_attributes: snippetNotes({ marketing: "denied", analytics: "granted" }),
    };
    expect((await postToWorker(await shopifyRequest(order))).status).toBe(200);
    const rows = await settled(`shopify:${SHOP}:purchase:${orderId}`);
    expect(rows).toEqual([
      { destination: "ga4", status: "sent", reason: null },
      { destination: "meta", status: "skipped", reason: "consent denied (META_CONSENT_POLICY_DENIED=skip)" },
    ]);
    expect(meta).toHaveLength(0);
    expect(ga4).toHaveLength(1);
    expect(ga4[0].body.consent).toEqual({ ad_user_data: "DENIED", ad_personalization: "DENIED" });
  });

  it("falls back to the deterministic client id and an fbc from landing_site when nothing was captured", async () => {
    const orderId = "9300000000000000003";
    const createdAt = new Date(Date.now() - 60_000).toISOString();
    const { ga4, meta } = mockDestinations();
    const order = { ...shopifyOrder({ id: orderId, createdAt }), note_attributes: [] };
    expect((await postToWorker(await shopifyRequest(order))).status).toBe(200);
    await settled(`shopify:${SHOP}:purchase:${orderId}`);
    expect(ga4[0].body.client_id).toMatch(/^\d{10}\.\d{10}$/);
    expect(ga4[0].body.client_id).not.toBe("1234567890.1700000000");
    expect(ga4[0].body.events[0].params).not.toHaveProperty("session_id");
    expect(meta[0].body.data[0].user_data).toMatchObject({ fbc: `fb.1.${Date.parse(createdAt)}.IwAR0abc` });
    expect(meta[0].body.data[0].user_data).not.toHaveProperty("fbp");
  });
});
