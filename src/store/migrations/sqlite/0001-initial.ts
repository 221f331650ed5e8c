/**
 * The initial schema. Every table holding service data leads with
 * `service_id`, so a distributed backend can shard by it unchanged.
 * Indexes are kept to what queries need: each one costs every insert.
 */
export const name = 'initial';

export const sql = `
CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  admin INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);

CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expires ON sessions(expires_at);

CREATE TABLE api_tokens (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  label TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

-- AUTOINCREMENT: a removed service's id is never handed out again, so an old
-- sender still posting to it cannot land in someone else's service.
-- No cascade from users: removing a user removes their services explicitly,
-- with the events and rollups that carry no foreign key.
CREATE TABLE services (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  owner_id INTEGER NOT NULL REFERENCES users(id),
  secret TEXT NOT NULL,
  previous_secret TEXT,
  previous_secret_until INTEGER,
  settings TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL
);
CREATE INDEX services_owner ON services(owner_id);

CREATE TABLE service_shares (
  service_id INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  PRIMARY KEY (service_id, user_id)
) WITHOUT ROWID;
CREATE INDEX service_shares_user ON service_shares(user_id);

-- Raw events. No foreign key to services: a per-row check would cost every
-- insert, and removeService deletes them explicitly. AUTOINCREMENT: seq never
-- goes back after deletes, so "seq > rollup watermark" always means "not yet
-- rolled up" (see rollup_state).
CREATE TABLE events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  service_id INTEGER NOT NULL,
  ts INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  url TEXT NOT NULL,
  ip TEXT NOT NULL,
  useragent TEXT NOT NULL,
  username TEXT,
  method TEXT,
  status INTEGER,
  duration_ms REAL,
  referrer TEXT,
  event_key TEXT,
  country TEXT,
  country_name TEXT,
  region TEXT,
  city TEXT,
  lat REAL,
  lng REAL,
  browser TEXT,
  browser_version TEXT,
  os TEXT,
  os_version TEXT,
  device TEXT NOT NULL,
  vendor TEXT,
  model TEXT,
  is_bot INTEGER NOT NULL,
  extra TEXT
);
CREATE INDEX events_service_ts ON events(service_id, ts);
CREATE UNIQUE INDEX events_service_key ON events(service_id, event_key) WHERE event_key IS NOT NULL;

CREATE TABLE replay_keys (
  service_id INTEGER NOT NULL,
  key TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (service_id, key)
) WITHOUT ROWID;
CREATE INDEX replay_keys_expires ON replay_keys(expires_at);

-- Aggregated counts per bucket. dim 'requests' (key '') at second, minute,
-- hour and day; the ranked dimensions at minute and hour (window expiry).
CREATE TABLE rollups (
  service_id INTEGER NOT NULL,
  dim TEXT NOT NULL,
  res TEXT NOT NULL,
  bucket INTEGER NOT NULL,
  key TEXT NOT NULL,
  requests INTEGER NOT NULL,
  PRIMARY KEY (service_id, dim, res, bucket, key)
) WITHOUT ROWID;
-- expiry and pruning read one bucket of every service at once
CREATE INDEX rollups_res_bucket ON rollups(res, bucket);

-- Materialized sliding windows: the ranking of a window is an index range.
CREATE TABLE window_counts (
  service_id INTEGER NOT NULL,
  dim TEXT NOT NULL,
  win TEXT NOT NULL,
  key TEXT NOT NULL,
  requests INTEGER NOT NULL,
  PRIMARY KEY (service_id, dim, win, key)
) WITHOUT ROWID;
CREATE INDEX window_counts_rank ON window_counts(service_id, dim, win, requests DESC);

-- Per sliding window: the start of the last bucket already subtracted.
CREATE TABLE window_state (
  win TEXT PRIMARY KEY,
  expired_through INTEGER NOT NULL
) WITHOUT ROWID;

-- Rollups of events with seq <= applied_through_seq are in rollups and
-- window_counts; later events are (or, after a crash, are rebuilt) in memory.
CREATE TABLE rollup_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  applied_through_seq INTEGER NOT NULL
);
INSERT INTO rollup_state (id, applied_through_seq) VALUES (1, 0);

-- Where a city key is (first position seen); reference data, not per service.
CREATE TABLE places (
  key TEXT PRIMARY KEY,
  city TEXT NOT NULL,
  region TEXT,
  country TEXT NOT NULL,
  lat REAL,
  lng REAL
) WITHOUT ROWID;
`;
