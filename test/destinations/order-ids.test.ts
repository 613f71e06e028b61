import { describe, expect, it } from "vitest";
import { toGa4Payload } from "../../src/destinations/ga4";
import { toMetaEvent } from "../../src/destinations/meta";
import { CommerceEvent } from "../../src/model/commerce-event";
import { NOW, purchase, testConfig } from "../fixtures/events";

/** The fixture purchase as a source would have normalized it, with that platform's ids. */
function purchaseFrom(
  source: CommerceEvent["source"],
  shop: string,
  ids: { id: string; number: string },
  attribution: CommerceEvent["attribution"] = purchase.attribution,
): CommerceEvent {
  const order = { ...purchase.order, ...ids };
  return CommerceEvent.parse({
    ...purchase,
    id: `${source}:${shop}:purchase:${ids.id}`,
    source,
    shop,
    order,
    attribution,
  });
}

const shopifyPurchase = purchase;
// A sequential order numbers plugin: the number is not the post id.
const wooPurchase = purchaseFrom(
  "woocommerce",
  "shop.example",
  { id: "4101", number: "WC-2026-0042" },
  { ...purchase.attribution, metaEventId: "7c9e6679-7425-40de-944b-e07fc1f90ae7" },
);
const wooPurchaseWithoutMetaPlugin = purchaseFrom("woocommerce", "shop.example", {
  id: "4101",
  number: "WC-2026-0042",
});
const magentoPurchase = purchaseFrom("magento", "magento.example", { id: "3001", number: "000003001" });

const refundOf = (event: CommerceEvent) =>
  CommerceEvent.parse({
    ...event,
    id: event.id.replace(":purchase:", ":refund:"),
    kind: "refund",
    refund: { id: "880011", value: "10.00", items: [], full: false },
  });

async function ga4TransactionIds(event: CommerceEvent, settings: Record<string, string> = {}) {
  const config = testConfig(settings);
  const ids = [];
  for (const kind of [event, refundOf(event)]) {
    ids.push((await toGa4Payload(kind, config, NOW)).body.events[0].params.transaction_id);
  }
  return ids;
}

describe("each source's default ids: what that platform's standard tags send", () => {
  it.each([
    // Shopify: the Google & YouTube app's purchase is mapped from checkout_completed, whose order is its id.
    ["shopify", shopifyPurchase, "5551234567890123456"],
    // Google Analytics for WooCommerce 2.2+: $order->get_order_number().
    ["woocommerce", wooPurchase, "WC-2026-0042"],
    // Magento_GoogleGtag: $order->getIncrementId().
    ["magento", magentoPurchase, "000003001"],
  ])("GA4 transaction_id for %s, the same on the purchase and its refund", async (_, event, id) => {
    expect(await ga4TransactionIds(event)).toEqual([id, id]);
  });

  it.each([
    ["shopify", shopifyPurchase, "5551234567890123456"],
    // Facebook for WooCommerce stores its Purchase event id in the order's _meta_event_id.
    ["woocommerce with Facebook for WooCommerce", wooPurchase, "7c9e6679-7425-40de-944b-e07fc1f90ae7"],
    ["woocommerce without it", wooPurchaseWithoutMetaPlugin, "4101"],
    ["magento", magentoPurchase, "3001"],
  ])("Meta event_id for %s", (_, event, id) => {
    expect(toMetaEvent(event, testConfig()).event_id).toBe(id);
  });

  it("keeps a refund's Meta event_id its own: refund:<refund id>", () => {
    const config = testConfig({ META_REFUNDS: "custom" });
    expect(toMetaEvent(refundOf(wooPurchase), config).event_id).toBe("refund:880011");
  });
});

describe("id templates set by the owner", () => {
  it("one template for every source", async () => {
    const settings = { GA4_TRANSACTION_ID: "{order_id}" };
    expect(await ga4TransactionIds(magentoPurchase, settings)).toEqual(["3001", "3001"]);
    expect(await ga4TransactionIds(wooPurchase, settings)).toEqual(["4101", "4101"]);
    const meta = testConfig({ META_EVENT_ID: "order-{order_number}" });
    expect(toMetaEvent(shopifyPurchase, meta).event_id).toBe("order-#1042");
    expect(toMetaEvent(wooPurchase, meta).event_id).toBe("order-WC-2026-0042");
  });

  it("per source, the others keeping their defaults", async () => {
    const settings = { GA4_TRANSACTION_ID: "shopify={order_number}" };
    expect(await ga4TransactionIds(shopifyPurchase, settings)).toEqual(["#1042", "#1042"]);
    expect(await ga4TransactionIds(magentoPurchase, settings)).toEqual(["000003001", "000003001"]);
  });

  it("falls back to the order id for a value the order lacks", async () => {
    const unnumbered = CommerceEvent.parse({
      ...magentoPurchase,
      order: { ...magentoPurchase.order, number: undefined },
    });
    expect(await ga4TransactionIds(unnumbered)).toEqual(["3001", "3001"]);
  });
});
