import type pg from 'pg';
import { bucketStartsEndingAt } from '../../rollup/buckets.js';
import { windowLengthMs } from '../../rollup/windows.js';
import { type LocationRow, type RankRow, rankedCity } from '../event-row.js';
import { LOCATIONS_SCAN_CAP } from '../locations-scan-cap.js';
import type {
  Box,
  Dimension,
  LocationPoint,
  RankedValue,
  Resolution,
  SeriesPoint,
  StoredEvent,
  Window,
} from '../store.js';
import { EVENT_SELECT_COLUMNS, type EventRow, toStoredEvent } from './event-rows.js';

function locationsSql(crossesAntimeridian: boolean): string {
  const lngTest = crossesAntimeridian ? '(lng >= $5 OR lng <= $6)' : 'lng BETWEEN $5 AND $6';
  // innermost: newest first through the (service_id, ts, seq) INCLUDE (lat, lng) index, capped,
  // index only; then the box and the latest `limit` hits; only those rows are read for city and country.
  // A position's city and country are those of its latest event.
  return `
    SELECT hit.lat, hit.lng,
      (array_agg(e.city ORDER BY hit.ts DESC, hit.seq DESC))[1] AS city,
      (array_agg(e.country ORDER BY hit.ts DESC, hit.seq DESC))[1] AS country,
      count(*)::bigint AS requests, max(hit.ts) AS last_ts
    FROM (
      SELECT seq, ts, lat, lng FROM (
        SELECT seq, ts, lat, lng FROM events
        WHERE service_id = $1 AND ts >= $2
        ORDER BY ts DESC, seq DESC LIMIT ${LOCATIONS_SCAN_CAP}
      ) AS recent
      WHERE lat IS NOT NULL AND lng IS NOT NULL AND lat BETWEEN $3 AND $4 AND ${lngTest}
      ORDER BY ts DESC, seq DESC LIMIT $7
    ) AS hit
    JOIN events e ON e.service_id = $1 AND e.seq = hit.seq
    WHERE e.country IS NOT NULL
    GROUP BY hit.lat, hit.lng
    ORDER BY last_ts DESC, hit.lat, hit.lng`;
}

/** The read statements, exported so a test can check their query plans. */
export const POSTGRES_QUERY_SQL = {
  ranking: `SELECT key, requests FROM window_counts WHERE service_id = $1 AND dim = $2 AND win = $3
    ORDER BY requests DESC, key LIMIT $4`,
  cityRanking: `SELECT w.key, w.requests, p.city, p.region, p.country, p.lat, p.lng
    FROM (SELECT key, requests FROM window_counts WHERE service_id = $1 AND dim = 'city' AND win = $2
          ORDER BY requests DESC, key LIMIT $3) AS w
    LEFT JOIN places p ON p.key = w.key
    ORDER BY w.requests DESC, w.key`,
  series: `SELECT bucket, requests FROM rollups
    WHERE service_id = $1 AND dim = 'requests' AND res = $2 AND bucket BETWEEN $3 AND $4 AND key = ''`,
  latest: `SELECT ${EVENT_SELECT_COLUMNS} FROM events WHERE service_id = $1 ORDER BY ts DESC, seq DESC LIMIT $2`,
  afterSeq: `SELECT ${EVENT_SELECT_COLUMNS} FROM events WHERE service_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
  locationsInBox: locationsSql(false),
  locationsAcrossAntimeridian: locationsSql(true),
} as const;

/** The read side: rollups, windows and indexed ranges of events, never a scan of all events. */
export class PostgresQueries {
  constructor(private readonly pool: pg.Pool) {}

  /** Call after advancing the windows to `now`. */
  async topValues(serviceId: number, dimension: Dimension, window: Window, limit: number): Promise<RankedValue[]> {
    if (dimension !== 'city') {
      const { rows } = await this.pool.query<RankRow>(POSTGRES_QUERY_SQL.ranking, [
        serviceId,
        dimension,
        window,
        limit,
      ]);
      return rows.map((row) => ({ key: row.key, requests: row.requests }));
    }
    const { rows } = await this.pool.query<RankRow>(POSTGRES_QUERY_SQL.cityRanking, [serviceId, window, limit]);
    return rows.map(rankedCity);
  }

  async requestSeries(serviceId: number, resolution: Resolution, limit: number, now: number): Promise<SeriesPoint[]> {
    const starts = bucketStartsEndingAt(resolution, limit, now);
    if (starts.length === 0) return [];
    const { rows } = await this.pool.query<{ bucket: number; requests: number }>(POSTGRES_QUERY_SQL.series, [
      serviceId,
      resolution,
      starts[0],
      starts[starts.length - 1],
    ]);
    const counts = new Map(rows.map((row) => [row.bucket, row.requests]));
    return starts.map((ts) => ({ ts, requests: counts.get(ts) ?? 0 }));
  }

  async latestEvents(serviceId: number, limit: number): Promise<StoredEvent[]> {
    const { rows } = await this.pool.query<EventRow>(POSTGRES_QUERY_SQL.latest, [serviceId, limit]);
    return rows.map(toStoredEvent);
  }

  async eventsAfterSeq(serviceId: number, afterSeq: number, limit: number): Promise<StoredEvent[]> {
    const { rows } = await this.pool.query<EventRow>(POSTGRES_QUERY_SQL.afterSeq, [serviceId, afterSeq, limit]);
    return rows.map(toStoredEvent);
  }

  async locations(serviceId: number, box: Box, window: Window, limit: number, now: number): Promise<LocationPoint[]> {
    const length = windowLengthMs(window);
    const since = length === null ? Number.MIN_SAFE_INTEGER : now - length;
    const sql =
      box.swLng > box.neLng ? POSTGRES_QUERY_SQL.locationsAcrossAntimeridian : POSTGRES_QUERY_SQL.locationsInBox;
    const { rows } = await this.pool.query<LocationRow>(sql, [
      serviceId,
      since,
      box.swLat,
      box.neLat,
      box.swLng,
      box.neLng,
      limit,
    ]);
    return rows.map((row) => ({
      lat: row.lat,
      lng: row.lng,
      city: row.city,
      country: row.country,
      requests: row.requests,
      lastTs: row.last_ts,
    }));
  }

  async countEvents(serviceId?: number): Promise<number> {
    const { rows } =
      serviceId === undefined
        ? await this.pool.query<{ n: number }>('SELECT count(*) AS n FROM events')
        : await this.pool.query<{ n: number }>('SELECT count(*) AS n FROM events WHERE service_id = $1', [serviceId]);
    return rows[0]?.n ?? 0;
  }
}
