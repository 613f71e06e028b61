import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config";
import { hashIdentity } from "../../../src/sources/identity";
import { woocommerce } from "../../../src/sources/woocommerce";
import { FIXTURE_PII } from "../../fixtures/shopify";
import {
  PHP_ORDER_BODY,
  WOO_SECRET,
  WOO_SHOP,
  WOO_SOURCE,
  wooOrder,
  wooRequest,
} from "../../fixtures/woocommerce";

async function verdictOf(body: unknown, env: Record<string, string> = {}) {
  const loaded = loadConfig({ WOOCOMMERCE_WEBHOOK_SECRET: WOO_SECRET, WOOCOMMERCE_URL: WOO_SOURCE, ...env });
  if (!loaded.ok) throw new Error(loaded.reason.join());
  const request = await wooRequest(body);
  const bytes = new Uint8Array(await request.arrayBuffer());
  return woocommerce.handle({ headers: request.headers, bytes }, loaded.value);
}

async function eventsOf(body: unknown, env: Record<string, string> = {}) {
  const verdict = await verdictOf(body, env);
  if (verdict.outcome !== "events") throw new Error(JSON.stringify(verdict));
  return verdict.events;
}

describe("WooCommerce order → CommerceEvent", () => {
  it("maps a paid order to one purchase: exact money, items, discount, coupon, attribution", async () => {
    const [{ event, onlyIfRecorded }] = await eventsOf(
      wooOrder({ id: 3001, createdAt: "2026-11-27T15:15:00", paidAt: "2026-11-27T15:16:30" }),
    );
    expect(onlyIfRecorded).toBeUndefined();
    expect(event).toMatchObject({
      id: `woocommerce:${WOO_SHOP}:purchase:3001`,
      kind: "purchase",
      source: "woocommerce",
      shop: WOO_SHOP,
      occurredAt: "2026-11-27T15:16:30Z",
      test: false,
      channel: "web",
      order: {
        id: "3001",
        number: "3001",
        currency: "USD",
        value: "48.89",
        subtotal: "39.90",
        tax: "3.99",
        shipping: "5.00",
        discount: "4.40",
        coupon: "welcome10",
      },
      client: { ip: "203.0.113.9", userAgent: "Mozilla/5.0 (X11; Linux x86_64) RelayTest/1.0" },
      attribution: {
        landingUrl: "https://shop.example/product/blue-mug/?utm_source=newsletter",
        gaClientId: "1234567890.1700000000",
        gaSessionId: "1700000123",
        fbp: "fb.1.1700000000000.1111111111",
        fbc: "fb.1.1700000000000.IwAR0abc",
      },
    });
    // Unit prices before discount, from `subtotal`: never WooCommerce's float `price` (0.09999999999999999).
    expect(event.order.items).toEqual([
      { id: "93", sku: "MUG-BLUE", name: "Blue mug", price: "12.00", quantity: 2, discount: "2.40" },
      {
        id: "22",
        sku: "TEE-M",
        name: "Relay T-shirt - M",
        variant: "23",
        price: "20.00",
        quantity: 1,
        discount: "2.00",
      },
      { id: "51", sku: "STICKER", name: "Sticker", price: "0.10", quantity: 3 },
    ]);
  });

  it("hashes the billing identity exactly as hashIdentity does, and carries no raw personal data", async () => {
    const [{ event }] = await eventsOf(wooOrder({ id: 3002 }));
    expect(event.identity).toEqual(
      await hashIdentity({
        email: " John.Doe@Example.COM ",
        phone: "+1 (415) 555-0123",
        firstName: "Jöhn",
        lastName: "Doe-Smith",
        street: "221B Baker Street",
        city: "San Francisco",
        region: "CA",
        postalCode: "94103-1234",
        country: "US",
        externalId: "17",
      }),
    );
    expect(event.identity.meta.em).toMatch(/^[0-9a-f]{64}$/);
    expect(event.identity.meta.external_id).toMatch(/^[0-9a-f]{64}$/);
    const text = JSON.stringify(event);
    for (const raw of [
      ...FIXTURE_PII,
      "jöhn",
      "doe-smith",
      "baker",
      "san francisco",
      "94103",
      "Leave at the door",
    ]) {
      expect(text.toLowerCase()).not.toContain(raw.toLowerCase());
    }
  });

  it("a guest (customer_id 0) has no external id", async () => {
    const [{ event }] = await eventsOf(wooOrder({ id: 3003, customerId: 0 }));
    expect(event.identity.meta.external_id).toBeUndefined();
  });

  it("decodes the bytes PHP sent: \\u escapes and \\/ become the real text", async () => {
    const [{ event }] = await eventsOf(PHP_ORDER_BODY);
    expect(event).toMatchObject({
      order: { id: "4101", currency: "EUR", value: "23.15", tax: "3.19", shipping: "4.95", discount: "0.00" },
      client: { userAgent: "Mozilla/5.0 (X11; Linux x86_64) RelayTest/1.0" },
      // Decoded from \u00e9, then kept as the URL parser (and a browser's location.href) writes it.
      attribution: { landingUrl: "https://shop.example/caf%C3%A9/?utm_source=newsletter" },
    });
    expect(event.order.items).toEqual([
      { id: "93", sku: "MUG-CAFE", name: "Café crème mug", price: "15.01", quantity: 1 },
    ]);
    expect(event.order.coupon).toBeUndefined();
    expect(event.identity.meta.external_id).toBeUndefined();
  });

  it("occurredAt is when the order was paid, else when it was placed", async () => {
    const [paid] = await eventsOf(
      wooOrder({ id: 3004, createdAt: "2026-11-20T09:00:00", paidAt: "2026-11-26T10:00:00" }),
    );
    const [unpaid] = await eventsOf(wooOrder({ id: 3005, createdAt: "2026-11-20T09:00:00", paidAt: null }));
    expect(paid.event.occurredAt).toBe("2026-11-26T10:00:00Z");
    expect(unpaid.event.occurredAt).toBe("2026-11-20T09:00:00Z");
  });

  it.each([
    ["pending", []],
    ["failed", []],
    ["on-hold", []],
    ["checkout-draft", []],
    ["processing", ["purchase"]],
    ["completed", ["purchase"]],
  ])("status %s → %j", async (status, kinds) => {
    const verdict = await verdictOf(wooOrder({ id: 3010, status }));
    expect(verdict.outcome).toBe("events");
    if (verdict.outcome === "events") expect(verdict.events.map((n) => n.event.kind)).toEqual(kinds);
  });

  it("WOOCOMMERCE_PAID_STATUSES decides which statuses are paid (with or without wc-)", async () => {
    const env = { WOOCOMMERCE_PAID_STATUSES: "wc-completed" };
    expect(await eventsOf(wooOrder({ id: 3011, status: "processing" }), env)).toEqual([]);
    expect(
      (await eventsOf(wooOrder({ id: 3011, status: "completed" }), env)).map((n) => n.event.kind),
    ).toEqual(["purchase"]);
  });

  it.each([
    ["checkout", "web"],
    ["store-api", "web"],
    ["admin", "draft"],
    ["pos-rest-api", "pos"],
    ["woocommerce-pos", "pos"],
    ["subscription", "recurring"],
    ["rest-api", "other"],
    ["deposits", "other"],
    ["constructor", "other"],
  ])("created_via %s is the %s channel", async (createdVia, channel) => {
    const [{ event }] = await eventsOf({ ...wooOrder({ id: 3012 }), created_via: createdVia });
    expect(event.channel).toBe(channel);
  });

  it("each event names the shop's own site: X-WC-Webhook-Source without query or fragment", async () => {
    const loaded = loadConfig({ WOOCOMMERCE_WEBHOOK_SECRET: WOO_SECRET, WOOCOMMERCE_URL: WOO_SOURCE });
    if (!loaded.ok) throw new Error(loaded.reason.join());
    const request = await wooRequest(wooOrder({ id: 3013, refunds: [{ id: 3113, total: "-1.00" }] }), {
      source: "https://Shop.Example/store/?lang=fr#top",
    });
    const bytes = new Uint8Array(await request.arrayBuffer());
    const verdict = await woocommerce.handle({ headers: request.headers, bytes }, loaded.value);
    if (verdict.outcome !== "events") throw new Error(JSON.stringify(verdict));
    expect(verdict.events.map((n) => n.event.shopUrl)).toEqual([
      "https://shop.example/store/",
      "https://shop.example/store/",
    ]);
  });
});

describe("WooCommerce refunds", () => {
  it("each entry of `refunds` is one refund with a positive value, next to the purchase, 0.00 too", async () => {
    const events = await eventsOf(
      wooOrder({
        id: 3020,
        modifiedAt: "2026-11-29T08:00:00",
        refunds: [
          { id: 3021, total: "-10.00", reason: "Damaged" },
          { id: 3022, total: "-5.5" },
          { id: 3023, total: "0.00" },
        ],
      }),
    );
    expect(events.map((n) => n.event.id)).toEqual([
      `woocommerce:${WOO_SHOP}:purchase:3020`,
      `woocommerce:${WOO_SHOP}:refund:3021`,
      `woocommerce:${WOO_SHOP}:refund:3022`,
      `woocommerce:${WOO_SHOP}:refund:3023`,
    ]);
    expect(events[1].onlyIfRecorded).toBeUndefined();
    // An entry says only its total: the event keeps the order's own money for CONVERSION_VALUE.
    expect(events[1].event).toMatchObject({
      kind: "refund",
      occurredAt: "2026-11-29T08:00:00Z",
      order: { id: "3020", currency: "USD", value: "48.89", subtotal: "39.90", tax: "3.99", items: [] },
      refund: { id: "3021", value: "10.00", items: [], full: false },
      client: {},
    });
    expect(events[2].event.refund?.value).toBe("5.50");
    // Stored like any other, and recorded skipped by every destination (test/e2e/woocommerce.test.ts).
    expect(events[3].event.refund?.value).toBe("0.00");
  });

  it("cancelled: the whole order, only if its purchase was recorded", async () => {
    const events = await eventsOf(
      wooOrder({ id: 3030, status: "cancelled", modifiedAt: "2026-11-28T12:00:00" }),
    );
    expect(events).toHaveLength(1);
    expect(events[0].onlyIfRecorded).toBe(`woocommerce:${WOO_SHOP}:purchase:3030`);
    expect(events[0].event).toMatchObject({
      id: `woocommerce:${WOO_SHOP}:refund:full-3030`,
      kind: "refund",
      occurredAt: "2026-11-28T12:00:00Z",
      refund: { id: "full-3030", value: "48.89", items: [], full: true },
    });
  });

  it("refunded by status with WooCommerce's own refund entry for the total: counted once", async () => {
    const events = await eventsOf(
      wooOrder({ id: 3040, status: "refunded", refunds: [{ id: 3041, total: "-48.89" }] }),
    );
    expect(events.map((n) => [n.event.id, n.event.refund?.value])).toEqual([
      [`woocommerce:${WOO_SHOP}:refund:3041`, "48.89"],
    ]);
  });

  it("a partial refund then a cancellation: the cancellation reverses only the rest", async () => {
    const events = await eventsOf(
      wooOrder({ id: 3050, status: "cancelled", refunds: [{ id: 3051, total: "-10.00" }] }),
    );
    expect(events.map((n) => [n.event.id, n.event.refund, n.onlyIfRecorded])).toEqual([
      [
        `woocommerce:${WOO_SHOP}:refund:3051`,
        { id: "3051", value: "10.00", items: [], full: false },
        undefined,
      ],
      [
        `woocommerce:${WOO_SHOP}:refund:full-3050`,
        { id: "full-3050", value: "38.89", items: [], full: false },
        `woocommerce:${WOO_SHOP}:purchase:3050`,
      ],
    ]);
  });

  it("a trashed order reads like a cancelled one", async () => {
    const events = await eventsOf(wooOrder({ id: 3060, status: "trash" }));
    expect(events.map((n) => n.event.id)).toEqual([`woocommerce:${WOO_SHOP}:refund:full-3060`]);
  });

  it("WOOCOMMERCE_REFUND_ON_CANCEL=false: a cancellation is no refund, explicit refunds still are", async () => {
    const env = { WOOCOMMERCE_REFUND_ON_CANCEL: "false" };
    expect(await eventsOf(wooOrder({ id: 3070, status: "cancelled" }), env)).toEqual([]);
    const refunded = await eventsOf(
      wooOrder({ id: 3071, status: "refunded", refunds: [{ id: 3072, total: "-1.00" }] }),
      env,
    );
    expect(refunded.map((n) => n.event.id)).toEqual([`woocommerce:${WOO_SHOP}:refund:3072`]);
  });
});
