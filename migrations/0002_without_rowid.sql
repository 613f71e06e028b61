-- 0002: deliveries and webhook_counts as WITHOUT ROWID tables (small rows keyed by text: no second
-- copy of the key to write). 0.1.0 databases created before that change have rowid tables, and
-- 0001 cannot change an existing table, so both are rebuilt here whatever they were.

CREATE TABLE deliveries_0002 (
  event_id TEXT NOT NULL,
  destination TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_http_status INTEGER,
  reason TEXT,
  lease_until INTEGER,
  next_attempt_at INTEGER,
  request_body TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (event_id, destination)
) WITHOUT ROWID;
INSERT INTO deliveries_0002 (event_id, destination, status, attempts, last_http_status, reason, lease_until,
  next_attempt_at, request_body, created_at, updated_at)
SELECT event_id, destination, status, attempts, last_http_status, reason, lease_until,
  next_attempt_at, request_body, created_at, updated_at FROM deliveries;
DROP TABLE deliveries;
ALTER TABLE deliveries_0002 RENAME TO deliveries;
CREATE INDEX deliveries_status ON deliveries (status, updated_at);

CREATE TABLE webhook_counts_0002 (
  hour INTEGER NOT NULL,
  source TEXT NOT NULL,
  outcome TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (hour, source, outcome)
) WITHOUT ROWID;
INSERT INTO webhook_counts_0002 (hour, source, outcome, n) SELECT hour, source, outcome, n FROM webhook_counts;
DROP TABLE webhook_counts;
ALTER TABLE webhook_counts_0002 RENAME TO webhook_counts;
