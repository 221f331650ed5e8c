/**
 * PostgreSQL for the ingest benchmark: a fresh schema `tmon_bench_<random>`
 * (tmon creates its tables there on start), dropped at the end, and the check
 * of the acknowledged events against what the schema holds.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { type Acknowledged, compare, type StoreCheck } from './verify-store.js';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface BenchSchema {
  schema: string;
  /** the URL with `?schema=`: TMON_DATABASE_URL for tmon */
  tmonUrl: string;
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

export async function createBenchSchema(url: string): Promise<BenchSchema> {
  const schema = `tmon_bench_${randomBytes(6).toString('hex')}`;
  await withClient(url, (client) => client.query(`CREATE SCHEMA ${schema}`));
  const tmonUrl = new URL(url);
  tmonUrl.searchParams.set('schema', schema);
  return {
    schema,
    tmonUrl: tmonUrl.toString(),
    drop: () => withClient(url, (client) => client.query(`DROP SCHEMA ${schema} CASCADE`)).then(() => undefined),
  };
}

/** The PostgreSQL server's version line (for the output). */
export function postgresVersion(url: string): Promise<string> {
  return withClient(url, async (client) => (await client.query<{ v: string }>('SELECT version() AS v')).rows[0]!.v);
}

/** Like checkStored for SQLite: countEvents through tmon's store, event keys read from the schema directly. */
export async function checkStoredPostgres(
  url: string,
  schema: string,
  serviceId: number,
  acknowledged: Acknowledged,
): Promise<StoreCheck> {
  const store = await openPostgresStore({ url, schema });
  let stored: number;
  try {
    stored = await store.events.countEvents(serviceId);
  } finally {
    await store.close();
  }
  const rows = await withClient(url, async (client) => {
    const result = await client.query<{ event_key: string }>(
      `SELECT event_key FROM ${schema}.events WHERE service_id = $1 AND event_key IS NOT NULL`,
      [serviceId],
    );
    return result.rows;
  });
  return compare(stored, new Set(rows.map((row) => row.event_key)), acknowledged);
}
