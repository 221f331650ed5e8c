import { RESOLUTION_MS } from '../../rollup/buckets.js';
import { RANKED_DIMENSIONS_SQL } from '../../rollup/vocabulary.js';
import type { ExpiredThrough } from '../../rollup/window-deltas.js';
import { SLIDING_WINDOW_NAMES, SLIDING_WINDOWS, type SlidingWindow, windowStart } from '../../rollup/windows.js';
import type { SqliteDatabase } from './database.js';
import { rollupServiceIds } from './rollup-services.js';

interface ExpiringRow {
  dim: string;
  key: string;
  requests: number;
}

/** The last bucket a window must have subtracted at `now`: the one just before its start. */
function expiryTarget(win: SlidingWindow, now: number): number {
  return windowStart(win, now) - RESOLUTION_MS[SLIDING_WINDOWS[win].granularity];
}

/**
 * Moves the materialized windows (window_counts) forward: every bucket that
 * left a window has its rollup rows subtracted, service by service through
 * the rollups' primary key. Rows that reach 0 are deleted, so
 * a ranking only ever holds positive counts.
 */
export class SqliteWindows {
  private readonly selectState;
  private readonly saveState;
  private readonly expiringRollups;
  private readonly serviceIds;
  private readonly subtract;
  private readonly deleteRow;
  /**
   * What this process last saw in window_state. The table only moves forward,
   * so the cache is a lower bound: if it already covers `now`, so does the
   * table, and a read can skip the write transaction.
   */
  private readonly seen = new Map<SlidingWindow, number>();

  constructor(db: SqliteDatabase) {
    this.selectState = db.prepare<[], { win: SlidingWindow; expired_through: number }>(
      'SELECT win, expired_through FROM window_state',
    );
    this.saveState = db.prepare<[string, number]>(
      `INSERT INTO window_state (win, expired_through) VALUES (?, ?)
       ON CONFLICT (win) DO UPDATE SET expired_through = excluded.expired_through`,
    );
    this.expiringRollups = db.prepare<[number, string, number, number], ExpiringRow>(
      `SELECT dim, key, sum(requests) AS requests FROM rollups
       WHERE service_id = ? AND dim IN (${RANKED_DIMENSIONS_SQL}) AND res = ? AND bucket > ? AND bucket <= ?
       GROUP BY dim, key`,
    );
    this.serviceIds = rollupServiceIds(db);
    this.subtract = db
      .prepare<[number, number, string, string, string], number>(
        `UPDATE window_counts SET requests = requests - ?
         WHERE service_id = ? AND dim = ? AND win = ? AND key = ? RETURNING requests`,
      )
      .pluck();
    this.deleteRow = db.prepare<[number, string, string, string]>(
      'DELETE FROM window_counts WHERE service_id = ? AND dim = ? AND win = ? AND key = ?',
    );
  }

  /** False when every window already reaches `now` (no write needed). */
  needsAdvance(now: number): boolean {
    return SLIDING_WINDOW_NAMES.some((win) => {
      const through = this.seen.get(win);
      return through === undefined || through < expiryTarget(win, now);
    });
  }

  /**
   * Advances every window to `now` and returns where each now stands. Call it
   * inside a write transaction. A window seen for the first time starts at
   * `now` with nothing to subtract (there is nothing in it yet).
   */
  advanceInTransaction(now: number): ExpiredThrough {
    const state = new Map<SlidingWindow, number>();
    for (const row of this.selectState.all()) state.set(row.win, row.expired_through);
    for (const win of SLIDING_WINDOW_NAMES) {
      const target = expiryTarget(win, now);
      const through = state.get(win);
      if (through === undefined || through < target) {
        if (through !== undefined) this.subtractBuckets(win, through, target);
        this.saveState.run(win, target);
        state.set(win, target);
      }
      this.seen.set(win, state.get(win) as number);
    }
    return state;
  }

  /** Subtracts the rollup rows of buckets in (after, through] from the window. */
  private subtractBuckets(win: SlidingWindow, after: number, through: number): void {
    const res = SLIDING_WINDOWS[win].granularity;
    for (const serviceId of this.serviceIds()) {
      for (const row of this.expiringRollups.all(serviceId, res, after, through)) {
        const left = this.subtract.get(row.requests, serviceId, row.dim, win, row.key);
        if (left !== undefined && left <= 0) this.deleteRow.run(serviceId, row.dim, win, row.key);
      }
    }
  }
}
