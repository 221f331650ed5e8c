/**
 * API tokens: made with a scope (read by default), an optional service they
 * are bound to and an optional lifetime; shown once, stored as a SHA-256;
 * listed and revoked by id. Looked up in the store on every request, so a
 * revoked or expired token stops working at once on every process.
 */
import type { Clock } from '../clock.js';
import type { AccountStore } from '../store/account-store.js';
import { type ApiToken, TOKEN_SCOPES, type TokenScope, type User } from '../store/store.js';
import { AccountError } from './account-error.js';
import type { Caller } from './caller.js';
import { generateApiToken, sha256Hex } from './random.js';
import { parseTokenLifetime } from './token-lifetime.js';

/** last-used times are written at most this often per token and process: a write per API call would cost more */
const LAST_USED_RESOLUTION_MS = 60_000;
const MAX_NAME = 100;

export interface NewToken {
  /** whose token it is */
  user: User;
  name: string;
  scope?: TokenScope;
  serviceId?: number | null;
  /** `30d`, `12h`, `never`…; none: never expires */
  expires?: string | null;
}

export interface TokenDeps {
  store: AccountStore;
  clock: Clock;
  /** the user may manage the service (owner or admin) / may see it */
  mayManage(user: User, serviceId: number): Promise<boolean>;
  maySee(user: User, serviceId: number): Promise<boolean>;
  onBackgroundError?: (message: string, error: unknown) => void;
}

export function createTokens({ store, clock, mayManage, maySee, onBackgroundError }: TokenDeps) {
  const lastTouched = new Map<number, number>();

  async function checkBinding(user: User, scope: TokenScope, serviceId: number | null): Promise<void> {
    if (scope === 'ingest' && serviceId === null) {
      throw new AccountError('an ingest token is bound to one service: name it (--service ID, service_id)');
    }
    if (scope === 'admin' && serviceId !== null) {
      throw new AccountError('an admin token acts for its user everywhere: it cannot be bound to one service');
    }
    if (serviceId === null) return;
    // an ingest token sends events as the service's secret would: only those who may see the secret make one
    const allowed = scope === 'ingest' ? await mayManage(user, serviceId) : await maySee(user, serviceId);
    if (!allowed) {
      const what = scope === 'ingest' ? 'one of your own services' : 'a service you can see';
      throw new AccountError(`no service with id ${serviceId} (${what})`, 'not_found');
    }
  }

  return {
    /** Returns the token once, with what is stored of it. */
    async addToken(input: NewToken): Promise<{ token: string; record: ApiToken }> {
      const name = input.name.trim();
      if (name.length === 0 || name.length > MAX_NAME) {
        throw new AccountError(`a token's name has 1 to ${MAX_NAME} characters`);
      }
      const scope = input.scope ?? 'read';
      if (!TOKEN_SCOPES.includes(scope)) throw new AccountError(`scope must be one of ${TOKEN_SCOPES.join(', ')}`);
      const serviceId = input.serviceId ?? null;
      await checkBinding(input.user, scope, serviceId);
      let lifetime: number | null = null;
      try {
        lifetime = input.expires ? parseTokenLifetime(input.expires) : null;
      } catch (error) {
        throw new AccountError((error as Error).message);
      }
      const now = clock();
      const token = generateApiToken();
      const record = await store.createToken({
        tokenHash: sha256Hex(token),
        userId: input.user.id,
        name,
        scope,
        serviceId,
        expiresAt: lifetime === null ? null : now + lifetime,
        now,
      });
      return { token, record };
    },

    /** The caller behind a token, if it exists, has not expired and its user is still there. */
    async callerForToken(token: string): Promise<Caller | null> {
      const now = clock();
      const record = await store.findTokenByHash(sha256Hex(token), now);
      if (!record) return null;
      const user = await store.findUserById(record.userId);
      if (!user) return null;
      const touched = lastTouched.get(record.id) ?? record.lastUsedAt ?? 0;
      if (now - touched >= LAST_USED_RESOLUTION_MS) {
        lastTouched.set(record.id, now);
        // the answer does not wait for it: a failed write costs a stale "last used", never the request
        store
          .touchToken(record.id, now)
          .catch((error: unknown) => onBackgroundError?.('recording a token use failed', error));
      }
      return { user, credential: { kind: 'token', token: record } };
    },

    /** every token (null) or one user's */
    listTokens(userId: number | null): Promise<ApiToken[]> {
      return store.listTokens(userId);
    },

    /**
     * Revokes a token of `by` (any token for an admin, or for null: the
     * machine's operator at the CLI); 404 for one they may not see, as for none.
     */
    async revokeToken(id: number, by: User | null): Promise<ApiToken> {
      const record = await store.findTokenById(id);
      if (!record || (by !== null && !by.admin && record.userId !== by.id)) {
        throw new AccountError(`no token with id ${id}`, 'not_found');
      }
      await store.deleteToken(id);
      lastTouched.delete(id);
      return record;
    },
  };
}
