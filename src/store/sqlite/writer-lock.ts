import path from 'node:path';
import Database from 'better-sqlite3';
import { ensurePrivateFile } from '../private-files.js';

/**
 * One process at a time writes events to a data directory: its replay claims
 * (replay-claims.ts) and its rollups not yet applied (rollup-buffer.ts) live
 * in its memory, and a second writer would count beside it unseen — a second
 * `tmon serve` on the same `--data`, or `tmon import` into a directory a
 * server is using. The writer holds an exclusive SQLite lock on a file of its
 * own for as long as it writes; the operating system releases it when the
 * process ends, however it ends (kill -9 included), so nothing is left stale.
 */
export const WRITER_LOCK_FILE_NAME = 'tmon.writer-lock';

export class DataDirectoryBusyError extends Error {
  constructor(dataDir: string) {
    super(
      `another process is writing events to the data directory ${dataDir} (a tmon serve, or a tmon import): ` +
        'one at a time — stop it first, or give this one a --data of its own',
    );
    this.name = 'DataDirectoryBusyError';
  }
}

export interface WriterLock {
  release(): void;
}

/** Takes the data directory's writer lock, or throws DataDirectoryBusyError at once (no waiting). */
export function takeWriterLock(dataDir: string): WriterLock {
  const file = path.join(dataDir, WRITER_LOCK_FILE_NAME);
  // its journal takes its mode: 0600 both, as the database's files (private-files.ts)
  ensurePrivateFile(file);
  const db = new Database(file, { timeout: 0 });
  try {
    // a write takes the exclusive lock, and in exclusive locking mode it is kept until the connection
    // closes; the table exists after the first start, so the row is what every start writes
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec(`CREATE TABLE IF NOT EXISTS writer (pid INTEGER NOT NULL);
      DELETE FROM writer;
      INSERT INTO writer (pid) VALUES (${process.pid});`);
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') throw new DataDirectoryBusyError(dataDir);
    throw error;
  }
  return { release: () => db.close() };
}
