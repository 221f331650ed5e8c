import type { DeviceType, EnrichedEvent } from '../../enrich/enriched-event.js';
import type { StoredEvent } from '../store.js';

/** The `events` columns in insert order (after `seq`, which SQLite assigns). */
export const EVENT_INSERT_COLUMNS = [
  'service_id',
  'ts',
  'received_at',
  'url',
  'ip',
  'useragent',
  'username',
  'method',
  'status',
  'duration_ms',
  'referrer',
  'event_key',
  'country',
  'country_name',
  'region',
  'city',
  'lat',
  'lng',
  'browser',
  'browser_version',
  'os',
  'os_version',
  'device',
  'vendor',
  'model',
  'is_bot',
  'extra',
] as const;

export type EventInsertParams = (string | number | null)[];

/** Positional parameters for one event, in EVENT_INSERT_COLUMNS order. */
export function eventInsertParams(serviceId: number, event: EnrichedEvent, receivedAt: number): EventInsertParams {
  const geo = event.geo;
  const agent = event.agent;
  return [
    serviceId,
    event.ts,
    receivedAt,
    event.url,
    event.ip,
    event.useragent,
    event.username,
    event.method,
    event.status,
    event.durationMs,
    event.referrer,
    event.id,
    geo ? geo.country : null,
    geo ? geo.countryName : null,
    geo ? geo.region : null,
    geo ? geo.city : null,
    geo ? geo.lat : null,
    geo ? geo.lng : null,
    agent.browser,
    agent.browserVersion,
    agent.os,
    agent.osVersion,
    agent.device,
    agent.vendor,
    agent.model,
    agent.bot ? 1 : 0,
    event.extra === null ? null : JSON.stringify(event.extra),
  ];
}

export interface EventRow {
  seq: number;
  service_id: number;
  ts: number;
  received_at: number;
  url: string;
  ip: string;
  useragent: string;
  username: string | null;
  method: string | null;
  status: number | null;
  duration_ms: number | null;
  referrer: string | null;
  event_key: string | null;
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
  device: string;
  vendor: string | null;
  model: string | null;
  is_bot: number;
  extra: string | null;
}

export const EVENT_SELECT_COLUMNS = `seq, ${EVENT_INSERT_COLUMNS.join(', ')}`;

export function toStoredEvent(row: EventRow): StoredEvent {
  return {
    seq: row.seq,
    serviceId: row.service_id,
    receivedAt: row.received_at,
    url: row.url,
    ip: row.ip,
    useragent: row.useragent,
    username: row.username,
    ts: row.ts,
    method: row.method,
    status: row.status,
    durationMs: row.duration_ms,
    referrer: row.referrer,
    id: row.event_key,
    extra: row.extra === null ? null : (JSON.parse(row.extra) as Record<string, unknown>),
    // geo is stored whole or not at all: country is present exactly when there was geo
    geo:
      row.country === null
        ? null
        : {
            country: row.country,
            countryName: row.country_name ?? row.country,
            region: row.region,
            city: row.city,
            lat: row.lat,
            lng: row.lng,
          },
    agent: {
      browser: row.browser,
      browserVersion: row.browser_version,
      os: row.os,
      osVersion: row.os_version,
      device: row.device as DeviceType,
      vendor: row.vendor,
      model: row.model,
      bot: row.is_bot === 1,
    },
  };
}
