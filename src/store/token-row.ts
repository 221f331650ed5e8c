import type { ApiToken, TokenScope } from './store.js';

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
