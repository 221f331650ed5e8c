import { SQLITE_MIGRATIONS } from '../migrations/sqlite/index.js';
import { type PendingMigration, pendingOf, refuseNewerSchema } from '../schema-version.js';
import type { SqliteDatabase } from './database.js';

/**
 * Applies the migrations not yet recorded in `schema_migrations`, each in its
 * own transaction together with its record, so a failed migration leaves the
 * schema at the previous version. Idempotent. BEGIN IMMEDIATE: two processes
 * starting at once take turns instead of both applying a version. A
 * database written by a newer tmon is refused before anything is applied.
 */
export function migrateSqlite(db: SqliteDatabase, appliedAt: number): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  refuseNewerSchema(
    db.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get() as number | null,
    SQLITE_MIGRATIONS,
  );
  const isApplied = db.prepare<[number]>('SELECT 1 FROM schema_migrations WHERE version = ?').pluck();
  const record = db.prepare<[number, string, number]>(
    'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
  );
  const applied: number[] = [];
  for (const migration of SQLITE_MIGRATIONS) {
    // applied already (every start but the first): a read, no write lock — the server's lookup
    // connection and CLI commands open beside a writer that may be committing
    if (isApplied.get(migration.version) !== undefined) continue;
    const apply = db.transaction(() => {
      if (isApplied.get(migration.version) !== undefined) return false;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, appliedAt);
      return true;
    });
    if (apply.immediate()) applied.push(migration.version);
  }
  return applied;
}

/**
 * The migrations migrateSqlite would apply, read without writing (no table is
 * created: a database without schema_migrations has them all pending).
 * Refuses a database written by a newer tmon, as migrateSqlite does.
 */
export function pendingSqliteMigrations(db: SqliteDatabase): PendingMigration[] {
  const hasTable = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    .pluck()
    .get();
  const applied = new Set(
    hasTable === undefined ? [] : (db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]),
  );
  refuseNewerSchema(applied.size === 0 ? null : Math.max(...applied), SQLITE_MIGRATIONS);
  return pendingOf(SQLITE_MIGRATIONS, applied);
}
