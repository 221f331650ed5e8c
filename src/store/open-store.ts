import type { Config } from '../config.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

/** The backend the configuration names: PostgreSQL for a postgres:// URL, else SQLite in the data directory. */
export async function openStore(config: Pick<Config, 'databaseUrl' | 'dataDir' | 'sqliteSynchronous'>): Promise<Store> {
  if (config.databaseUrl !== null) {
    throw new Error('TMON_DATABASE_URL (PostgreSQL) is not supported by this version yet; unset it to use SQLite');
  }
  return openSqliteStore({ dataDir: config.dataDir, synchronous: config.sqliteSynchronous });
}
