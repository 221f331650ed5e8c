import type pg from 'pg';
import { ROLLUP_RETENTION_MS } from '../sqlite/maintenance.js';
import { inTransaction } from './database.js';
import type { PostgresWindows } from './windows.js';

/** Rows deleted per statement: short transactions, so ingestion is not held up. */
const DELETE_CHUNK = 10_000;

/** Retention of raw events and pruning of rollup buckets; safe to run in every process at once. */
export class PostgresMaintenance {
  constructor(
    private readonly pool: pg.Pool,
    private readonly windows: PostgresWindows,
  ) {}

  /** Deletes up to `maxRows` events with ts < before, oldest first per service, in chunks. */
  async deleteEventsBefore(before: number, maxRows: number): Promise<number> {
    let deleted = 0;
    let serviceId = await this.nextServiceId(null);
    while (serviceId !== null && deleted < maxRows) {
      const chunk = Math.min(DELETE_CHUNK, maxRows - deleted);
      const result = await this.pool.query(
        `DELETE FROM events WHERE service_id = $1 AND seq IN (
           SELECT seq FROM events WHERE service_id = $1 AND ts < $2 ORDER BY ts LIMIT $3)`,
        [serviceId, before, chunk],
      );
      const changes = result.rowCount ?? 0;
      deleted += changes;
      // a full chunk may mean more of this service's events are old: stay on it
      if (changes < chunk) serviceId = await this.nextServiceId(serviceId);
    }
    return deleted;
  }

  /** The next service id holding events (orphans included), by the primary key's leading column. */
  private async nextServiceId(after: number | null): Promise<number | null> {
    const { rows } = await this.pool.query<{ id: number | null }>(
      'SELECT min(service_id) AS id FROM events WHERE service_id > $1',
      [after ?? Number.MIN_SAFE_INTEGER],
    );
    return rows[0]?.id ?? null;
  }

  /**
   * The windows are advanced first, so no bucket is pruned before they have
   * subtracted it (the retention of each resolution is longer than every
   * window it serves, and window_state only moves forward). No window
   * lock: the deletes could hold ingestion up for their whole duration. A
   * late event's upsert may meet a bucket being deleted; if the two ever
   * deadlock, PostgreSQL aborts one — a group commit is retried
   * (inRetriedTransaction), a prune runs again on the next housekeeping tick.
   */
  async pruneRollups(now: number): Promise<void> {
    await this.windows.advance(now);
    await inTransaction(this.pool, async (client) => {
      await client.query(`DELETE FROM rollups WHERE res = 'second' AND bucket < $1`, [
        now - ROLLUP_RETENTION_MS.second,
      ]);
      await client.query(`DELETE FROM rollups WHERE res = 'minute' AND bucket < $1`, [
        now - ROLLUP_RETENTION_MS.minute,
      ]);
      await client.query(`DELETE FROM rollups WHERE res = 'hour' AND bucket < $1 AND dim <> 'requests'`, [
        now - ROLLUP_RETENTION_MS.dimensionsHour,
      ]);
      await client.query(`DELETE FROM rollups WHERE res = 'hour' AND bucket < $1 AND dim = 'requests'`, [
        now - ROLLUP_RETENTION_MS.requestsHour,
      ]);
      await client.query('DELETE FROM replay_keys WHERE expires_at <= $1', [now]);
    });
  }
}
