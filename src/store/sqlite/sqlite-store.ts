import type { Store } from '../store.js';
import { sqliteAlertChannelStore } from './alert-channels.js';
import { sqliteAlertRuleStore } from './alert-rules.js';
import { openSqliteDatabase, type SqliteOpenOptions } from './database.js';
import type { SqliteEventsWriter } from './events-writer.js';
import { migrateSqlite, pendingSqliteMigrations } from './migrate.js';
import { prepareSqliteParts, type SqliteParts } from './parts.js';
import { sqliteAccountStore } from './sqlite-account-store.js';
import { type SqliteEventStore, sqliteEventStore } from './sqlite-event-store.js';
import { takeWriterLock, type WriterLock } from './writer-lock.js';

export type { SqliteOpenOptions } from './database.js';

/** The SQLite store, whose event half has the packed methods the writer thread's caller uses. */
export interface SqliteStore extends Store {
  readonly events: SqliteEventStore;
}

/**
 * The embedded store: `<dataDir>/tmon.sqlite`. better-sqlite3 is synchronous
 * and one statement takes micro- to milliseconds, so the methods run inline
 * and resolve at once; `writeEvents` resolves after its commit. Both halves
 * share the one connection.
 *
 * One process writes events to a data directory at a time (other processes,
 * such as CLI commands, may manage users and services beside it): rollups
 * not yet applied live in that process's memory (see rollup-buffer.ts).
 */
export async function openSqliteStore(options: SqliteOpenOptions): Promise<SqliteStore> {
  const db = openSqliteDatabase(options);
  let writerLock: WriterLock | null = null;
  try {
    if (options.writesEvents) writerLock = takeWriterLock(options.dataDir);
  } catch (error) {
    db.close();
    throw error;
  }
  let parts: SqliteParts | null = null;
  // statements are prepared once, after the schema exists; a caller that forgets migrate() still works
  const ready = (): SqliteParts => {
    if (parts === null) {
      migrateSqlite(db, Date.now());
      parts = prepareSqliteParts(db);
    }
    return parts;
  };
  const inTransaction = <T>(fn: () => T): T => db.transaction(fn).immediate();
  const writer = (): SqliteEventsWriter => {
    const { writer } = ready();
    writerLock ??= takeWriterLock(options.dataDir);
    return writer;
  };

  return {
    accounts: sqliteAccountStore(ready, inTransaction),
    events: sqliteEventStore(ready, writer),
    alertChannels: sqliteAlertChannelStore(() => {
      ready();
      return db;
    }),
    alertRules: sqliteAlertRuleStore(() => {
      ready();
      return db;
    }),
    async migrate() {
      migrateSqlite(db, Date.now());
      ready();
    },
    async pendingMigrations() {
      // not ready(): that would apply them
      return pendingSqliteMigrations(db);
    },
    async close() {
      if (!db.open) return;
      parts?.rollups.flushOnClose();
      db.close();
      writerLock?.release();
    },
  };
}
