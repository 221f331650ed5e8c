import { bucketStartsEndingAt, RESOLUTION_MS } from '../../rollup/buckets.js';
import { windowLengthMs } from '../../rollup/windows.js';
import { type LocationRow, type RankRow, rankedCity } from '../event-row.js';
import { LOCATIONS_SCAN_CAP } from '../locations-scan-cap.js';
import type { Box, Dimension, LocationPoint, RankedValue, Resolution, StoredEvent, Window } from '../store.js';
import type { SqliteDatabase } from './database.js';
import { EVENT_SELECT_COLUMNS, EVENTS_WITH_AGENTS, type EventRow, toStoredEvent } from './event-rows.js';
import type { PackedSeries } from './packed-series.js';

function locationsSql(crossesAntimeridian: boolean): string {
  const lngTest = crossesAntimeridian ? '(lng >= ? OR lng <= ?)' : 'lng BETWEEN ? AND ?';
  // innermost: newest first through the covering (service_id, ts, lat, lng) index, capped, index only;
  // then the box and the latest `limit` hits; only those rows are read for their city and country
  return `
    SELECT e.lat, e.lng, e.city, e.country, count(*) AS requests, max(e.ts) AS last_ts FROM (
      SELECT seq FROM (
        SELECT seq, lat, lng, ts FROM events INDEXED BY events_service_ts_geo
        WHERE service_id = ? AND ts >= ?
        ORDER BY ts DESC LIMIT ${LOCATIONS_SCAN_CAP}
      )
      WHERE lat IS NOT NULL AND lng IS NOT NULL
        AND lat BETWEEN ? AND ? AND ${lngTest}
      ORDER BY ts DESC LIMIT ?
    ) AS hit
    JOIN events e ON e.seq = hit.seq
    WHERE e.country IS NOT NULL
    GROUP BY e.lat, e.lng
    ORDER BY last_ts DESC`;
}

/** The read statements, exported so a test can check their query plans. */
export const QUERY_SQL = {
  ranking: `SELECT key, requests, NULL AS city, NULL AS region, NULL AS country, NULL AS lat, NULL AS lng
    FROM window_counts WHERE service_id = ? AND dim = ? AND win = ?
    ORDER BY requests DESC, key LIMIT ?`,
  cityRanking: `SELECT w.key, w.requests, p.city, p.region, p.country, p.lat, p.lng
    FROM window_counts w LEFT JOIN places p ON p.key = w.key
    WHERE w.service_id = ? AND w.dim = 'city' AND w.win = ?
    ORDER BY w.requests DESC, w.key LIMIT ?`,
  series: `SELECT bucket, requests FROM rollups
    WHERE service_id = ? AND dim = 'requests' AND res = ? AND bucket BETWEEN ? AND ? AND key = ''`,
  // (service_id, ts) index, and seq (the rowid) ends every index entry: no sort
  latest: `SELECT ${EVENT_SELECT_COLUMNS} FROM ${EVENTS_WITH_AGENTS}
    WHERE events.service_id = ? ORDER BY events.ts DESC, events.seq DESC LIMIT ?`,
  afterSeq: `SELECT ${EVENT_SELECT_COLUMNS} FROM ${EVENTS_WITH_AGENTS}
    WHERE events.service_id = ? AND events.seq > ? ORDER BY events.seq LIMIT ?`,
  locationsInBox: locationsSql(false),
  locationsAcrossAntimeridian: locationsSql(true),
} as const;

/** The read side: rollups, windows and indexed ranges of events, never a scan of all events. */
export class SqliteQueries {
  private readonly ranking;
  private readonly cityRanking;
  private readonly series;
  private readonly latest;
  private readonly afterSeq;
  private readonly locationsInBox;
  private readonly locationsAcrossAntimeridian;
  private readonly countAll;
  private readonly countForService;

  constructor(db: SqliteDatabase) {
    this.ranking = db.prepare<[number, string, string, number], RankRow>(QUERY_SQL.ranking);
    this.cityRanking = db.prepare<[number, string, number], RankRow>(QUERY_SQL.cityRanking);
    // rows as [bucket, requests] arrays: the 3,600-point second series builds no row objects
    this.series = db.prepare<[number, string, number, number], [number, number]>(QUERY_SQL.series).raw();
    this.latest = db.prepare<[number, number], EventRow>(QUERY_SQL.latest);
    this.afterSeq = db.prepare<[number, number, number], EventRow>(QUERY_SQL.afterSeq);
    this.locationsInBox = db.prepare<[number, number, number, number, number, number, number], LocationRow>(
      QUERY_SQL.locationsInBox,
    );
    this.locationsAcrossAntimeridian = db.prepare<
      [number, number, number, number, number, number, number],
      LocationRow
    >(QUERY_SQL.locationsAcrossAntimeridian);
    this.countAll = db.prepare<[], number>('SELECT count(*) FROM events').pluck();
    this.countForService = db.prepare<[number], number>('SELECT count(*) FROM events WHERE service_id = ?').pluck();
  }

  /** Call after advancing the windows to `now`. */
  topValues(serviceId: number, dimension: Dimension, window: Window, limit: number): RankedValue[] {
    if (dimension !== 'city') {
      return this.ranking
        .all(serviceId, dimension, window, limit)
        .map((row) => ({ key: row.key, requests: row.requests }));
    }
    return this.cityRanking.all(serviceId, window, limit).map(rankedCity);
  }

  /** Zero-filled counts per bucket, the last bucket holding `now`. */
  requestCounts(serviceId: number, resolution: Resolution, limit: number, now: number): PackedSeries {
    const starts = bucketStartsEndingAt(resolution, limit, now);
    const size = RESOLUTION_MS[resolution];
    const counts = new Array<number>(starts.length).fill(0);
    if (starts.length === 0) return { first: 0, size, counts };
    const first = starts[0] as number;
    // buckets are whole multiples of the size from the first: a row's index is found by arithmetic
    for (const [bucket, requests] of this.series.all(
      serviceId,
      resolution,
      first,
      starts[starts.length - 1] as number,
    )) {
      const i = (bucket - first) / size;
      if (i >= 0 && i < counts.length) counts[i] = requests;
    }
    return { first, size, counts };
  }

  latestEvents(serviceId: number, limit: number): StoredEvent[] {
    return this.latest.all(serviceId, limit).map(toStoredEvent);
  }

  eventsAfterSeq(serviceId: number, afterSeq: number, limit: number): StoredEvent[] {
    return this.afterSeq.all(serviceId, afterSeq, limit).map(toStoredEvent);
  }

  locations(serviceId: number, box: Box, window: Window, limit: number, now: number): LocationPoint[] {
    const length = windowLengthMs(window);
    const since = length === null ? Number.MIN_SAFE_INTEGER : now - length;
    const crosses = box.swLng > box.neLng;
    const statement = crosses ? this.locationsAcrossAntimeridian : this.locationsInBox;
    const rows = statement.all(serviceId, since, box.swLat, box.neLat, box.swLng, box.neLng, limit);
    return rows.map((row) => ({
      lat: row.lat,
      lng: row.lng,
      city: row.city,
      country: row.country,
      requests: row.requests,
      lastTs: row.last_ts,
    }));
  }

  countEvents(serviceId?: number): number {
    return (serviceId === undefined ? this.countAll.get() : this.countForService.get(serviceId)) ?? 0;
  }
}
