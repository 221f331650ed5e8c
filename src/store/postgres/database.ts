import pg from 'pg';

export interface PostgresOpenOptions {
  /** postgres://user:password@host:port/database */
  url: string;
  /**
   * the schema tmon's tables live in (created by migrate() when missing);
   * default: the URL's `?schema=` parameter, else the server's search_path
   */
  schema?: string;
  /** connections in the pool; default 10 */
  poolSize?: number;
  /**
   * a background rollup fold failed (its counts stay queued for the next), or
   * an idle connection broke; openPostgresStore's default: console.error
   */
  onBackgroundError?: (error: unknown) => void;
  /** how long after a write its rollup counts are folded, unless a read comes first; default FOLD_DELAY_MS */
  foldDelayMs?: number;
  /** how often the tables tmon rewrites all the time are vacuumed; default CHURN_VACUUM_INTERVAL_MS */
  churnVacuumMs?: number;
}

export type Queryable = pg.Pool | pg.PoolClient;

/**
 * int8 (bigint: ids, seq, ms times, counts) as a JS number instead of pg's
 * default string. Exact up to 2^53: ms times, counts and ids stay far below.
 * Scoped to this pool's connections, not set on pg's global registry.
 */
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === pg.types.builtins.INT8 && format !== 'binary') return Number;
    return format === undefined ? pg.types.getTypeParser(oid) : pg.types.getTypeParser(oid, format);
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** Double-quoted SQL identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * The schema: `options.schema`, else the URL's `?schema=` parameter (tmon's
 * own, taken out of the URL), else the server's search_path. The URL's
 * `options` parameter is taken out too and merged with tmon's settings: left
 * in the URL it would replace them (pg lets URL values override the config).
 */
export function resolveUrl(options: PostgresOpenOptions): {
  url: string;
  schema: string | undefined;
  serverOptions: string | null;
} {
  const parsed = new URL(options.url);
  const schemaParam = parsed.searchParams.get('schema');
  const serverOptions = parsed.searchParams.get('options');
  parsed.searchParams.delete('schema');
  parsed.searchParams.delete('options');
  return { url: parsed.toString(), schema: options.schema ?? schemaParam ?? undefined, serverOptions };
}

/**
 * The pool every part of the store shares. Timeouts, so a database that is
 * down or stuck turns into a thrown error (the collect route answers 503)
 * instead of requests hanging: 5 s to connect, 30 s per statement (lock waits
 * included), and a session idle inside a transaction for 60 s is ended by the
 * server, so a stalled process cannot hold row locks others wait for.
 */
export function openPool(options: PostgresOpenOptions): pg.Pool {
  const { url, schema, serverOptions } = resolveUrl(options);
  const settings = ['-c statement_timeout=30000', '-c idle_in_transaction_session_timeout=60000'];
  if (schema !== undefined) {
    // search_path is a list of identifiers: quote, and escape spaces/backslashes for the options string
    settings.push(`-c search_path=${quoteIdentifier(schema).replace(/[\\ ]/g, '\\$&')}`);
  }
  // the URL's own `options` come last: a setting given there wins
  if (serverOptions !== null) settings.push(serverOptions);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 5_000,
    // client side too: a server that vanished without closing the socket still ends the query
    query_timeout: 45_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    options: settings.join(' '),
    types: TYPES,
    application_name: 'tmon',
  });
  // An idle connection that breaks (server restart) is dropped by the pool; without a
  // listener the 'error' event would end the process. The next query opens a new one.
  pool.on('error', (error) => {
    options.onBackgroundError?.(
      new Error(`an idle PostgreSQL connection broke, the next query opens another: ${error.message}`, {
        cause: error,
      }),
    );
  });
  return pool;
}

/**
 * Runs `body` in one transaction on one connection. A connection that breaks
 * meanwhile, or whose ROLLBACK fails, is destroyed rather than returned to the
 * pool.
 */
export async function inTransaction<T>(pool: pg.Pool, body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // The pool listens for a connection's 'error' only while it is idle there. Checked
  // out, a connection that drops between statements emits 'error' with no listener,
  // which would end the process: kept here, it is what the transaction fails with.
  let dropped: Error | undefined;
  const onConnectionError = (error: Error) => {
    dropped ??= error;
  };
  client.on('error', onConnectionError);
  let rollbackFailed: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await body(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    if (dropped !== undefined) throw dropped;
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      rollbackFailed = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    }
    throw error;
  } finally {
    client.removeListener('error', onConnectionError);
    client.release(dropped ?? rollbackFailed);
  }
}

/** SQLSTATEs after which the same transaction, run again, may well succeed. */
const RETRYABLE = new Set(['40P01', '40001']); // deadlock_detected, serialization_failure

/**
 * Runs `attempt` again (up to 3 times in all) when PostgreSQL aborted its
 * transaction as a deadlock victim: two processes that insert the same
 * idempotency ids in different orders can wait on each other; one is aborted
 * and simply retried.
 */
export async function withRetries<T>(attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (n >= 3 || !(error instanceof pg.DatabaseError) || !RETRYABLE.has(error.code ?? '')) throw error;
    }
  }
}

/** inTransaction, retried as a deadlock victim (withRetries). */
export function inRetriedTransaction<T>(pool: pg.Pool, body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return withRetries(() => inTransaction(pool, body));
}

/** True when `error` is PostgreSQL refusing a row by the named unique constraint or index. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  return error instanceof pg.DatabaseError && error.code === '23505' && error.constraint === constraint;
}

export function isForeignKeyViolation(error: unknown): boolean {
  return error instanceof pg.DatabaseError && error.code === '23503';
}
