import type { Config } from '../config.js';
import { openPostgresStore } from './postgres/postgres-store.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import type { SqliteWriterPlace } from './sqlite-writer-place.js';
import type { Store } from './store.js';
import { openInlineWriterSqliteStore } from './worker/inline-writer-store.js';
import { openWorkerSqliteStore } from './worker/worker-store.js';

export interface ServerStoreOptions {
  /** where the SQLite writer runs (sqlite-writer-place.ts) */
  sqliteWriter: SqliteWriterPlace;
  /** work the store does on its own failed (PostgreSQL's rollup fold, SQLite's checkpointer; both go on): for the log */
  onBackgroundError(error: unknown): void;
}

/**
 * The backend the configuration names: PostgreSQL for a postgres:// URL, else
 * SQLite in the data directory. The server's SQLite store (`server` given)
 * takes the data directory's writer lock at open (writer-lock.ts) and has a
 * checkpointer thread, its writer on a thread of its own or on the calling
 * thread; short CLI commands get the plain inline store. PostgreSQL is always
 * inline: pg is asynchronous already, the work happens in the database server.
 */
export async function openStore(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'sqliteSynchronous'>,
  server?: ServerStoreOptions,
): Promise<Store> {
  if (config.databaseUrl !== null) {
    return openPostgresStore({ url: config.databaseUrl, onBackgroundError: server?.onBackgroundError });
  }
  const options = { dataDir: config.dataDir, synchronous: config.sqliteSynchronous };
  if (server === undefined) return openSqliteStore(options);
  const { onBackgroundError } = server;
  return server.sqliteWriter === 'thread'
    ? openWorkerSqliteStore({ ...options, writesEvents: true }, { onBackgroundError })
    : openInlineWriterSqliteStore(options, { onBackgroundError });
}
