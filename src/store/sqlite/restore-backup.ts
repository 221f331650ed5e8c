/**
 * Puts a `tmon backup` file in place as a data directory's database. Only
 * into an empty (or missing) directory: restoring over a live install would
 * mix two histories, and one mistyped --data must not wipe a server's data.
 */
import { createReadStream, createWriteStream, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import Database from 'better-sqlite3';
import { SQLITE_MIGRATIONS } from '../migrations/sqlite/index.js';
import { ensurePrivateDirectory, PRIVATE_FILE_MODE } from '../private-files.js';
import { refuseNewerSchema } from '../schema-version.js';
import { SQLITE_FILE_NAME } from './database.js';

export class RestoreRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreRefused';
  }
}

export interface RestoreResult {
  file: string;
  /** the highest schema version recorded in the backup */
  schemaVersion: number;
}

/**
 * Throws RestoreRefused unless `file` is an intact tmon database, and
 * NewerSchemaError when a newer tmon wrote it; answers its schema version.
 */
export function checkTmonDatabase(file: string): number {
  if (!existsSync(file)) throw new RestoreRefused(`${file} does not exist`);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new RestoreRefused(`${file} cannot be opened as a SQLite database: ${(error as Error).message}`);
  }
  try {
    let verdict: unknown;
    try {
      verdict = db.pragma('integrity_check', { simple: true });
    } catch (error) {
      // "file is not a database" comes from the first read, not from the open
      throw new RestoreRefused(`${file} is not a SQLite database: ${(error as Error).message}`);
    }
    if (verdict !== 'ok') throw new RestoreRefused(`${file} is damaged (PRAGMA integrity_check: ${String(verdict)})`);
    const hasMigrations = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
      .pluck()
      .get();
    if (hasMigrations === undefined) {
      throw new RestoreRefused(`${file} is a SQLite database but not tmon's (no schema_migrations table)`);
    }
    const version = db.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get() as number | null;
    if (version === null) throw new RestoreRefused(`${file} is not a tmon database (its schema_migrations is empty)`);
    // a newer tmon's backup would be refused at every start: say so now, before anything is copied
    refuseNewerSchema(version, SQLITE_MIGRATIONS);
    return version;
  } finally {
    db.close();
  }
}

/** Checks `backupFile`, then copies it to `<dataDir>/tmon.sqlite` (0600, in a 0700 directory). */
export async function restoreSqliteBackup(backupFile: string, dataDir: string): Promise<RestoreResult> {
  if (existsSync(dataDir)) {
    const entries = readdirSync(dataDir);
    if (entries.length > 0) {
      throw new RestoreRefused(
        `${dataDir} is not empty (${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}): ` +
          'restore into an empty or new directory, nothing is overwritten',
      );
    }
  }
  const schemaVersion = checkTmonDatabase(backupFile);
  ensurePrivateDirectory(dataDir);
  const target = path.join(dataDir, SQLITE_FILE_NAME);
  // created 0600 before the first byte (copyFile would give it the backup's mode): it holds every secret
  await pipeline(createReadStream(backupFile), createWriteStream(target, { flags: 'wx', mode: PRIVATE_FILE_MODE }));
  return { file: target, schemaVersion };
}
