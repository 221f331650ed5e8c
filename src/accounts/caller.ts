/**
 * Who is asking, and through what: a login session, or an API token with its
 * scope. Every web route decides from a Caller what it may answer; a live
 * stream keeps its Caller and has it re-checked while it is open.
 */
import type { ApiToken, TokenScope, User } from '../store/store.js';

export type Credential =
  /** `id` is the session's SHA-256 as stored (never the cookie) */
  { kind: 'session'; id: string } | { kind: 'token'; token: ApiToken };

export interface Caller {
  user: User;
  credential: Credential;
}

/** What a caller needs for a route: `read` the query API and streams, `admin` what the admin page does. */
export type Need = 'read' | 'admin';

/** A session may do all its user may; a token what its scope allows. */
export function scopeAllows(caller: Caller, need: Need): boolean {
  const { credential } = caller;
  if (credential.kind === 'session') return true;
  return allowedBy(credential.token.scope, need);
}

function allowedBy(scope: TokenScope, need: Need): boolean {
  if (scope === 'admin') return true;
  return scope === 'read' && need === 'read';
}

/** The one service a token is bound to, or null when the caller may reach every service its user sees. */
export function boundService(caller: Caller): number | null {
  return caller.credential.kind === 'token' ? caller.credential.token.serviceId : null;
}

/** A key naming the credential (not the secret itself), to group what checks it. */
export function credentialKey(credential: Credential): string {
  return credential.kind === 'session' ? `s:${credential.id}` : `t:${credential.token.id}`;
}
