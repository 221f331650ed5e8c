/**
 * API tokens get an id (to list and revoke them by), a scope, an optional
 * service they are bound to, an expiry and the time they were last used.
 * Tokens made before scopes existed could do everything their user could:
 * they become `admin` tokens, so nothing that works today stops working.
 */
export const name = 'scoped-tokens';

export const sql = `
ALTER TABLE api_tokens RENAME COLUMN label TO name;
ALTER TABLE api_tokens ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_id_key UNIQUE (id);
ALTER TABLE api_tokens ADD COLUMN scope text NOT NULL DEFAULT 'admin'
  CONSTRAINT api_tokens_scope_check CHECK (scope IN ('read', 'admin', 'ingest'));
ALTER TABLE api_tokens ALTER COLUMN scope DROP DEFAULT;
ALTER TABLE api_tokens ADD COLUMN service_id bigint REFERENCES services (id) ON DELETE CASCADE;
ALTER TABLE api_tokens ADD COLUMN expires_at bigint;
ALTER TABLE api_tokens ADD COLUMN last_used_at bigint;
CREATE INDEX api_tokens_service ON api_tokens (service_id);
`;
