import type pg from 'pg';
import type { EnrichedEvent } from '../../enrich/enriched-event.js';
import { compareText, RollupAccumulator } from '../../rollup/deltas.js';
import { NO_WATCHED_PREFIXES, type WatchedPrefixes } from '../../rollup/signals.js';
import type { EventWrite, EventWriteResult, StoredEvent } from '../store.js';
import { storedEventOf } from '../stored-event.js';
import { withRetries } from './database.js';
import { arrayLiteral, EVENT_COLUMN_NAMES, EVENT_COLUMNS, eventColumnArrays, withoutNul } from './event-rows.js';
import type { PostgresWindows } from './windows.js';

interface Claim {
  serviceId: number;
  key: string;
  expiresAt: number;
}

/** What the write statement answers: the replay keys it claimed, and the events it stored. */
interface WrittenRow {
  kind: 'claimed' | 'stored';
  seq: number | null;
  service_id: number;
  /** the replay key claimed, or the stored event's idempotency id */
  key: string | null;
}

const N = EVENT_COLUMNS.length;
/** parameters after the event columns */
const P_CLAIM_KEY = N + 1;
const P_CLAIM_SERVICE = N + 2;
const P_CLAIM_KEYS = N + 3;
const P_CLAIM_EXPIRES = N + 4;
const P_NOW = N + 5;
const P_COUNTS_SERVICE = N + 6;
const P_COUNTS = N + 7;
const P_COUNTS_EVENTS = N + 8;

/**
 * The whole group commit in ONE statement, which PostgreSQL runs as one
 * transaction: one round trip and one WAL flush for N concurrent requests.
 *
 * - `claimed`: every replay key of the group, new or expired, is taken;
 *   RETURNING lists exactly the keys this statement took. A concurrent claim
 *   of the same key by another process waits for that transaction and then
 *   sees its row: one of them wins.
 * - `stored`: an event goes in when its write has no replay key or took it
 *   (`claim_key`, the write's key, is among `claimed`). Events whose
 *   idempotency id is already stored for the service (by any process, or
 *   earlier in this batch) are skipped by the conflict clause. Rows are
 *   inserted in input order (ORDER BY the unnest ordinality), so seq values
 *   follow it and sorted by seq the stored rows are the stored subset in
 *   input order.
 * - `queued`: per service, for the rollup fold (rollup-folder.ts), the
 *   counts of the events offered — computed here, aggregated per value and
 *   minute — when every one of them was stored (nearly always: the stored
 *   events are a subset of those offered, so equal numbers mean the same
 *   events); else the seqs stored, and the fold counts those events. Either
 *   way the counts commit with their events and wait for whichever process
 *   folds, never held in this process's memory.
 */
const WRITE_SQL = `
  WITH claimed AS (
    INSERT INTO replay_keys (service_id, key, expires_at)
    SELECT * FROM unnest($${P_CLAIM_SERVICE}::bigint[], $${P_CLAIM_KEYS}::text[], $${P_CLAIM_EXPIRES}::bigint[])
    ON CONFLICT (service_id, key) DO UPDATE SET expires_at = EXCLUDED.expires_at
    WHERE replay_keys.expires_at <= $${P_NOW}
    RETURNING service_id, key
  ), stored AS (
    INSERT INTO events (${EVENT_COLUMN_NAMES})
    SELECT ${EVENT_COLUMNS.map(([name]) => `u.${name}`).join(', ')}
    FROM unnest(${EVENT_COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')}, $${P_CLAIM_KEY}::text[])
      WITH ORDINALITY AS u(${EVENT_COLUMN_NAMES}, claim_key, n)
    WHERE u.claim_key IS NULL
       OR EXISTS (SELECT 1 FROM claimed c WHERE c.service_id = u.service_id AND c.key = u.claim_key)
    ORDER BY u.n
    ON CONFLICT (service_id, event_key) WHERE event_key IS NOT NULL DO NOTHING
    RETURNING seq, service_id, event_key
  ), queued AS (
    INSERT INTO rollup_queue (service_id, counts, seqs)
    SELECT g.service_id,
      CASE WHEN g.stored = c.events THEN c.counts END,
      CASE WHEN g.stored = c.events THEN NULL ELSE g.seqs END
    FROM (SELECT service_id, count(*) AS stored, array_agg(seq) AS seqs FROM stored GROUP BY service_id) AS g
    JOIN unnest($${P_COUNTS_SERVICE}::bigint[], $${P_COUNTS}::text[], $${P_COUNTS_EVENTS}::bigint[])
      AS c(service_id, counts, events) ON c.service_id = g.service_id
  )
  SELECT 'stored' AS kind, seq, service_id, event_key AS key FROM stored
  UNION ALL
  SELECT 'claimed', NULL, service_id, key FROM claimed`;

/**
 * Group commit: every write of a flush goes into one statement — replay keys,
 * events, and the rollup queue — so N concurrent requests cost one round trip
 * and one commit, whatever N. Everything another process needs is in that
 * commit: the replay key and idempotency checks are the database's unique
 * constraints, and the rollups are folded from the queue by any process.
 */
export class PostgresEventsWriter {
  constructor(
    private readonly pool: pg.Pool,
    private readonly windows: PostgresWindows,
    private readonly watched: WatchedPrefixes = NO_WATCHED_PREFIXES,
  ) {}

  async write(writes: readonly EventWrite[], now: number): Promise<EventWriteResult[]> {
    for (const write of writes) {
      if (write.replayKey !== null && write.replayKeyExpiresAt === null) {
        throw new TypeError('an EventWrite with a replayKey needs replayKeyExpiresAt');
      }
    }
    // U+0000 cannot be stored in text: see withoutNul (an iv is base64, but a key is only a string)
    const cleaned = writes.map((write) => ({
      ...write,
      replayKey: write.replayKey?.replaceAll('\0', '\uFFFD') ?? null,
      events: write.events.map(withoutNul),
    }));
    // usually free (the windows are known to be current); gives every window a state for the fold to add against
    await this.windows.advance(now);

    const { claims, owners } = claimsOf(cleaned);
    const input: { serviceId: number; event: EnrichedEvent; claimKey: string | null }[] = [];
    cleaned.forEach((write, i) => {
      if (!owners[i]) return; // a later write with a key an earlier one in the group has: a replay
      for (const event of write.events) input.push({ serviceId: write.serviceId, event, claimKey: write.replayKey });
    });
    const offered = new RollupAccumulator(this.watched);
    for (const { serviceId, event } of input) {
      offered.add({
        serviceId,
        ts: event.ts,
        url: event.url,
        status: event.status,
        durationMs: event.durationMs,
        geo: event.geo,
        agent: event.agent,
      });
    }
    const counts = offered.toData();
    const params = [
      ...eventColumnArrays(input, now).map(arrayLiteral),
      arrayLiteral(input.map((row) => row.claimKey)),
      arrayLiteral(claims.map((c) => c.serviceId)),
      arrayLiteral(claims.map((c) => c.key)),
      arrayLiteral(claims.map((c) => c.expiresAt)),
      now,
      arrayLiteral(counts.map((c) => c.serviceId)),
      arrayLiteral(counts.map((c) => JSON.stringify(c))),
      arrayLiteral(counts.map((c) => c.events)),
    ];
    // named: each pooled connection parses and plans this large statement once, not per group commit
    const { rows } = await withRetries(() =>
      this.pool.query<WrittenRow>({ name: 'tmon_write_events', text: WRITE_SQL, values: params }),
    );
    return matchResults(cleaned, owners, rows, now);
  }
}

/**
 * The group's replay keys, deduplicated and in primary-key order (two
 * processes claiming overlapping keys then wait instead of deadlocking), and
 * per write whether it may claim its key: a key twice in one group belongs to
 * the first write with it; the others are replays.
 */
function claimsOf(writes: readonly EventWrite[]): { claims: Claim[]; owners: boolean[] } {
  const claims = new Map<string, Claim>();
  const owners = writes.map((write) => {
    if (write.replayKey === null) return true;
    const id = claimId(write.serviceId, write.replayKey);
    if (claims.has(id)) return false;
    claims.set(id, { serviceId: write.serviceId, key: write.replayKey, expiresAt: write.replayKeyExpiresAt ?? 0 });
    return true;
  });
  const sorted = [...claims.values()].sort((a, b) => a.serviceId - b.serviceId || compareText(a.key, b.key));
  return { claims: sorted, owners };
}

/** Each write's result from the rows the statement answered: stored rows sorted by seq are in input order. */
function matchResults(
  writes: readonly EventWrite[],
  owners: readonly boolean[],
  rows: readonly WrittenRow[],
  now: number,
): EventWriteResult[] {
  const taken = new Set<string>();
  const inserted: WrittenRow[] = [];
  for (const row of rows) {
    if (row.kind === 'claimed') taken.add(claimId(row.service_id, row.key ?? ''));
    else inserted.push(row);
  }
  inserted.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  let next = 0;
  const results = writes.map((write, i): EventWriteResult => {
    const accepted = write.replayKey === null || (owners[i] && taken.has(claimId(write.serviceId, write.replayKey)));
    if (!accepted) return { ok: false, reason: 'replayed' };
    const stored: StoredEvent[] = [];
    for (const event of write.events) {
      const row = inserted[next];
      if (row !== undefined && row.service_id === write.serviceId && row.key === event.id) {
        stored.push(storedEventOf(event, row.seq as number, write.serviceId, now));
        next++;
      } else if (event.id === null) {
        throw new Error('events insert: the stored rows do not match the batch');
      }
      // else: its idempotency id was already stored — accepted, not stored again
    }
    return { ok: true, accepted: write.events.length, stored };
  });
  if (next !== inserted.length) throw new Error('events insert: the stored rows do not match the batch');
  return results;
}

function claimId(serviceId: number, key: string): string {
  return `${serviceId}\n${key}`;
}
