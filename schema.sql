-- tagrelay D1 schema: the outbox and its ledger (events), complete and current.
-- For reading: databases are built by the files in migrations/ (`wrangler d1 migrations apply`,
-- run by `npm start` locally, `npm run deploy` remotely, and the tests), and test/store/migrations.test.ts
-- checks that they build exactly this. A change goes into a new migration and into this file.
-- What is kept (README "What is stored", docs/operations.md "Personal data at rest"):
--   hashed identifiers only (SHA-256 of e-mail, phone, names, street, city, region, zip, country,
--   customer id; the country's ISO code also in the clear, as GA4 takes it): no e-mail, phone, name
--   or address in the clear; the order's money, items, coupon codes and ids;
--   attribution ids (GA client / session id, fbp, fbc, gclid); the landing URL reduced to its site,
--   path, utm_* and click ids (src/attribution/landing-url.ts); consent choices.
--   The client IP and user agent only until every enabled destination is final for the event
--   (sent, failed, skipped, expired, dead or dry-run), and at most 8 days after it was received.
--   The last 5 request bodies and answers per destination (capped), and dry-run bodies, with
--   credentials, client IP and user agent redacted.
--   Every row is deleted RETENTION_DAYS (default 30) after it was received.

CREATE TABLE events (
  id TEXT PRIMARY KEY,              -- <source>:<shop>:<kind>:<id>, the dedupe key
  source TEXT NOT NULL,
  shop TEXT NOT NULL,
  kind TEXT NOT NULL,               -- purchase | refund
  order_id TEXT NOT NULL,
  order_number TEXT,
  occurred_at TEXT NOT NULL,        -- when the order was placed / the refund created
  received_at TEXT NOT NULL,        -- when the webhook reached us
  test INTEGER NOT NULL DEFAULT 0,
  topic TEXT,
  webhook_id TEXT,
  payload TEXT NOT NULL,            -- the CommerceEvent as JSON: hashes, money, items, ids, attribution,
                                    -- reduced landing URL, consent; client {ip, userAgent} until final
                                    -- (consumer, dead letters, sweep: at most 8 days), then {}
  enqueue_error TEXT,               -- set when the Queue send failed: the sweep re-enqueues
  ledger TEXT NOT NULL DEFAULT '{}', -- the ledger: one entry per destination (ga4 | meta), {
                                    --   status: sending | retrying | sent | failed | skipped | expired | dead | dry-run,
                                    --   attempts, last_http_status, reason, next_attempt_at (ms epoch of the
                                    --   scheduled retry), created_at, updated_at; while a consumer sends:
                                    --   lease_until (ms epoch) and claim (that consumer run), and in dry-run mode
                                    --   request_body, secrets and Meta's client_ip_address / client_user_agent
                                    --   redacted }. Written by single UPDATEs that each touch only their own
                                    -- entries (src/store/ledger.ts), so the row is the unit of exactly-once.
  due_at INTEGER,                   -- earliest next_attempt_at of a retrying entry, else NULL: the sweep's index
  recovered_at TEXT                 -- when reconciliation stored it because no webhook had (NULL: a webhook did)
) WITHOUT ROWID;                    -- keyed by text: no second copy of the key to write
CREATE INDEX events_received ON events (received_at);
CREATE INDEX events_order ON events (source, shop, order_id);
-- Partial: an order delivered on its first attempt never writes an entry here.
CREATE INDEX events_due ON events (due_at) WHERE due_at IS NOT NULL;

-- The ledger as rows, one per event and destination, for reading (the admin, `wrangler d1 execute`).
CREATE VIEW deliveries AS
SELECT e.id AS event_id, d.key AS destination,
  d.value ->> '$.status' AS status,
  d.value ->> '$.attempts' AS attempts,
  d.value ->> '$.last_http_status' AS last_http_status,
  d.value ->> '$.reason' AS reason,
  d.value ->> '$.lease_until' AS lease_until,
  d.value ->> '$.next_attempt_at' AS next_attempt_at,
  d.value ->> '$.request_body' AS request_body,
  d.value ->> '$.created_at' AS created_at,
  d.value ->> '$.updated_at' AS updated_at
FROM events e, json_each(e.ledger) d;

-- Webhooks per hour, source and outcome (accepted | duplicate | ignored | ping | rejected | unavailable),
-- for /admin. Counted in memory per isolate and added here at most every ~10 s, so approximate:
-- counts an isolate still holds when it is evicted are lost. hour = floor(ms epoch / 3600000).
CREATE TABLE webhook_counts (
  hour INTEGER NOT NULL,
  source TEXT NOT NULL,
  outcome TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (hour, source, outcome)
) WITHOUT ROWID;

-- Admin sign-ins. The cookie holds a random 256-bit id; only its SHA-256 is kept here, so a copy
-- of this table signs nobody in. A session ends at its expiry, on sign-out (the row is deleted)
-- and when ADMIN_TOKEN changes (token_fingerprint no longer matches). Expired rows and rows of an
-- earlier token are deleted at the next sign-in.
CREATE TABLE admin_sessions (
  id_hash TEXT PRIMARY KEY,         -- hex SHA-256 of the cookie's id
  token_fingerprint TEXT NOT NULL,  -- hex SHA-256 of the ADMIN_TOKEN it was issued under (prefixed), never the token
  expires_at INTEGER NOT NULL,      -- ms epoch
  created_at TEXT NOT NULL
) WITHOUT ROWID;

-- Reconciliation (src/reconcile/): per source and shop, how far the listing of the shop's orders has come.
-- Holds no credential and no personal data: times, an opaque listing position and fixed-word reasons.
CREATE TABLE reconcile_state (
  source TEXT NOT NULL,
  shop TEXT NOT NULL,
  started_at TEXT NOT NULL,         -- where the first listing began: coverage counts orders placed from here
  watermark TEXT NOT NULL,          -- the next listing starts here: every order changed before it was listed
  cursor TEXT,                      -- JSON: the listing under way (its window, page and position), NULL between listings
  lease_until INTEGER,              -- ms epoch: the run listing this source holds it until then
  last_run_at TEXT,
  caught_up_at TEXT,                -- when a listing last reached its end
  last_error TEXT,                  -- why the last run stopped early (HTTP status, rate limit, malformed page), else NULL
  alerted_day TEXT,                 -- the last day a coverage alert was raised for (once per day)
  PRIMARY KEY (source, shop)
) WITHOUT ROWID;

-- Every order a listing saw: the shop's own count, which coverage divides by. No personal data.
-- Deleted RETENTION_DAYS after the order was placed, like the events.
CREATE TABLE shop_orders (
  source TEXT NOT NULL,
  shop TEXT NOT NULL,
  order_id TEXT NOT NULL,
  event_id TEXT,                    -- the purchase it converts to; NULL when the listing found no conversion in it
  placed_at TEXT NOT NULL,          -- when it was placed (the purchase's occurred_at): its coverage day
  updated_at TEXT,                  -- its last change, as the shop reported it
  note TEXT,                        -- why it is no conversion (fixed words: "order state is not a purchase", …)
  listed_at TEXT NOT NULL,
  PRIMARY KEY (source, shop, order_id)
) WITHOUT ROWID;
CREATE INDEX shop_orders_placed ON shop_orders (placed_at);

-- Identifiers a browser posted to POST /collect (src/storefront/collect.ts): the Shopify customer-events
-- pixel on checkout, the WooCommerce thank-you snippet. Keyed by the SHA-256 of the order's browser key
-- (Shopify's checkout token, WooCommerce's order key: unguessable, known only to the buyer's browser and
-- the shop's webhook), never the key itself. The consumer merges a row into its purchase at the first
-- delivery (src/deliver/identifiers.ts), then sets merged_at and drops the row's client data; later
-- posts for a merged key change nothing. No e-mail, phone, name or address: attribution ids, the
-- landing URL reduced like the events', consent; the IP address and user agent only until merged, at
-- most 8 days (the sweep). Rows are deleted RETENTION_DAYS after the first post.
CREATE TABLE collected_identifiers (
  shop TEXT NOT NULL,               -- the configured shop the post named (x.myshopify.com, or the WooCommerce site's host)
  key_hash TEXT NOT NULL,           -- hex SHA-256 of the checkout token / order key (events.payload order.checkoutKey)
  source TEXT NOT NULL,             -- shopify | woocommerce
  identifiers TEXT NOT NULL,        -- JSON {attribution: {gaClientId, gaSessionId, fbp, fbc, click ids, landingUrl}, consent}
  client TEXT NOT NULL DEFAULT '{}', -- JSON {ip, userAgent} of the posting browser, until merged (or 8 days), then {}
  order_id TEXT,                    -- the order id the browser reported (Shopify's checkout_completed), for reading
  received_at TEXT NOT NULL,        -- the first post
  updated_at TEXT NOT NULL,         -- the last post that changed it
  merged_at TEXT,                   -- when the consumer merged it into its purchase; NULL until then
  PRIMARY KEY (shop, key_hash)
) WITHOUT ROWID;
CREATE INDEX collected_received ON collected_identifiers (received_at);
