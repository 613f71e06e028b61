-- tagrelay D1 schema: the outbox (events) and the ledger (deliveries).
-- Applied by `npm start` (local), by the tests, and by hand before the first deploy.
-- Only hashed identifiers are ever stored: no e-mail, phone, name or address in the clear.

CREATE TABLE IF NOT EXISTS events (
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
  payload TEXT NOT NULL,            -- the CommerceEvent as JSON
  enqueue_error TEXT                -- set when the Queue send failed: the sweep re-enqueues
);
CREATE INDEX IF NOT EXISTS events_received ON events (received_at);
CREATE INDEX IF NOT EXISTS events_order ON events (source, shop, order_id);

CREATE TABLE IF NOT EXISTS deliveries (
  event_id TEXT NOT NULL,
  destination TEXT NOT NULL,        -- ga4 | meta
  status TEXT NOT NULL,             -- sending | retrying | sent | failed | skipped | expired | dead | dry-run
  attempts INTEGER NOT NULL DEFAULT 0,
  last_http_status INTEGER,
  reason TEXT,
  lease_until INTEGER,              -- ms epoch: a consumer holds this row while sending
  next_attempt_at INTEGER,          -- ms epoch of the scheduled retry
  request_body TEXT,                -- dry-run only: the body that would have been sent, secrets redacted
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (event_id, destination)
) WITHOUT ROWID;                    -- small rows keyed by text: no second copy of the key to write
CREATE INDEX IF NOT EXISTS deliveries_status ON deliveries (status, updated_at);

-- Webhooks per hour, source and outcome (accepted | duplicate | ignored | ping | rejected | unavailable),
-- for /admin. Counted in memory per isolate and added here at most every ~10 s, so approximate:
-- counts an isolate still holds when it is evicted are lost. hour = floor(ms epoch / 3600000).
CREATE TABLE IF NOT EXISTS webhook_counts (
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
CREATE TABLE IF NOT EXISTS admin_sessions (
  id_hash TEXT PRIMARY KEY,         -- hex SHA-256 of the cookie's id
  token_fingerprint TEXT NOT NULL,  -- hex SHA-256 of the ADMIN_TOKEN it was issued under (prefixed), never the token
  expires_at INTEGER NOT NULL,      -- ms epoch
  created_at TEXT NOT NULL
) WITHOUT ROWID;
