import type pg from 'pg';
import { POSTGRES_MIGRATIONS } from '../migrations/postgres/index.js';
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
 * recorded and skips it. Idempotent.
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
