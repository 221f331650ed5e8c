/**
 * Alerts: rules per service with their evaluation state, the transitions
 * they made, the channels of a service and the deliveries of each
 * transition to each channel, with every attempt.
 *
 * A rule's `version` is bumped by every state change or reminder, and the
 * evaluator writes with `UPDATE … WHERE id = ? AND version = ?`: of several
 * processes evaluating the same rule only one wins, and
 * UNIQUE (rule_id, rule_version) backs it, so one transition is one row.
 * UNIQUE (channel_id, transition_id) makes it one delivery per channel.
 */
export const name = 'alerts';

export const sql = `
CREATE TABLE alert_rules (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  service_id INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('spike', 'silence', 'error_share', 'p95', 'baseline')),
  window_seconds INTEGER NOT NULL,
  threshold REAL NOT NULL,
  min_requests INTEGER NOT NULL DEFAULT 0,
  errors_from INTEGER NOT NULL DEFAULT 500,
  url_prefix TEXT,
  for_seconds INTEGER NOT NULL DEFAULT 0,
  repeat_minutes INTEGER,
  muted_until INTEGER,
  created_at INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'ok' CHECK (state IN ('ok', 'firing')),
  condition_since INTEGER,
  state_changed_at INTEGER,
  last_value REAL,
  last_evaluated_at INTEGER,
  last_notified_at INTEGER,
  version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX alert_rules_service ON alert_rules(service_id);

CREATE TABLE alert_transitions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  rule_id INTEGER NOT NULL REFERENCES alert_rules(id) ON DELETE CASCADE,
  service_id INTEGER NOT NULL,
  rule_version INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('fired', 'resolved', 'reminder')),
  at INTEGER NOT NULL,
  value REAL,
  message TEXT NOT NULL,
  UNIQUE (rule_id, rule_version)
);
CREATE INDEX alert_transitions_service_at ON alert_transitions(service_id, at);

CREATE TABLE alert_channels (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  service_id INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('webhook', 'slack', 'discord', 'email')),
  target TEXT NOT NULL,
  secret TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX alert_channels_service ON alert_channels(service_id);

CREATE TABLE alert_deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  channel_id INTEGER NOT NULL REFERENCES alert_channels(id) ON DELETE CASCADE,
  transition_id INTEGER REFERENCES alert_transitions(id) ON DELETE CASCADE,
  message_id TEXT NOT NULL UNIQUE,
  payload TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'gave_up')),
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  lease_until INTEGER,
  last_attempt_at INTEGER,
  last_status INTEGER,
  last_answer TEXT,
  last_error TEXT,
  UNIQUE (channel_id, transition_id)
);
CREATE INDEX alert_deliveries_due ON alert_deliveries(status, next_attempt_at);

CREATE TABLE alert_delivery_attempts (
  delivery_id INTEGER NOT NULL REFERENCES alert_deliveries(id) ON DELETE CASCADE,
  attempt INTEGER NOT NULL,
  at INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  status INTEGER,
  answer TEXT,
  error TEXT,
  PRIMARY KEY (delivery_id, attempt)
);
`;
