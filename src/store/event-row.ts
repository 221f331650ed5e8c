/**
 * An events-table row as both backends read it, and its StoredEvent: written
 * once, so SQLite and PostgreSQL cannot drift. Only the bot flag's type
 * differs (SQLite has no boolean: 0/1).
 */
import type { DeviceType } from '../enrich/enriched-event.js';
import type { StoredEvent } from './store.js';

export interface EventRow<Bot = boolean> {
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
  is_bot: Bot;
  extra: string | null;
}

export function toStoredEvent(row: EventRow<number | boolean>): StoredEvent {
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
      bot: row.is_bot === true || row.is_bot === 1,
    },
  };
}
