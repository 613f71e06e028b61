// The demo's sample webhooks, one per source plus a refund and a duplicate. Plain data and
// no Node imports: `npm run demo` signs and posts them, and test/demo-golden.test.ts runs
// the same ones through the Worker to hold their payloads in test/golden/demo/.

const BIG_ORDER_ID = "5000000000000001001";

/** Shopify writes ids above 2^53 as bare digits; JSON.stringify cannot, so they are spliced in. */
function shopifyText(value) {
  return JSON.stringify(value).replace(/"(id|order_id|product_id)":"(\d{16,})"/g, '"$1":$2');
}

/** WooCommerce's date_*_gmt: UTC without a zone. */
const wooDate = (date) => date.toISOString().slice(0, 19);

const shopifyOrder = (createdAt) => ({
  id: BIG_ORDER_ID,
  name: "#1001",
  order_number: 1001,
  email: "demo.customer@example.com",
  phone: "+1 415 555 0100",
  created_at: createdAt,
  financial_status: "paid",
  test: false,
  source_name: "web",
  currency: "USD",
  total_price: "54.40",
  total_tax: "4.40",
  total_discounts: "5.00",
  total_shipping_price_set: {
    shop_money: { amount: "5.00", currency_code: "USD" },
    presentment_money: { amount: "5.00", currency_code: "USD" },
  },
  discount_codes: [{ code: "DEMO5" }],
  client_details: { browser_ip: "198.51.100.20", user_agent: "Mozilla/5.0 (demo)" },
  note_attributes: [{ name: "_tr_ga_cid", value: "1111111111.1700000000" }],
  billing_address: {
    first_name: "Demo",
    last_name: "Customer",
    city: "Portland",
    province_code: "OR",
    zip: "97201",
    country_code: "US",
  },
  customer: { id: "6000000000000000001" },
  line_items: [
    {
      id: "16000000000000001",
      product_id: "7000000000000001",
      sku: "DEMO-MUG",
      title: "Demo mug",
      vendor: "tagrelay",
      price: "25.00",
      quantity: 2,
      discount_allocations: [{ amount: "5.00" }],
    },
  ],
});

const shopifyRefund = (createdAt) => ({
  id: "5000000000000002001",
  order_id: BIG_ORDER_ID,
  created_at: createdAt,
  refund_line_items: [
    {
      quantity: 1,
      subtotal: "22.50",
      total_tax: "2.00",
      line_item: shopifyOrder(createdAt).line_items[0],
    },
  ],
  transactions: [{ kind: "refund", status: "success", amount: "24.50", currency: "USD" }],
});

const wooOrder = (now) => ({
  id: 4242,
  number: "4242",
  status: "processing",
  currency: "EUR",
  date_created_gmt: wooDate(new Date(now.getTime() - 90_000)),
  date_paid_gmt: wooDate(now),
  discount_total: "0.00",
  shipping_total: "4.95",
  total_tax: "3.19",
  total: "23.15",
  customer_id: 0,
  customer_ip_address: "198.51.100.21",
  customer_user_agent: "Mozilla/5.0 (demo)",
  created_via: "checkout",
  billing: {
    first_name: "Démo",
    last_name: "Client",
    email: "demo.client@example.com",
    city: "Lyon",
    postcode: "69001",
    country: "FR",
  },
  meta_data: [{ id: 1, key: "_wc_order_attribution_utm_source", value: "newsletter" }],
  line_items: [
    {
      id: 1,
      name: "Café mug",
      product_id: 93,
      variation_id: 0,
      sku: "MUG-CAFE",
      quantity: 1,
      subtotal: "15.01",
      total: "15.01",
      price: 15.01,
    },
  ],
  coupon_lines: [],
  refunds: [],
});

/** PHP's wp_json_encode escapes "/" and non-ASCII; WooCommerce signs exactly those bytes. */
function phpJson(value) {
  return JSON.stringify(value)
    .replaceAll("/", "\\/")
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

const magentoOrder = (createdAt) => ({
  order: {
    entity_id: 3001,
    increment_id: "000003001",
    state: "processing",
    created_at: createdAt,
    order_currency_code: "USD",
    grand_total: 49,
    tax_amount: 4,
    shipping_amount: 5,
    discount_amount: 0,
    customer_email: "demo.magento@example.com",
    remote_ip: "198.51.100.22",
    billing_address: {
      firstname: "Demo",
      lastname: "Magento",
      city: "Austin",
      region_code: "TX",
      postcode: "78701",
      country_id: "US",
    },
    items: [
      {
        item_id: 1,
        product_id: 11,
        product_type: "simple",
        sku: "DEMO-TEE",
        name: "Demo tee",
        price: 20,
        qty_ordered: 2,
        discount_amount: 0,
      },
    ],
  },
});

/**
 * Each sample: where it goes, its body text, how it is authenticated (the demo signs with
 * the secrets in .dev.vars) and the conversion ids it should produce.
 */
export function demoSamples(now = new Date()) {
  const iso = now.toISOString();
  return [
    {
      name: "shopify-purchase",
      source: "shopify",
      topic: "orders/create",
      shop: "demo-shop.myshopify.com",
      body: shopifyText(shopifyOrder(iso)),
      expect: "accepted",
      eventIds: [`shopify:demo-shop.myshopify.com:purchase:${BIG_ORDER_ID}`],
    },
    {
      name: "shopify-duplicate",
      source: "shopify",
      topic: "orders/paid",
      shop: "demo-shop.myshopify.com",
      body: shopifyText(shopifyOrder(iso)),
      expect: "duplicate",
      eventIds: [],
    },
    {
      name: "shopify-refund",
      source: "shopify",
      topic: "refunds/create",
      shop: "demo-shop.myshopify.com",
      body: shopifyText(shopifyRefund(iso)),
      expect: "accepted",
      eventIds: ["shopify:demo-shop.myshopify.com:refund:5000000000000002001"],
    },
    {
      name: "woocommerce-purchase",
      source: "woocommerce",
      topic: "order.updated",
      shop: "demo-woo.example",
      body: phpJson(wooOrder(now)),
      expect: "accepted",
      eventIds: ["woocommerce:demo-woo.example:purchase:4242"],
    },
    {
      name: "magento-purchase",
      source: "magento",
      topic: "sales_order_save_after",
      shop: "demo-magento.example",
      body: JSON.stringify(magentoOrder(iso)),
      expect: "accepted",
      eventIds: ["magento:demo-magento.example:purchase:3001"],
    },
  ];
}

/** Headers that authenticate a sample, given its signature (base64 HMAC-SHA256 of the body). */
export function sampleHeaders(sample, signature) {
  const base = { "content-type": "application/json" };
  if (sample.source === "shopify") {
    return {
      ...base,
      "x-shopify-topic": sample.topic,
      "x-shopify-shop-domain": sample.shop,
      "x-shopify-webhook-id": `demo-${sample.name}`,
      "x-shopify-hmac-sha256": signature,
    };
  }
  if (sample.source === "woocommerce") {
    return {
      ...base,
      "x-wc-webhook-topic": sample.topic,
      "x-wc-webhook-resource": "order",
      "x-wc-webhook-event": "updated",
      "x-wc-webhook-source": `https://${sample.shop}/`,
      "x-wc-webhook-id": "1",
      "x-wc-webhook-delivery-id": `demo-${sample.name}`,
      "x-wc-webhook-signature": signature,
    };
  }
  return { ...base, "x-tagrelay-shop": sample.shop, "x-tagrelay-signature": signature };
}

/** The shop bindings the samples speak for (.dev.vars.example carries the same). */
export const DEMO_SHOPS = {
  SHOPIFY_SHOP: "demo-shop.myshopify.com",
  WOOCOMMERCE_URL: "https://demo-woo.example/",
  MAGENTO_URL: "https://demo-magento.example/",
};

/** Which .dev.vars secret signs each source. */
export const SECRET_NAMES = {
  shopify: "SHOPIFY_WEBHOOK_SECRET",
  woocommerce: "WOOCOMMERCE_WEBHOOK_SECRET",
  magento: "MAGENTO_WEBHOOK_SECRET",
};

/** Time fields differ on every run; golden files hold them as placeholders. */
export function withoutClock(body) {
  const copy = JSON.parse(JSON.stringify(body));
  if (copy && "timestamp_micros" in copy) copy.timestamp_micros = "<timestamp_micros>";
  // A batch body's events: `data: [...]` (Meta, TikTok, Pinterest, Snapchat, Microsoft) or Reddit's `data.events`.
  const entries = Array.isArray(copy?.data) ? copy.data : (copy?.data?.events ?? []);
  for (const entry of entries) {
    for (const field of ["event_time", "eventTime", "event_at"])
      if (field in entry) entry[field] = `<${field}>`;
  }
  return copy;
}
