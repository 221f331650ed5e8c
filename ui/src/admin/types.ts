/** The admin API's JSON shapes. */

export interface Me {
  id: number;
  name: string;
  admin: boolean;
}

export interface ServiceInfo {
  id: number;
  name: string;
  owner_id: number;
  owner: string;
  /** only for the owner and admins */
  secret?: string;
  allow_legacy: boolean;
  created_at: number;
  previous_secret_valid_until: number | null;
  shared_with: { id: number; name: string }[];
}

export interface UserInfo {
  id: number;
  name: string;
  admin: boolean;
  created_at: number;
}

/** the server's rule, checked in the form too so mistakes show before a round trip */
export const SERVICE_NAME = /^[a-z][a-z0-9_-]{0,39}$/;

export type TokenScope = 'read' | 'admin' | 'ingest';

export interface TokenInfo {
  id: number;
  name: string;
  scope: TokenScope;
  service_id: number | null;
  user: string | null;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
}
