import type pg from 'pg';
import { ROLLUP_RETENTION_MS } from '../../rollup/retention.js';
import type { PostgresWindows } from './windows.js';

/** Rows deleted per statement: short transactions, so ingestion is not held up. */
const DELETE_CHUNK = 10_000;

/** Retention of raw events and pruning of rollup buckets; safe to run in every process at once. */
export class PostgresMaintenance {
  constructor(
    private readonly pool: pg.Pool,
    private readonly windows: PostgresWindows,
  ) {}

  /**
   * Deletes up to `maxRows` events with ts < before, oldest first per service,
   * in chunks. An event a queued group names by seq (its counts are taken from
   * the row when folded) stays until that group is folded: the caller folds
   * first, but another process may commit such a group in between, and an old
   * event deleted before its fold would be missing from the rollups. It goes
   * on a later run. Events committed after the statement began are not seen
   * by it at all, queue row and events alike (one transaction wrote both).
   */
  async deleteEventsBefore(before: number, maxRows: number): Promise<number> {
    let deleted = 0;
    let serviceId = await this.nextServiceId(null);
    while (serviceId !== null && deleted < maxRows) {
      const chunk = Math.min(DELETE_CHUNK, maxRows - deleted);
      const result = await this.pool.query(
        `DELETE FROM events WHERE service_id = $1 AND seq IN (
           SELECT e.seq FROM events e WHERE e.service_id = $1 AND e.ts < $2
             AND NOT EXISTS (SELECT 1 FROM rollup_queue q
                             WHERE q.service_id = $1 AND q.seqs IS NOT NULL AND e.seq = ANY (q.seqs))
           ORDER BY e.ts LIMIT $3)`,
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
   * lock, and each delete is its own statement of at most `maxRows` rows: a
   * prune never holds ingestion up for long. A late event's fold may meet a
   * bucket being deleted; if the two ever deadlock, PostgreSQL aborts one —
   * a fold is retried (inRetriedTransaction), a prune runs again on the next
   * housekeeping tick.
   */
  async pruneRollups(now: number, maxRows: number): Promise<number> {
    await this.windows.advance(now);
    let deleted = 0;
    for (const { sql, keep } of PRUNES) {
      if (deleted >= maxRows) break;
      const result = await this.pool.query(sql, [now - keep, maxRows - deleted]);
      deleted += result.rowCount ?? 0;
    }
    return deleted;
  }
}

/** Each takes at most $2 rows, found through the (res, bucket) index (replay keys: through expires_at). */
const pruneRollupsSql = (where: string) =>
  `DELETE FROM rollups WHERE (service_id, dim, res, bucket, key) IN (
     SELECT service_id, dim, res, bucket, key FROM rollups WHERE ${where} LIMIT $2)`;

/** The prunes in order: rows older than now − keep (replay keys: expired by now). */
const PRUNES = [
  { sql: pruneRollupsSql(`res = 'second' AND bucket < $1`), keep: ROLLUP_RETENTION_MS.second },
  {
    sql: pruneRollupsSql(`res = 'minute' AND bucket < $1 AND dim NOT IN ('requests', 'prefix_requests')`),
    keep: ROLLUP_RETENTION_MS.minute,
  },
  {
    sql: pruneRollupsSql(`res = 'minute' AND bucket < $1 AND dim IN ('requests', 'prefix_requests')`),
    keep: ROLLUP_RETENTION_MS.requestsMinute,
  },
  {
    sql: pruneRollupsSql(`res = 'hour' AND bucket < $1 AND dim <> 'requests'`),
    keep: ROLLUP_RETENTION_MS.dimensionsHour,
  },
  { sql: pruneRollupsSql(`res = 'hour' AND bucket < $1 AND dim = 'requests'`), keep: ROLLUP_RETENTION_MS.requestsHour },
  {
    sql: `DELETE FROM replay_keys WHERE (service_id, key) IN (
            SELECT service_id, key FROM replay_keys WHERE expires_at <= $1 LIMIT $2)`,
    keep: 0,
  },
];
