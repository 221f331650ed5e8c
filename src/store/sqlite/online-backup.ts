/**
 * A consistent copy of a data directory's database taken while a server
 * serves and ingests, through SQLite's online backup API (not a file copy,
 * which could catch the database file between a checkpoint's writes, and
 * misses what is still in the WAL).
 *
 * It reads from a connection of its own, in this process: WAL lets a reader
 * work beside the writer, so it needs neither the writer lock
 * (writer-lock.ts) nor a pause in ingestion.
 */
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ensurePrivateFile } from '../private-files.js';
import { SQLITE_FILE_NAME } from './database.js';

export class NoDatabaseError extends Error {
  constructor(dataDir: string) {
    super(`no database in ${dataDir} (no ${SQLITE_FILE_NAME}): nothing to back up — is --data the server's directory?`);
    this.name = 'NoDatabaseError';
  }
}

export interface BackupProgress {
  copiedPages: number;
  totalPages: number;
  /** the source changed between two steps, so SQLite began again (with larger steps) */
  restarts: number;
}

export interface BackupResult {
  file: string;
  pages: number;
  bytes: number;
  restarts: number;
}

/**
 * Pages copied per step at first: 256 pages of 4 KiB, 1 MiB. Between two
 * steps the read lock is let go, and a commit by the server in that gap makes
 * SQLite start over (sqlite3_backup_step). Under steady ingestion (2,000
 * events/s commits every few ms) small steps would start over for ever, so
 * each start-over multiplies the step by 8: after a few the whole database
 * goes in one step, a single read transaction, which no commit disturbs.
 */
const FIRST_STEP_PAGES = 256;
const STEP_GROWTH = 8;

/**
 * Copies `<dataDir>/tmon.sqlite` into `outFile`, created 0600 (it holds every
 * service's secret, private-files.ts). The copy is written beside the target
 * as `<outFile>.partial` and renamed when complete, so a failed backup never
 * leaves a half file under the name asked for. The copy is switched from WAL
 * to a rollback journal: one self-contained file, nothing beside it to lose.
 */
export async function backupSqliteDatabase(
  dataDir: string,
  outFile: string,
  onProgress: (progress: BackupProgress) => void,
  firstStepPages = FIRST_STEP_PAGES,
): Promise<BackupResult> {
  const source = path.join(dataDir, SQLITE_FILE_NAME);
  if (!existsSync(source)) throw new NoDatabaseError(dataDir);
  const partial = `${outFile}.partial`;
  // a partial file is what an interrupted backup left: never a backup, safe to replace
  rmSync(partial, { force: true });
  ensurePrivateFile(partial);
  const db = new Database(source, { fileMustExist: true });
  let restarts = 0;
  let result: { totalPages: number };
  try {
    // the server commits often: wait for its lock instead of failing at once
    db.pragma('busy_timeout = 5000');
    let step = firstStepPages;
    /** what should remain after the step just taken, were nothing to change */
    let expectedRemaining = Number.POSITIVE_INFINITY;
    result = await db.backup(partial, {
      progress: ({ totalPages, remainingPages }) => {
        // more left than the last step should have left: SQLite began again (or the database grew meanwhile)
        if (remainingPages > expectedRemaining) {
          restarts++;
          step *= STEP_GROWTH;
        }
        expectedRemaining = Math.max(0, remainingPages - step);
        onProgress({ copiedPages: totalPages - remainingPages, totalPages, restarts });
        return step;
      },
    });
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  } finally {
    db.close();
  }
  const copy = new Database(partial, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
  renameSync(partial, outFile);
  return { file: outFile, pages: result.totalPages, bytes: statSync(outFile).size, restarts };
}
