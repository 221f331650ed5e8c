import type pg from 'pg';
import type { EnrichedEvent } from '../../enrich/enriched-event.js';
import { compareText, RollupAccumulator } from '../../rollup/deltas.js';
import type { EventWrite, EventWriteResult, StoredEvent } from '../store.js';
import { inRetriedTransaction } from './database.js';
import { arrayLiteral, EVENT_COLUMN_NAMES, EVENT_UNNEST_ARGS, eventColumnArrays, withoutNul } from './event-rows.js';
import type { PostgresRollupWriter } from './rollup-writer.js';
import type { PostgresWindows } from './windows.js';

interface Claim {
  serviceId: number;
  key: string;
  expiresAt: number;
}

interface InsertedRow {
  seq: number;
  service_id: number;
  event_key: string | null;
}

/**
 * Group commit: every write of a flush goes into ONE transaction — replay
 * keys, events, rollups and windows — so N concurrent requests cost one
 * commit (one WAL flush) and ~6 round trips, whatever N. Everything another
 * process needs is in that commit: the replay key and idempotency checks are
 * the database's unique constraints, and the rollups are applied with their
 * events rather than held in this process's memory.
 */
export class PostgresEventsWriter {
  constructor(
    private readonly pool: pg.Pool,
    private readonly windows: PostgresWindows,
    private readonly rollups: PostgresRollupWriter,
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
    // usually free (the windows are known to be current); gives every window a state to add against
    await this.windows.advance(now);
    const { results, newPlaces } = await inRetriedTransaction(this.pool, async (client) => {
      const expiredThrough = await this.windows.lockShared(client);
      const accepted = await this.claimReplayKeys(client, cleaned, now);
      const results = await this.insertEvents(client, cleaned, accepted, now);
      const pending = new RollupAccumulator();
      for (const result of results) if (result.ok) pending.addAll(result.stored);
      if (pending.events === 0) return { results, newPlaces: [] };
      await this.rollups.apply(client, pending, expiredThrough);
      return { results, newPlaces: await this.rollups.recordPlaces(client, pending.places) };
    });
    this.rollups.rememberPlaces(newPlaces);
    return results;
  }

  /**
   * Claims every replay key of the group in one statement and answers which
   * writes may go ahead. A key is taken when it is new or its claim expired;
   * RETURNING lists exactly the keys this transaction took. A concurrent
   * claim of the same key by another process waits for that transaction and
   * then sees its row: one of them wins. A key twice in one group: the first
   * write has it, the others are replays.
   */
  private async claimReplayKeys(client: pg.PoolClient, writes: readonly EventWrite[], now: number) {
    const claims = new Map<string, Claim>();
    for (const write of writes) {
      if (write.replayKey === null) continue;
      const id = claimId(write.serviceId, write.replayKey);
      if (!claims.has(id)) {
        claims.set(id, { serviceId: write.serviceId, key: write.replayKey, expiresAt: write.replayKeyExpiresAt ?? 0 });
      }
    }
    const taken = new Set<string>();
    if (claims.size > 0) {
      // primary-key order: two processes claiming overlapping keys wait instead of deadlocking
      const sorted = [...claims.values()].sort((a, b) => a.serviceId - b.serviceId || compareText(a.key, b.key));
      const { rows } = await client.query<{ service_id: number; key: string }>(
        `INSERT INTO replay_keys (service_id, key, expires_at)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[])
         ON CONFLICT (service_id, key) DO UPDATE SET expires_at = EXCLUDED.expires_at
         WHERE replay_keys.expires_at <= $4
         RETURNING service_id, key`,
        [sorted.map((c) => c.serviceId), sorted.map((c) => c.key), sorted.map((c) => c.expiresAt), now],
      );
      for (const row of rows) taken.add(claimId(row.service_id, row.key));
    }
    // per write: may it store its events?
    return writes.map((write) => {
      if (write.replayKey === null) return true;
      const id = claimId(write.serviceId, write.replayKey);
      return taken.delete(id); // the first write with a taken key has it; later ones find it gone
    });
  }

  /**
   * Inserts the events of the accepted writes in one statement. Events whose
   * idempotency id is already stored for the service (by any process, or
   * earlier in this batch) are skipped by the conflict clause; RETURNING
   * names the rows stored. seq values are drawn as the rows are inserted, in
   * array order, so sorted by seq the returned rows are the stored subset in
   * input order: a walk matches them to the events.
   */
  private async insertEvents(
    client: pg.PoolClient,
    writes: readonly EventWrite[],
    accepted: readonly boolean[],
    now: number,
  ): Promise<EventWriteResult[]> {
    const input: { serviceId: number; event: EnrichedEvent }[] = [];
    writes.forEach((write, i) => {
      if (accepted[i]) for (const event of write.events) input.push({ serviceId: write.serviceId, event });
    });
    let inserted: InsertedRow[] = [];
    if (input.length > 0) {
      const { rows } = await client.query<InsertedRow>(
        `INSERT INTO events (${EVENT_COLUMN_NAMES})
         SELECT * FROM unnest(${EVENT_UNNEST_ARGS})
         ON CONFLICT (service_id, event_key) WHERE event_key IS NOT NULL DO NOTHING
         RETURNING seq, service_id, event_key`,
        eventColumnArrays(input, now).map(arrayLiteral),
      );
      inserted = rows.sort((a, b) => a.seq - b.seq);
    }
    let next = 0;
    const results = writes.map((write, i): EventWriteResult => {
      if (!accepted[i]) return { ok: false, reason: 'replayed' };
      const stored: StoredEvent[] = [];
      for (const event of write.events) {
        const row = inserted[next];
        if (row !== undefined && row.service_id === write.serviceId && row.event_key === event.id) {
          stored.push({ ...event, seq: row.seq, serviceId: write.serviceId, receivedAt: now });
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
}

function claimId(serviceId: number, key: string): string {
  return `${serviceId}\n${key}`;
}
