import type { RollupAccumulator, RollupDelta } from '../../rollup/deltas.js';
import type { Place } from '../../rollup/places.js';
import { type ExpiredThrough, type WindowDelta, windowDeltas } from '../../rollup/window-deltas.js';
import type { SqliteDatabase } from './database.js';
import { MultiRowStatement, putParams } from './multi-row.js';

/** Bound on the in-memory set of city keys already in `places` (~100 bytes each: ≤ 10 MB). */
const KNOWN_PLACES_MAX = 100_000;

/**
 * Adds rollup deltas to the rollups, to the windows whose expiry point they
 * are after, and records the cities seen. Runs inside a write transaction.
 */
export class SqliteRollupWriter {
  private readonly upsertRollups;
  private readonly upsertWindows;
  private readonly insertPlace;
  private readonly knownPlaces = new Set<string>();

  constructor(db: SqliteDatabase) {
    this.upsertRollups = new MultiRowStatement<RollupDelta>(
      db,
      (values) => `INSERT INTO rollups (service_id, dim, res, bucket, key, requests) VALUES ${values}
       ON CONFLICT DO UPDATE SET requests = requests + excluded.requests`,
      6,
      (d, params, at) => putParams(params, at, d.serviceId, d.dim, d.res, d.bucket, d.key, d.requests),
    );
    this.upsertWindows = new MultiRowStatement<WindowDelta>(
      db,
      (values) => `INSERT INTO window_counts (service_id, dim, win, key, requests) VALUES ${values}
       ON CONFLICT DO UPDATE SET requests = requests + excluded.requests`,
      5,
      (d, params, at) => putParams(params, at, d.serviceId, d.dim, d.win, d.key, d.requests),
    );
    this.insertPlace = db.prepare<[string, string, string | null, string, number | null, number | null]>(
      'INSERT INTO places (key, city, region, country, lat, lng) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    );
  }

  /**
   * Upserts in primary-key order: neighbouring rows share B-tree pages, which
   * makes them ~3× faster than in hash-map order; several to a statement
   * (multi-row.ts). Rows nothing reads any more are not written
   * (RollupAccumulator.deltas).
   */
  apply(pending: RollupAccumulator, expiredThrough: ExpiredThrough, now: number): void {
    this.upsertRollups.runAll(pending.deltas(now));
    this.upsertWindows.runAll(windowDeltas(pending, expiredThrough));
  }

  /**
   * Inserts the cities not seen before and returns their keys; the caller
   * remembers them once the transaction commits (a rolled-back insert must
   * not be remembered), so a known city costs one Set lookup, not a statement.
   */
  recordPlaces(places: ReadonlyMap<string, Place>): string[] {
    const inserted: string[] = [];
    for (const [key, place] of places) {
      if (this.knownPlaces.has(key)) continue;
      this.insertPlace.run(key, place.city, place.region, place.country, place.lat, place.lng);
      inserted.push(key);
    }
    return inserted;
  }

  rememberPlaces(keys: readonly string[]): void {
    for (const key of keys) {
      if (this.knownPlaces.size >= KNOWN_PLACES_MAX) this.knownPlaces.clear();
      this.knownPlaces.add(key);
    }
  }
}
