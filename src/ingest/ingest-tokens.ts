/**
 * Bearer batches' tokens (docs/protocol.md, "Bearer batches") → the one
 * service a token may send events to, or why not: missing, malformed,
 * unknown, revoked or expired → `unauthorized` (401); a token of another
 * scope → `forbidden` (403), as the API answers a token that does not reach
 * that far.
 *
 * A token found is kept for up to 1 s, so that a follower sending a batch
 * per line does not cost a lookup (and the user's) per request, while a
 * revoked token still stops working within 1 s on every process. Tokens not
 * found are not kept: a token made a moment ago works at once.
 */
import { LRUCache } from 'lru-cache';
import type { Caller } from '../accounts/caller.js';
import type { Clock } from '../clock.js';
import { bearerToken } from '../collect/bearer-batch.js';
import { type Refusal, refuse } from '../errors/refusal.js';

/** how long a token found is trusted without asking the store again (revocation takes effect within it) */
export const INGEST_TOKEN_CACHE_MS = 1_000;

export interface IngestTokenDeps {
  /** the token's caller when it exists, has not expired and its user is there; records its use */
  callerForToken(token: string): Promise<Caller | null>;
  clock: Clock;
}

/** What an ingest token allows: sending events to this service. */
export interface IngestGrant {
  serviceId: number;
}

/** An Authorization header (a Bearer one) → its grant, or the refusal. */
export type CheckIngestToken = (authorization: string) => Promise<IngestGrant | Refusal>;

interface Kept {
  outcome: IngestGrant | Refusal;
  /** ms: the entry is used while now is before this */
  until: number;
}

export function createIngestTokenCheck({ callerForToken, clock }: IngestTokenDeps): CheckIngestToken {
  const kept = new LRUCache<string, Kept>({ max: 10_000 });
  return async function checkIngestToken(authorization) {
    const token = bearerToken(authorization);
    if (token === null) return refuse('unauthorized', 'Authorization must be "Bearer <token>"');
    const now = clock();
    const hit = kept.get(token);
    if (hit !== undefined && now < hit.until) return hit.outcome;
    const caller = await callerForToken(token);
    if (caller === null || caller.credential.kind !== 'token') {
      kept.delete(token);
      return refuse('unauthorized', 'this token is unknown, revoked or expired');
    }
    const record = caller.credential.token;
    const outcome: IngestGrant | Refusal =
      record.scope === 'ingest' && record.serviceId !== null
        ? { serviceId: record.serviceId }
        : refuse('forbidden', `this token has scope ${record.scope}: sending events needs a token of scope ingest`);
    const expiry = record.expiresAt ?? Number.POSITIVE_INFINITY;
    kept.set(token, { outcome, until: Math.min(now + INGEST_TOKEN_CACHE_MS, expiry) });
    return outcome;
  };
}
