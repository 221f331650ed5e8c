import type pg from 'pg';
import { LOCK_VACUUM, lockKey } from './migrate.js';

/**
 * How often tmon vacuums the tables it rewrites all the time. Every fold
 * (5 a second under load) updates each window count and rollup bucket it
 * touches, and an update leaves the old row version behind until a vacuum;
 * `window_counts` cannot reuse it in place (HOT), because its ranking index
 * holds the count: under steady writes with autovacuum off, its dead
 * versions outnumber its live rows by hundreds to one within minutes, and
 * the table grows by about a megabyte a second. Autovacuum, where it is on,
 * looks once a minute (autovacuum_naptime) and lets a minute of dead
 * versions pile up first; every 10 s keeps the tables near their live size,
 * for tens of milliseconds of one connection's time per turn.
 */
export const CHURN_VACUUM_INTERVAL_MS = 10_000;

/**
 * The tables rewritten in place or emptied as fast as they fill. `events`
 * is not among them: it is appended to and only thinned by retention,
 * which autovacuum's thresholds suit.
 */
export const CHURN_TABLES = ['window_counts', 'rollups', 'rollup_queue', 'window_state', 'replay_keys'] as const;

/**
 * Vacuums the churn tables every `intervalMs` while the store is open, in
 * one process at a time (a session advisory lock, taken without waiting:
 * the others skip their turn), so their size stays near what they hold
 * whatever the server's autovacuum settings. A failure is reported and the
 * next turn tries again.
 */
export class PostgresChurnVacuum {
  readonly #timer: NodeJS.Timeout;
  #running: Promise<void> | null = null;

  constructor(
    private readonly pool: pg.Pool,
    private readonly onBackgroundError: (error: unknown) => void,
    intervalMs = CHURN_VACUUM_INTERVAL_MS,
  ) {
    this.#timer = setInterval(() => {
      if (this.#running !== null) return;
      this.#running = this.vacuumNow()
        .then(
          () => undefined,
          (error: unknown) =>
            this.onBackgroundError(
              new Error(`vacuuming tmon's churn tables failed (tried again later): ${(error as Error).message}`, {
                cause: error,
              }),
            ),
        )
        .finally(() => {
          this.#running = null;
        });
    }, intervalMs);
    // a CLI command that opened the store must still exit when it is done
    this.#timer.unref();
  }

  /** One vacuum of the churn tables; false when another process holds the turn. */
  async vacuumNow(): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>(
        `SELECT pg_try_advisory_lock(${lockKey(LOCK_VACUUM)}) AS locked`,
      );
      if (!rows[0]?.locked) return false;
      try {
        // VACUUM cannot run inside a transaction: a statement of its own on this connection. Without
        // truncating: giving empty end pages back takes an exclusive lock, which would hold up the group
        // commits writing rollup_queue, and these tables fill those pages again within seconds
        await client.query(`VACUUM (TRUNCATE false) ${CHURN_TABLES.join(', ')}`);
      } finally {
        await client.query(`SELECT pg_advisory_unlock(${lockKey(LOCK_VACUUM)})`);
      }
      return true;
    } finally {
      client.release();
    }
  }

  /** No more turns; waits for one in progress. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }
}
