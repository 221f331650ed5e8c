import path from 'node:path';
import Database from 'better-sqlite3';
import { ensurePrivateDirectory, ensurePrivateFile } from '../private-files.js';
import { WRITER_LOCK_FILE_NAME } from './writer-lock.js';

export type SqliteDatabase = Database.Database;

/** A value bound to a statement's parameter. */
export type SqlValue = string | number | null;

export interface SqliteOpenOptions {
  dataDir: string;
  /**
   * `normal` (default): with WAL, a commit survives the process being killed
   * (kill -9) — the WAL is written before the answer; only a power loss or OS
   * crash can lose the last commits. `full` also fsyncs every commit.
   */
  synchronous?: 'normal' | 'full';
  /**
   * This store is the server's: take the data directory's writer lock at open
   * (writer-lock.ts), so a second server fails at start. Any store takes it
   * at its first event write anyway.
   */
  writesEvents?: boolean;
}

export const SQLITE_FILE_NAME = 'tmon.sqlite';

/** every file tmon keeps in a data directory, for the check that only tmon's user may read them */
export const SQLITE_DATA_FILE_NAMES = [
  SQLITE_FILE_NAME,
  `${SQLITE_FILE_NAME}-wal`,
  `${SQLITE_FILE_NAME}-shm`,
  WRITER_LOCK_FILE_NAME,
  `${WRITER_LOCK_FILE_NAME}-journal`,
] as const;

export function openSqliteDatabase(options: SqliteOpenOptions): SqliteDatabase {
  // 0700 and 0600 (private-files.ts): the database holds every service's secret
  ensurePrivateDirectory(options.dataDir);
  const file = path.join(options.dataDir, SQLITE_FILE_NAME);
  ensurePrivateFile(file);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  setSynchronous(db, options);
  // another process (a CLI command beside the server) waits for the lock instead of failing at once
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  // 64 MB of page cache keeps the rollup and index pages hot (the resident budget is 400 MB)
  db.pragma('cache_size = -65536');
  db.pragma('temp_store = MEMORY');
  // the writer's own checkpoints, every 10,000 WAL pages: for the CLI all of them; beside the server's checkpointer
  // thread (checkpoint-worker.ts) a backstop that finds most pages copied and lets the WAL start over
  db.pragma('wal_autocheckpoint = 10000');
  return db;
}

/**
 * A second connection to an existing database, for checkpoints only. It syncs
 * as the writer does: a checkpoint fsyncs the database file before SQLite may
 * reuse the WAL, and with `synchronous = OFF` a power loss could then lose
 * committed pages.
 */
export function openCheckpointConnection(options: SqliteOpenOptions): SqliteDatabase {
  const db = new Database(path.join(options.dataDir, SQLITE_FILE_NAME), { fileMustExist: true });
  setSynchronous(db, options);
  return db;
}

function setSynchronous(db: SqliteDatabase, options: SqliteOpenOptions): void {
  db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
}
