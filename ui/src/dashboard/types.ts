/** The query API's JSON shapes (docs/api.md) as the dashboard reads them. */

export interface LiveEvent {
  seq: number;
  ts: number;
  received_at: number;
  url: string | null;
  ip: string | null;
  useragent: string | null;
  username: string | null;
  method: string | null;
  status: number | null;
  duration_ms: number | null;
  referrer: string | null;
  id: string | null;
  country: string | null;
  country_name: string | null;
  region: string | null;
  city: string | null;
  lat: number | null;
  lng: number | null;
  browser: string | null;
  browser_version: string | null;
  os: string | null;
  os_version: string | null;
  device: string | null;
  vendor: string | null;
  model: string | null;
  bot: boolean | null;
}

export interface LiveCounts {
  last_second: number;
  last_minute: number;
}

export interface SnapshotFrame {
  events: LiveEvent[];
  counts: LiveCounts;
}

export interface EventsFrame {
  events: LiveEvent[];
  skipped: number;
  counts: LiveCounts;
}

export interface CountryRow {
  country: string;
  name: string;
  requests: number;
}

export interface CityRow {
  city: string;
  region: string | null;
  country: string | null;
  lat: number | null;
  lng: number | null;
  requests: number;
}

export interface LocationPoint {
  lat: number;
  lng: number;
  city: string | null;
  country: string;
  requests: number;
  last_ts: number;
}

export interface SeriesBucket {
  ts: number;
  requests: number;
}

export type RankWindow = '5m' | '10m' | '1h' | '24h' | '7d' | '30d' | 'all';
export const RANK_WINDOWS: readonly RankWindow[] = ['5m', '10m', '1h', '24h', '7d', '30d', 'all'];

export type SimpleDimension = 'os' | 'device' | 'browser' | 'url';

export interface ServiceSummary {
  id: number;
  name: string;
  owner: string;
}
