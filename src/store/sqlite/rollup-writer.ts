import type { RollupAccumulator } from '../../rollup/deltas.js';
import type { Place } from '../../rollup/places.js';
import { type ExpiredThrough, windowDeltas } from '../../rollup/window-deltas.js';
import type { SqliteDatabase } from './database.js';

/** Bound on the in-memory set of city keys already in `places` (~100 bytes each: ≤ 10 MB). */
const KNOWN_PLACES_MAX = 100_000;

/**
 * Adds rollup deltas to the rollups, to the windows whose expiry point they
 * are after, and records the cities seen. Runs inside a write transaction.
 */
export class SqliteRollupWriter {
  private readonly upsertRollup;
  private readonly upsertWindow;
  private readonly insertPlace;
  private readonly knownPlaces = new Set<string>();

  constructor(db: SqliteDatabase) {
    this.upsertRollup = db.prepare<[number, string, string, number, string, number]>(
      `INSERT INTO rollups (service_id, dim, res, bucket, key, requests) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET requests = requests + excluded.requests`,
    );
    this.upsertWindow = db.prepare<[number, string, string, string, number]>(
      `INSERT INTO window_counts (service_id, dim, win, key, requests) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET requests = requests + excluded.requests`,
    );
    this.insertPlace = db.prepare<[string, string, string | null, string, number | null, number | null]>(
      'INSERT INTO places (key, city, region, country, lat, lng) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    );
  }

  /**
   * Upserts in primary-key order: neighbouring rows share B-tree pages, which
   * makes them ~3× faster than in hash-map order. Rows pruning would drop at
   * `now` are not written (RollupAccumulator.deltas).
   */
  apply(pending: RollupAccumulator, expiredThrough: ExpiredThrough, now: number): void {
    for (const d of pending.deltas(now)) this.upsertRollup.run(d.serviceId, d.dim, d.res, d.bucket, d.key, d.requests);
    for (const d of windowDeltas(pending, expiredThrough)) {
      this.upsertWindow.run(d.serviceId, d.dim, d.win, d.key, d.requests);
    }
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
