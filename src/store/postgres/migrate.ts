import type pg from 'pg';
import { POSTGRES_MIGRATIONS } from '../migrations/postgres/index.js';
import { type PendingMigration, pendingOf, refuseNewerSchema } from '../schema-version.js';
import { inTransaction, quoteIdentifier } from './database.js';

/** tmon's advisory locks: the first key names the purpose ('tmon' + n), the second is the schema's hash. */
const LOCK_CLASS = 0x746d6f6e;
export const LOCK_MIGRATE = 1;
export const LOCK_WINDOWS = 2;
export const LOCK_FOLD = 3;
export const LOCK_VACUUM = 4;

/** SQL for the advisory lock key pair of `purpose` in the current schema, so tests in separate schemas never contend. */
export function lockKey(purpose: number): string {
  return `${LOCK_CLASS + purpose}, hashtext(coalesce(current_schema(), ''))`;
}

/**
 * Applies the migrations not yet recorded in `schema_migrations`, each in its
 * own transaction together with its record (DDL is transactional in
 * PostgreSQL: a failed migration leaves the previous version). Every
 * transaction first takes a transaction-scoped advisory lock, so two
 * processes starting together take turns; the second then finds the version
 * recorded and skips it. Idempotent. A database written by a newer tmon is
 * refused before anything is applied.
 */
export async function migratePostgres(pool: pg.Pool, appliedAt: number, schema?: string): Promise<number[]> {
  if (schema !== undefined) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
  const applied: number[] = [];
  for (const migration of POSTGRES_MIGRATIONS) {
    const done = await inTransaction(pool, async (client) => {
      await client.query(`SELECT pg_advisory_xact_lock(${lockKey(LOCK_MIGRATE)})`);
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at bigint NOT NULL
      )`);
      const newest = await client.query<{ version: number | null }>(
        'SELECT MAX(version) AS version FROM schema_migrations',
      );
      refuseNewerSchema(newest.rows[0]?.version ?? null, POSTGRES_MIGRATIONS);
      const found = await client.query('SELECT 1 FROM schema_migrations WHERE version = $1', [migration.version]);
      if (found.rowCount !== 0) return false;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        appliedAt,
      ]);
      return true;
    });
    if (done) applied.push(migration.version);
  }
  return applied;
}

/**
 * The migrations migratePostgres would apply, read without writing: a schema
 * (or a schema_migrations table) not there yet has them all pending. Refuses
 * a database written by a newer tmon, as migratePostgres does.
 */
export async function pendingPostgresMigrations(pool: pg.Pool): Promise<PendingMigration[]> {
  // to_regclass follows the pool's search_path (the URL's schema): null when the table is not there
  const { rows: tables } = await pool.query<{ found: string | null }>(
    "SELECT to_regclass('schema_migrations')::text AS found",
  );
  const applied = new Set<number>();
  if (tables[0]?.found) {
    const { rows } = await pool.query<{ version: number }>('SELECT version FROM schema_migrations');
    for (const row of rows) applied.add(row.version);
  }
  refuseNewerSchema(applied.size === 0 ? null : Math.max(...applied), POSTGRES_MIGRATIONS);
  return pendingOf(POSTGRES_MIGRATIONS, applied);
}
