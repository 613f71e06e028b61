-- 0005: reconciliation against the shops' own APIs, and the coverage report built on it.
--   events.recovered_at: when reconciliation stored an event no webhook had brought (NULL for a webhook's);
--     set by the one INSERT that stores the event, so a webhook's order costs no extra write.
--   reconcile_state: per source and shop, how far its order listing has come (watermark, the listing
--     under way, the run holding it), and which day's coverage alert was raised.
--   shop_orders: every order a listing saw, with the purchase event it converts to: the shop's own
--     count, which coverage divides by.
ALTER TABLE events ADD COLUMN recovered_at TEXT;

CREATE TABLE reconcile_state (
  source TEXT NOT NULL,
  shop TEXT NOT NULL,
  started_at TEXT NOT NULL,
  watermark TEXT NOT NULL,
  cursor TEXT,
  lease_until INTEGER,
  last_run_at TEXT,
  caught_up_at TEXT,
  last_error TEXT,
  alerted_day TEXT,
  PRIMARY KEY (source, shop)
) WITHOUT ROWID;

CREATE TABLE shop_orders (
  source TEXT NOT NULL,
  shop TEXT NOT NULL,
  order_id TEXT NOT NULL,
  event_id TEXT,
  placed_at TEXT NOT NULL,
  updated_at TEXT,
  note TEXT,
  listed_at TEXT NOT NULL,
  PRIMARY KEY (source, shop, order_id)
) WITHOUT ROWID;
CREATE INDEX shop_orders_placed ON shop_orders (placed_at);
