import type { Config } from '../config.js';
import { openPostgresStore } from './postgres/postgres-store.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';
import { openWorkerSqliteStore } from './worker/worker-store.js';

/**
 * The backend the configuration names: PostgreSQL for a postgres:// URL, else
 * SQLite in the data directory — on threads of its own (writer and
 * checkpointer) for the server (`thread: 'worker'`), inline for short CLI
 * commands. PostgreSQL is always inline: pg is asynchronous already, the work
 * happens in the database server.
 */
export async function openStore(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'sqliteSynchronous'>,
  {
    thread,
    onBackgroundError,
  }: {
    thread: 'worker' | 'inline';
    /** work the store does on its own failed (PostgreSQL's rollup fold, SQLite's checkpointer; both go on): for the log */
    onBackgroundError?: (error: unknown) => void;
  } = { thread: 'inline' },
): Promise<Store> {
  if (config.databaseUrl !== null) return openPostgresStore({ url: config.databaseUrl, onBackgroundError });
  const options = { dataDir: config.dataDir, synchronous: config.sqliteSynchronous };
  // the worker store is the server's: it takes the data directory's writer lock at open (writer-lock.ts)
  return thread === 'worker'
    ? openWorkerSqliteStore({ ...options, writesEvents: true }, { onBackgroundError })
    : openSqliteStore(options);
}
