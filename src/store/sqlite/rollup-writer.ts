import type { RollupDelta } from '../../rollup/deltas.js';
import { cityKey } from '../../rollup/dimension-keys.js';
import type { ExpiredThrough } from '../../rollup/window-deltas.js';
import { windowDeltas } from '../../rollup/window-deltas.js';
import type { StoredEvent } from '../store.js';
import type { SqliteDatabase } from './database.js';

/** Bound on the in-memory set of city keys already in `places` (~100 bytes each: ≤ 10 MB). */
const KNOWN_PLACES_MAX = 100_000;

/**
 * Adds a batch's rollup deltas to the rollups, to the windows whose expiry
 * point they are after, and records the cities seen. Runs inside the
 * writeEvents transaction.
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

  apply(deltas: readonly RollupDelta[], expiredThrough: ExpiredThrough): void {
    for (const d of deltas) this.upsertRollup.run(d.serviceId, d.dim, d.res, d.bucket, d.key, d.requests);
    for (const d of windowDeltas(deltas, expiredThrough)) {
      this.upsertWindow.run(d.serviceId, d.dim, d.win, d.key, d.requests);
    }
  }

  /**
   * Inserts the cities not seen before and returns their keys; the caller
   * remembers them once the transaction commits (a rolled-back insert must
   * not be remembered), so a known city costs one Set lookup, not a statement.
   */
  recordPlaces(events: readonly StoredEvent[]): string[] {
    const inserted: string[] = [];
    for (const event of events) {
      const geo = event.geo;
      if (!geo) continue;
      const key = cityKey(geo);
      if (key === null || this.knownPlaces.has(key)) continue;
      this.insertPlace.run(key, geo.city as string, geo.region, geo.country, geo.lat, geo.lng);
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
