/**
 * A user agent and what was parsed from it, stored once in `agents` and
 * referred to by id from each event, instead of nine columns (the agent
 * string alone ~100–200 bytes) on every row. A site's traffic has few
 * distinct agents, so an event row shrinks by about half; an insert costs
 * the writer about a third less, and the WAL and the checkpoint carry that
 * much less. The parse is part of the key: an event
 * refers to the agent row that holds exactly the parse it was counted with.
 *
 * The table is rebuilt with its rows in seq order; the AUTOINCREMENT counter
 * is carried over, so seq never goes back (see rollup_state).
 */
export const name = 'agents-table';

export const sql = `
CREATE TABLE agents (
  id INTEGER PRIMARY KEY,
  useragent TEXT NOT NULL,
  browser TEXT,
  browser_version TEXT,
  os TEXT,
  os_version TEXT,
  device TEXT NOT NULL,
  vendor TEXT,
  model TEXT,
  is_bot INTEGER NOT NULL
);
-- one point lookup per agent and parse (IS: a NULL field matches NULL)
CREATE INDEX agents_parse ON agents(useragent, browser, browser_version, os, os_version, device, vendor, model, is_bot);

INSERT INTO agents (useragent, browser, browser_version, os, os_version, device, vendor, model, is_bot)
  SELECT DISTINCT useragent, browser, browser_version, os, os_version, device, vendor, model, is_bot FROM events;

CREATE TABLE events_with_agent_ids (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  service_id INTEGER NOT NULL,
  ts INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  url TEXT NOT NULL,
  ip TEXT NOT NULL,
  agent_id INTEGER NOT NULL,
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
  extra TEXT
);
INSERT INTO events_with_agent_ids
  SELECT e.seq, e.service_id, e.ts, e.received_at, e.url, e.ip, a.id, e.username, e.method, e.status,
         e.duration_ms, e.referrer, e.event_key, e.country, e.country_name, e.region, e.city, e.lat, e.lng, e.extra
  FROM events e JOIN agents a
    ON a.useragent = e.useragent AND a.browser IS e.browser AND a.browser_version IS e.browser_version
   AND a.os IS e.os AND a.os_version IS e.os_version AND a.device = e.device AND a.vendor IS e.vendor
   AND a.model IS e.model AND a.is_bot = e.is_bot
  ORDER BY e.seq;

CREATE TEMP TABLE events_counter AS SELECT seq FROM sqlite_sequence WHERE name = 'events';
DROP TABLE events;
ALTER TABLE events_with_agent_ids RENAME TO events;
UPDATE sqlite_sequence SET seq = max(seq, coalesce((SELECT seq FROM temp.events_counter), 0)) WHERE name = 'events';
INSERT INTO sqlite_sequence (name, seq)
  SELECT 'events', seq FROM temp.events_counter WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'events');
DROP TABLE temp.events_counter;

CREATE INDEX events_service_ts_geo ON events(service_id, ts, lat, lng);
CREATE UNIQUE INDEX events_service_key ON events(service_id, event_key) WHERE event_key IS NOT NULL;
`;
