import { SQLITE_MIGRATIONS } from '../migrations/sqlite/index.js';
import type { SqliteDatabase } from './database.js';

/**
 * Applies the migrations not yet recorded in `schema_migrations`, each in its
 * own transaction together with its record, so a failed migration leaves the
 * schema at the previous version. Idempotent. BEGIN IMMEDIATE: two processes
 * starting at once take turns instead of both applying a version.
 */
export function migrateSqlite(db: SqliteDatabase, appliedAt: number): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
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
