import type { SqliteDatabase } from './database.js';

/**
 * The service ids that have rollup rows, in order, found by a skip-scan of
 * the primary key (one seek per service, the ids of removed services
 * included): window expiry and pruning go service by service through the
 * key, as no index on (res, bucket) costs every new row a second insert.
 */
export function rollupServiceIds(db: SqliteDatabase): () => Generator<number> {
  const next = db.prepare<[number], number | null>('SELECT min(service_id) FROM rollups WHERE service_id > ?').pluck();
  return function* () {
    let serviceId = next.get(Number.MIN_SAFE_INTEGER) ?? null;
    while (serviceId !== null) {
      yield serviceId;
      serviceId = next.get(serviceId) ?? null;
    }
  };
}
