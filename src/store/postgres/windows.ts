import type pg from 'pg';
import { RESOLUTION_MS } from '../../rollup/buckets.js';
import { RANKED_DIMENSIONS_SQL } from '../../rollup/vocabulary.js';
import type { ExpiredThrough } from '../../rollup/window-deltas.js';
import { SLIDING_WINDOW_NAMES, SLIDING_WINDOWS, type SlidingWindow, windowStart } from '../../rollup/windows.js';
import { inTransaction, type Queryable } from './database.js';
import { LOCK_WINDOWS, lockKey } from './migrate.js';

/** The last bucket a window must have subtracted at `now`: the one just before its start. */
function expiryTarget(win: SlidingWindow, now: number): number {
  return windowStart(win, now) - RESOLUTION_MS[SLIDING_WINDOWS[win].granularity];
}

/**
 * Subtracts the rollup rows of buckets in ($2, $3] at resolution $1 from
 * window $4, for all services at once (rollups (res, bucket) index), and
 * deletes the rows that reach 0 instead, so a ranking only ever holds positive
 * counts. The two parts touch disjoint rows (w.requests ≤ or > e.requests in
 * the statement's one snapshot), so neither sees the other's change.
 */
const SUBTRACT_SQL = `
  WITH expiring AS (
    SELECT service_id, dim, key, sum(requests)::bigint AS requests FROM rollups
    WHERE res = $1 AND bucket > $2 AND bucket <= $3 AND dim IN (${RANKED_DIMENSIONS_SQL})
    GROUP BY service_id, dim, key
  ), emptied AS (
    DELETE FROM window_counts w USING expiring e
    WHERE w.service_id = e.service_id AND w.dim = e.dim AND w.win = $4 AND w.key = e.key
      AND w.requests <= e.requests
  )
  UPDATE window_counts w SET requests = w.requests - e.requests FROM expiring e
  WHERE w.service_id = e.service_id AND w.dim = e.dim AND w.win = $4 AND w.key = e.key
    AND w.requests > e.requests`;

/**
 * The materialized windows (window_counts), moved forward by whichever
 * process gets there first, once per bucket.
 *
 * Why the counts stay exact with several processes writing (the invariant:
 * window_counts of a window = the sum of the rollup rows whose bucket is
 * after its expired_through):
 *
 * - Rollup rows and window rows are only ever added by a fold
 *   (rollup-folder.ts), which takes the window lock SHARED (a
 *   transaction-scoped advisory lock), then reads window_state in a later
 *   statement, so with READ COMMITTED it sees every expiry committed before
 *   it got the lock. It adds each delta to a window iff the delta's bucket is
 *   after that window's expired_through, and commits its rollup rows and
 *   window rows together.
 * - Expiry takes the same lock EXCLUSIVE, so it runs while no fold is
 *   between reading window_state and committing; its statements, later than
 *   the lock, see all those folds' rollup rows. It subtracts exactly the
 *   rollup rows of buckets in (old, new expired_through] and moves the state
 *   in the same commit.
 * So every count is added by a fold iff its bucket is after the state that
 * fold read, which is the state at its commit (expiry cannot commit in
 * between), and it is subtracted by the one expiry that moves the state past
 * its bucket: once, whether the event was late, early, or written by another
 * process. Folds do not exclude each other (shared mode), only the brief
 * expiry at a bucket boundary, once per minute. Advisory locks live in memory:
 * unlike a FOR SHARE row lock they write nothing to the table.
 */
export class PostgresWindows {
  /**
   * What this process last saw in window_state. The table only moves forward,
   * so the cache is a lower bound: if it already covers `now`, so does the
   * table, and nothing needs to be read.
   */
  private readonly seen = new Map<SlidingWindow, number>();

  constructor(private readonly pool: pg.Pool) {}

  /** False when every window is known to reach `now` already (no query needed). */
  needsAdvance(now: number): boolean {
    return SLIDING_WINDOW_NAMES.some((win) => {
      const through = this.seen.get(win);
      return through === undefined || through < expiryTarget(win, now);
    });
  }

  /**
   * Advances every window to `now` (after a plain read shows it is behind:
   * at a bucket boundary each process looks, one does the work under the
   * exclusive lock, the others then find it done). A window seen for the
   * first time starts at `now` with nothing to subtract.
   */
  async advance(now: number): Promise<void> {
    if (!this.needsAdvance(now)) return;
    const current = await readState(this.pool);
    this.remember(current);
    if (!isBehind(current, now)) return;
    const advanced = await inTransaction(this.pool, async (client) => {
      await client.query(`SELECT pg_advisory_xact_lock(${lockKey(LOCK_WINDOWS)})`);
      const state = new Map(await readState(client));
      for (const win of SLIDING_WINDOW_NAMES) {
        const target = expiryTarget(win, now);
        const through = state.get(win);
        if (through !== undefined && through >= target) continue;
        if (through !== undefined) {
          await client.query(SUBTRACT_SQL, [SLIDING_WINDOWS[win].granularity, through, target, win]);
        }
        await client.query(
          `INSERT INTO window_state (win, expired_through) VALUES ($1, $2)
           ON CONFLICT (win) DO UPDATE SET expired_through = EXCLUDED.expired_through`,
          [win, target],
        );
        state.set(win, target);
      }
      return state;
    });
    // only once committed: a rolled-back advance must not be taken for done
    this.remember(advanced);
  }

  /**
   * Takes the window lock shared for the rest of the transaction and answers
   * where each window stands (see the class comment). Writers call advance()
   * before they queue counts, so every window has a state by the fold.
   */
  async lockShared(client: pg.PoolClient): Promise<ExpiredThrough> {
    // two statements in one round trip; the read's snapshot is taken after the lock is granted
    const results = (await client.query(
      `SELECT pg_advisory_xact_lock_shared(${lockKey(LOCK_WINDOWS)});
       SELECT win, expired_through FROM window_state`,
    )) as unknown as pg.QueryResult<{ win: SlidingWindow; expired_through: number }>[];
    const state = new Map<SlidingWindow, number>();
    for (const row of results[1]?.rows ?? []) state.set(row.win, row.expired_through);
    // a window with no state yet is refused by windowDeltas, if there is anything to add to it
    return state;
  }

  /** Takes the window lock exclusive for the rest of the transaction (removing services' window rows). */
  async lockExclusive(client: pg.PoolClient): Promise<void> {
    await client.query(`SELECT pg_advisory_xact_lock(${lockKey(LOCK_WINDOWS)})`);
  }

  private remember(state: ExpiredThrough): void {
    for (const [win, through] of state) {
      if (through > (this.seen.get(win) ?? Number.NEGATIVE_INFINITY)) this.seen.set(win, through);
    }
  }
}

async function readState(db: Queryable): Promise<Map<SlidingWindow, number>> {
  const { rows } = await db.query<{ win: SlidingWindow; expired_through: number }>(
    'SELECT win, expired_through FROM window_state',
  );
  return new Map(rows.map((row) => [row.win, row.expired_through]));
}

function isBehind(state: ExpiredThrough, now: number): boolean {
  return SLIDING_WINDOW_NAMES.some((win) => {
    const through = state.get(win);
    return through === undefined || through < expiryTarget(win, now);
  });
}
