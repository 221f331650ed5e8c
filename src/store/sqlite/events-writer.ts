import type { EventWrite, EventWriteResult, StoredEvent } from '../store.js';
import type { SqliteDatabase } from './database.js';
import { EVENT_INSERT_COLUMNS, eventInsertParams } from './event-rows.js';
import type { SqliteRollupBuffer } from './rollup-buffer.js';

/**
 * Group commit: every write of a flush goes into ONE transaction, so N
 * concurrent requests cost one WAL commit instead of N. Their rollups are
 * staged in the rollup buffer and applied in this or a later commit.
 */
export class SqliteEventsWriter {
  private readonly insertEvent;
  private readonly claimReplayKey;

  constructor(
    db: SqliteDatabase,
    private readonly rollups: SqliteRollupBuffer,
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
  }

  write(writes: readonly EventWrite[], now: number): EventWriteResult[] {
    return this.rollups.write(now, () => this.insertAll(writes, now));
  }

  private insertAll(writes: readonly EventWrite[], now: number) {
    const result: EventWriteResult[] = [];
    const stored: StoredEvent[] = [];
    for (const write of writes) {
      if (write.replayKey !== null && !this.claim(write, write.replayKey, now)) {
        result.push({ ok: false, reason: 'replayed' });
        continue;
      }
      const storedHere: StoredEvent[] = [];
      for (const event of write.events) {
        const info = this.insertEvent.run(eventInsertParams(write.serviceId, event, now));
        if (info.changes === 0) continue; // idempotency id already stored: accepted, not stored again
        const storedEvent = {
          ...event,
          seq: Number(info.lastInsertRowid),
          serviceId: write.serviceId,
          receivedAt: now,
        };
        storedHere.push(storedEvent);
        stored.push(storedEvent);
      }
      result.push({ ok: true, accepted: write.events.length, stored: storedHere });
    }
    return { result, stored };
  }

  private claim(write: EventWrite, replayKey: string, now: number): boolean {
    if (write.replayKeyExpiresAt === null) {
      throw new TypeError('an EventWrite with a replayKey needs replayKeyExpiresAt');
    }
    return this.claimReplayKey.run(write.serviceId, replayKey, write.replayKeyExpiresAt, now).changes > 0;
  }
}
