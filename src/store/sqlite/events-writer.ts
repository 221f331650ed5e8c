import { rollupDeltas } from '../../rollup/deltas.js';
import type { EventWrite, EventWriteResult, StoredEvent } from '../store.js';
import type { SqliteDatabase } from './database.js';
import { EVENT_INSERT_COLUMNS, eventInsertParams } from './event-rows.js';
import type { SqliteRollupWriter } from './rollup-writer.js';
import type { SqliteWindows } from './windows.js';

/**
 * Group commit: every write of a flush goes into ONE transaction with its
 * rollups, so N concurrent requests cost one WAL commit instead of N.
 */
export class SqliteEventsWriter {
  private readonly insertEvent;
  private readonly claimReplayKey;
  private readonly writeAll: (writes: readonly EventWrite[], now: number) => WriteOutcome;

  constructor(
    db: SqliteDatabase,
    private readonly windows: SqliteWindows,
    private readonly rollups: SqliteRollupWriter,
  ) {
    const placeholders = EVENT_INSERT_COLUMNS.map(() => '?').join(', ');
    // the conflict target is the partial unique index: a known idempotency id stores nothing
    this.insertEvent = db.prepare(
      `INSERT INTO events (${EVENT_INSERT_COLUMNS.join(', ')}) VALUES (${placeholders})
       ON CONFLICT (service_id, event_key) WHERE event_key IS NOT NULL DO NOTHING`,
    );
    // claims the key, or takes over an expired claim; changes = 0 means a live claim exists
    this.claimReplayKey = db.prepare<[number, string, number, number]>(
      `INSERT INTO replay_keys (service_id, key, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (service_id, key) DO UPDATE SET expires_at = excluded.expires_at
       WHERE replay_keys.expires_at <= ?`,
    );
    const transaction = db.transaction((writes: readonly EventWrite[], now: number) =>
      this.writeInTransaction(writes, now),
    );
    // IMMEDIATE: take the write lock up front, so a second process waits (busy_timeout) instead of failing mid-way
    this.writeAll = (writes, now) => transaction.immediate(writes, now);
  }

  write(writes: readonly EventWrite[], now: number): EventWriteResult[] {
    const outcome = this.writeAll(writes, now);
    this.rollups.rememberPlaces(outcome.newPlaces);
    return outcome.results;
  }

  private writeInTransaction(writes: readonly EventWrite[], now: number): WriteOutcome {
    // windows first: the add rule below compares buckets with where each window stands at `now`
    const expiredThrough = this.windows.advanceInTransaction(now);
    const results: EventWriteResult[] = [];
    const stored: StoredEvent[] = [];
    for (const write of writes) {
      if (write.replayKey !== null && !this.claim(write, now)) {
        results.push({ ok: false, reason: 'replayed' });
        continue;
      }
      const storedHere: StoredEvent[] = [];
      for (const event of write.events) {
        const info = this.insertEvent.run(eventInsertParams(write.serviceId, event, now));
        if (info.changes === 0) continue; // idempotency id already stored: accepted, not stored again
        storedHere.push({ ...event, seq: Number(info.lastInsertRowid), serviceId: write.serviceId, receivedAt: now });
      }
      for (const event of storedHere) stored.push(event);
      results.push({ ok: true, accepted: write.events.length, stored: storedHere });
    }
    if (stored.length > 0) {
      this.rollups.apply(rollupDeltas(stored), expiredThrough);
    }
    const newPlaces = this.rollups.recordPlaces(stored);
    return { results, newPlaces };
  }

  private claim(write: EventWrite, now: number): boolean {
    if (write.replayKeyExpiresAt === null) {
      throw new TypeError('an EventWrite with a replayKey needs replayKeyExpiresAt');
    }
    return (
      this.claimReplayKey.run(write.serviceId, write.replayKey as string, write.replayKeyExpiresAt, now).changes > 0
    );
  }
}

interface WriteOutcome {
  results: EventWriteResult[];
  newPlaces: string[];
}
