import type { Store } from '../store.js';
import { postgresAlertChannelStore } from './alert-channels.js';
import { postgresAlertRuleStore } from './alert-rules.js';
import { PostgresChurnVacuum } from './churn-vacuum.js';
import { openPool, type PostgresOpenOptions, resolveUrl } from './database.js';
import { migratePostgres, pendingPostgresMigrations } from './migrate.js';
import { postgresAccountStore } from './postgres-account-store.js';
import { postgresEventStore } from './postgres-event-store.js';

export type { PostgresOpenOptions } from './database.js';

/**
 * The PostgreSQL store (TMON_DATABASE_URL=postgres://…): the same interfaces
 * and behaviour as the SQLite store, for any number of tmon processes sharing
 * one database; both halves share one pool. Nothing one process needs is
 * kept in another's memory: replay and idempotency checks are unique
 * constraints, rollup counts are queued with their events and folded by any
 * process (rollup-folder.ts), and the sliding windows are moved by whichever
 * process comes first (windows.ts explains why the counts stay exact). The
 * in-memory caches (window state seen, cities already recorded) are lower
 * bounds of what the database holds, so they can only save work.
 */
export async function openPostgresStore(options: PostgresOpenOptions): Promise<Store> {
  const reportBackgroundError = options.onBackgroundError ?? ((error: unknown) => console.error('tmon:', error));
  const pool = openPool({ ...options, onBackgroundError: reportBackgroundError });
  const { schema } = resolveUrl(options);
  /** started once the schema is there: before, its tables may not exist */
  let vacuum: PostgresChurnVacuum | null = null;
  let closed = false;

  // a caller that forgets migrate() still works: the first call brings the schema up to date
  let migrated: Promise<unknown> | null = null;
  const migrate = () => {
    migrated ??= migratePostgres(pool, Date.now(), schema).then(
      () => {
        if (!closed) vacuum ??= new PostgresChurnVacuum(pool, reportBackgroundError, options.churnVacuumMs);
      },
      (error: unknown) => {
        migrated = null;
        throw error;
      },
    );
    return migrated;
  };
  const ready = async <T>(body: () => Promise<T>): Promise<T> => {
    await migrate();
    return body();
  };
  const { events, closeFolder } = postgresEventStore(pool, ready, {
    reportBackgroundError,
    foldDelayMs: options.foldDelayMs,
  });

  return {
    accounts: postgresAccountStore(pool, ready),
    events,
    alertChannels: postgresAlertChannelStore(pool, ready),
    alertRules: postgresAlertRuleStore(pool, ready),
    async migrate() {
      migrated = null; // run again on request: another process may have shipped nothing new, it is cheap
      await migrate();
    },
    // not ready(): that would apply them
    pendingMigrations: () => pendingPostgresMigrations(pool),
    async close() {
      if (closed) return;
      closed = true;
      try {
        await vacuum?.close();
        if (migrated !== null) await closeFolder();
      } catch (error) {
        // nothing is lost: the counts stay queued in the database for the next process's fold
        reportBackgroundError(error);
      } finally {
        await pool.end();
      }
    },
  };
}
