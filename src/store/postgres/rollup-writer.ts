import type pg from 'pg';
import { compareText, type RollupAccumulator, type RollupDelta } from '../../rollup/deltas.js';
import type { Place } from '../../rollup/places.js';
import { type ExpiredThrough, windowDeltas } from '../../rollup/window-deltas.js';
import { arrayLiteral } from './event-rows.js';

/** Bound on the in-memory set of city keys already in `places` (~100 bytes each: ≤ 10 MB). */
const KNOWN_PLACES_MAX = 100_000;

/** Primary-key order of rollups (service_id, dim, res, bucket, key). */
function compareRollupKeys(a: RollupDelta, b: RollupDelta): number {
  return (
    a.serviceId - b.serviceId ||
    compareText(a.dim, b.dim) ||
    compareText(a.res, b.res) ||
    a.bucket - b.bucket ||
    compareText(a.key, b.key)
  );
}

/**
 * Adds one group's rollup deltas to `rollups` and to the windows, and records
 * the cities seen, inside the group's transaction: one multi-row upsert per
 * table (unnest arrays), whatever the number of rows.
 *
 * Rows go in one fixed total order (primary-key order, the same comparator in
 * every process), and every writer touches the tables in the same order
 * (rollups, window_counts, places): two processes upserting overlapping rows
 * then wait for each other instead of deadlocking. Each statement's rows are
 * distinct (the accumulator sums per key), as ON CONFLICT DO UPDATE requires.
 */
export class PostgresRollupWriter {
  private readonly knownPlaces = new Set<string>();

  async apply(client: pg.PoolClient, pending: RollupAccumulator, expiredThrough: ExpiredThrough): Promise<void> {
    const deltas = pending.deltas().sort(compareRollupKeys);
    if (deltas.length > 0) {
      await client.query(
        `INSERT INTO rollups (service_id, dim, res, bucket, key, requests)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::bigint[])
         ON CONFLICT (service_id, dim, res, bucket, key) DO UPDATE SET requests = rollups.requests + EXCLUDED.requests`,
        [
          deltas.map((d) => d.serviceId),
          deltas.map((d) => d.dim),
          deltas.map((d) => d.res),
          deltas.map((d) => d.bucket),
          deltas.map((d) => d.key),
          deltas.map((d) => d.requests),
        ].map(arrayLiteral),
      );
    }
    // already in (service_id, dim, win, key) order
    const windows = windowDeltas(pending, expiredThrough);
    if (windows.length > 0) {
      await client.query(
        `INSERT INTO window_counts (service_id, dim, win, key, requests)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[])
         ON CONFLICT (service_id, dim, win, key) DO UPDATE SET requests = window_counts.requests + EXCLUDED.requests`,
        [
          windows.map((d) => d.serviceId),
          windows.map((d) => d.dim),
          windows.map((d) => d.win),
          windows.map((d) => d.key),
          windows.map((d) => d.requests),
        ].map(arrayLiteral),
      );
    }
  }

  /**
   * Inserts the cities not known to this process and returns their keys; the
   * caller remembers them once the transaction commits (a rolled-back insert
   * must not be remembered), so a known city costs a Set lookup, not a row.
   */
  async recordPlaces(client: pg.PoolClient, places: ReadonlyMap<string, Place>): Promise<string[]> {
    const fresh = [...places].filter(([key]) => !this.knownPlaces.has(key)).sort((a, b) => compareText(a[0], b[0]));
    if (fresh.length === 0) return [];
    await client.query(
      `INSERT INTO places (key, city, region, country, lat, lng)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[])
       ON CONFLICT (key) DO NOTHING`,
      [
        fresh.map(([key]) => key),
        fresh.map(([, p]) => p.city),
        fresh.map(([, p]) => p.region),
        fresh.map(([, p]) => p.country),
        fresh.map(([, p]) => p.lat),
        fresh.map(([, p]) => p.lng),
      ],
    );
    return fresh.map(([key]) => key);
  }

  rememberPlaces(keys: readonly string[]): void {
    for (const key of keys) {
      if (this.knownPlaces.size >= KNOWN_PLACES_MAX) this.knownPlaces.clear();
      this.knownPlaces.add(key);
    }
  }
}
