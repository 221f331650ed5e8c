/**
 * API tokens get an id (to list and revoke them by), a scope, an optional
 * service they are bound to, an expiry and the time they were last used.
 * The table is rebuilt: SQLite cannot add a key column in place. Tokens made
 * before scopes existed could do everything their user could: they become
 * `admin` tokens, so nothing that works today stops working.
 */
export const name = 'scoped-tokens';

export const sql = `
CREATE TABLE api_tokens_scoped (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  token_hash TEXT NOT NULL UNIQUE,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  scope TEXT NOT NULL CHECK (scope IN ('read', 'admin', 'ingest')),
  service_id INTEGER REFERENCES services(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  last_used_at INTEGER
);
INSERT INTO api_tokens_scoped (token_hash, user_id, name, scope, created_at)
  SELECT token_hash, user_id, label, 'admin', created_at FROM api_tokens ORDER BY created_at;
DROP TABLE api_tokens;
ALTER TABLE api_tokens_scoped RENAME TO api_tokens;
CREATE INDEX api_tokens_user ON api_tokens(user_id);
CREATE INDEX api_tokens_service ON api_tokens(service_id);
`;
