import type { Statement } from 'better-sqlite3';
import type { RollupDimension } from '../../rollup/deltas.js';
import { ROLLUP_RETENTION_MS } from '../../rollup/retention.js';
import { SIGNAL_DIMENSIONS } from '../../rollup/signals.js';
import { DIMENSIONS, type Resolution } from '../../rollup/vocabulary.js';
import type { SqliteAgentIds } from './agent-ids.js';
import type { SqliteDatabase } from './database.js';
import type { SqliteReplayClaims } from './replay-claims.js';
import type { SqliteRollupBuffer } from './rollup-buffer.js';
import { rollupServiceIds } from './rollup-services.js';

/** Every dimension with rollup rows. */
const ROLLUP_DIMENSIONS: readonly RollupDimension[] = ['requests', ...DIMENSIONS, ...SIGNAL_DIMENSIONS];

/** Rows deleted per statement: short write locks, so ingestion is not held up. */
const DELETE_CHUNK = 10_000;

export class SqliteMaintenance {
  private readonly nextServiceId;
  private readonly deleteOldEvents;
  /** the rollup prunes in order: rows older than now − keep */
  private readonly prunes: { statement: Statement<[number, number, number]>; keep: number }[];
  private readonly serviceIds;

  constructor(
    db: SqliteDatabase,
    private readonly rollups: SqliteRollupBuffer,
    private readonly replayClaims: SqliteReplayClaims,
    private readonly agents: SqliteAgentIds,
  ) {
    // a skip-scan over the (service_id, ts) index: one seek per service, orphans included
    this.nextServiceId = db
      .prepare<[number], number | null>('SELECT min(service_id) FROM events WHERE service_id > ?')
      .pluck();
    this.deleteOldEvents = db.prepare<[number, number, number]>(
      `DELETE FROM events WHERE seq IN (
         SELECT seq FROM events WHERE service_id = ? AND ts < ? ORDER BY ts LIMIT ?)`,
    );
    // each takes at most `limit` rows of one service, found through the primary key (service_id, dim, res, bucket, key)
    const pruneRollups = (res: Resolution, dims: readonly RollupDimension[]) =>
      db.prepare<[number, number, number]>(
        `DELETE FROM rollups WHERE (service_id, dim, res, bucket, key) IN (
           SELECT service_id, dim, res, bucket, key FROM rollups
           WHERE service_id = ? AND dim IN (${dims.map((dim) => `'${dim}'`).join(', ')}) AND res = '${res}' AND bucket < ?
           LIMIT ?)`,
      );
    const except = (...left: RollupDimension[]) => ROLLUP_DIMENSIONS.filter((dim) => !left.includes(dim));
    this.prunes = [
      { statement: pruneRollups('second', ['requests']), keep: ROLLUP_RETENTION_MS.second },
      {
        statement: pruneRollups('minute', except('requests', 'prefix_requests')),
        keep: ROLLUP_RETENTION_MS.minute,
      },
      {
        statement: pruneRollups('minute', ['requests', 'prefix_requests']),
        keep: ROLLUP_RETENTION_MS.requestsMinute,
      },
      { statement: pruneRollups('hour', except('requests')), keep: ROLLUP_RETENTION_MS.dimensionsHour },
      { statement: pruneRollups('hour', ['requests']), keep: ROLLUP_RETENTION_MS.requestsHour },
    ];
    this.serviceIds = rollupServiceIds(db);
  }

  /**
   * Deletes up to `maxRows` events with ts < before, oldest first per
   * service, in chunks; returns how many. The call that finds none left of
   * any service also deletes up to `maxRows` agents only such events
   * referred to (the rest on the next calls).
   */
  deleteEventsBefore(before: number, maxRows: number): number {
    let deleted = 0;
    let serviceId = this.nextServiceId.get(Number.MIN_SAFE_INTEGER) ?? null;
    while (serviceId !== null && deleted < maxRows) {
      const chunk = Math.min(DELETE_CHUNK, maxRows - deleted);
      const changes = this.deleteOldEvents.run(serviceId, before, chunk).changes;
      deleted += changes;
      // a full chunk may mean more of this service's events are old: stay on it
      if (changes < chunk) serviceId = this.nextServiceId.get(serviceId) ?? null;
    }
    // every service was gone through to its end: no event older than `before` is left
    if (serviceId === null) this.agents.prune(before, maxRows);
    return deleted;
  }

  /**
   * Pending rollups are applied and the windows advanced first, so no bucket
   * is pruned before the windows have subtracted it (after the server was
   * down for days, say).
   */
  pruneRollups(now: number, maxRows: number): number {
    this.rollups.flush(now);
    let deleted = 0;
    for (const { statement, keep } of this.prunes) {
      for (const serviceId of this.serviceIds()) {
        if (deleted >= maxRows) break;
        deleted += statement.run(serviceId, now - keep, maxRows - deleted).changes;
      }
    }
    if (deleted < maxRows) deleted += this.replayClaims.prune(now, maxRows - deleted);
    return deleted;
  }
}
