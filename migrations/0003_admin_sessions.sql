-- 0003: admin sessions kept server-side, so signing out and changing ADMIN_TOKEN end them.
-- The cookie holds a random 256-bit id; only its SHA-256 is stored here.
CREATE TABLE admin_sessions (
  id_hash TEXT PRIMARY KEY,         -- hex SHA-256 of the cookie's id
  token_fingerprint TEXT NOT NULL,  -- hex SHA-256 of the ADMIN_TOKEN it was issued under (prefixed), never the token
  expires_at INTEGER NOT NULL,      -- ms epoch
  created_at TEXT NOT NULL
) WITHOUT ROWID;
