import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPostgresStore, type PostgresOpenOptions } from '../../src/store/postgres/postgres-store.js';
import type { Store } from '../../src/store/store.js';

/** The PostgreSQL the tests use (CI sets it), or undefined: the PostgreSQL suites are then skipped. */
export const TEST_DATABASE_URL = process.env.TMON_TEST_DATABASE_URL || undefined;

export interface TempPostgresSchema {
  url: string;
  schema: string;
  /** another store on the same schema: a second tmon process, as the database sees it (its own pool) */
  openStore(options?: Omit<PostgresOpenOptions, 'url' | 'schema'>): Promise<Store>;
  /** runs SQL in the schema (for checks on the tables themselves) */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>;
  /** EXPLAIN of a statement with sequential scans disabled: the plan text */
  explain(sql: string, params: unknown[]): Promise<string>;
  drop(): Promise<void>;
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh schema `tmon_test_<random>` in the test database; drop() removes it with everything in it. */
export async function createTempSchema(url: string): Promise<TempPostgresSchema> {
  const schema = `tmon_test_${randomBytes(6).toString('hex')}`;
  await withClient(url, (client) => client.query(`CREATE SCHEMA ${schema}`));
  const stores: Store[] = [];
  return {
    url,
    schema,
    async openStore(options = {}) {
      const store = await openPostgresStore({ ...options, url, schema });
      stores.push(store);
      return store;
    },
    async query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []) {
      return withClient(url, async (client) => {
        await client.query(`SET search_path TO ${schema}`);
        return (await client.query<R>(sql, params)).rows;
      });
    },
    async explain(sql: string, params: unknown[]) {
      return withClient(url, async (client) => {
        await client.query(`SET search_path TO ${schema}`);
        await client.query('SET enable_seqscan = off');
        const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params);
        return rows.map((row) => row['QUERY PLAN']).join('\n');
      });
    },
    async drop() {
      for (const store of stores) await store.close();
      await withClient(url, (client) => client.query(`DROP SCHEMA ${schema} CASCADE`));
    },
  };
}

/** A migrated PostgreSQL store in a fresh schema; cleanup closes it and drops the schema. */
export async function withTempPostgresStore(url: string) {
  const temp = await createTempSchema(url);
  const store = await temp.openStore();
  await store.migrate();
  return { store, temp, cleanup: () => temp.drop() };
}
