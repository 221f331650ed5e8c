import type { ApiToken, ApiTokenWithHash, TokenScope } from './store.js';

/** An api_tokens row as both backends read it (ms times as numbers). */
export interface TokenRow {
  id: number;
  user_id: number;
  name: string;
  scope: TokenScope;
  service_id: number | null;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
}

export const TOKEN_COLUMNS = 'id, user_id, name, scope, service_id, created_at, expires_at, last_used_at';

export function toToken(row: TokenRow): ApiToken {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    scope: row.scope,
    serviceId: row.service_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
  };
}

/** A row read with TOKEN_WITH_HASH_COLUMNS: the token and its hash. */
export interface TokenWithHashRow extends TokenRow {
  token_hash: string;
}

export const TOKEN_WITH_HASH_COLUMNS = `${TOKEN_COLUMNS}, token_hash`;

export function toTokenWithHash(row: TokenWithHashRow): ApiTokenWithHash {
  return { ...toToken(row), tokenHash: row.token_hash };
}
