-- 0006: identifiers a browser posted to /collect (the Shopify customer-events pixel, the WooCommerce
--   thank-you snippet), joined to the order's purchase at delivery.
--   collected_identifiers: per shop and SHA-256 of the order's browser key (Shopify's checkout token,
--     WooCommerce's order key), the attribution ids and consent the browser saw, and its IP and user
--     agent until they are merged into the purchase (or 8 days at most); deleted RETENTION_DAYS after
--     the first post.
CREATE TABLE collected_identifiers (
  shop TEXT NOT NULL,
  key_hash TEXT NOT NULL,
  source TEXT NOT NULL,
  identifiers TEXT NOT NULL,
  client TEXT NOT NULL DEFAULT '{}',
  order_id TEXT,
  received_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  merged_at TEXT,
  PRIMARY KEY (shop, key_hash)
) WITHOUT ROWID;
CREATE INDEX collected_received ON collected_identifiers (received_at);
