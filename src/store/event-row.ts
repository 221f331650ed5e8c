/**
 * An events-table row as both backends read it, and its StoredEvent: written
 * once, so SQLite and PostgreSQL cannot drift. Only the bot flag's type
 * differs (SQLite has no boolean: 0/1).
 */
import type { Agent, DeviceType, EnrichedEvent, Geo } from '../enrich/enriched-event.js';
import { parseCityKey } from '../rollup/dimension-keys.js';
import type { RankedValue, StoredEvent } from './store.js';

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
    geo: geoOfColumns((name) => row[name]),
    agent: agentOfColumns((name) => row[name]),
  };
}

/** Reads one column of a stored event, whatever holds the row (named columns, or the writer's positional values). */
export type ColumnReader = <K extends keyof EventRow<number | boolean>>(name: K) => EventRow<number | boolean>[K];

/** An event's geo from its stored columns: stored whole or not at all, so country is present exactly when there was geo. */
export function geoOfColumns(column: ColumnReader): Geo | null {
  const country = column('country');
  if (country === null) return null;
  return {
    country,
    countryName: column('country_name') ?? country,
    region: column('region'),
    city: column('city'),
    lat: column('lat'),
    lng: column('lng'),
  };
}

/** An event's agent from its stored columns (the bot flag as SQLite's 0/1 or PostgreSQL's boolean). */
export function agentOfColumns(column: ColumnReader): Agent {
  const bot = column('is_bot');
  return {
    browser: column('browser'),
    browserVersion: column('browser_version'),
    os: column('os'),
    osVersion: column('os_version'),
    device: column('device') as DeviceType,
    vendor: column('vendor'),
    model: column('model'),
    bot: bot === true || bot === 1,
  };
}

/**
 * One event's column values in the order of PostgreSQL's `events` table
 * (service_id … extra, after seq; the bot flag as a boolean). SQLite keeps
 * the agent's columns in a table of their own (sqlite/event-rows.ts).
 */
export function eventColumnValues(
  serviceId: number,
  event: EnrichedEvent,
  receivedAt: number,
): (string | number | boolean | null)[] {
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
    agent.bot,
    event.extra === null ? null : JSON.stringify(event.extra),
  ];
}

/** How many values eventColumnValues gives per event. */
export const EVENT_COLUMN_COUNT = 27;

/** A ranking row as both backends' ranking queries return it (place columns only for cities). */
export interface RankRow {
  key: string;
  requests: number;
  city: string | null;
  region: string | null;
  country: string | null;
  lat: number | null;
  lng: number | null;
}

/** A city's ranking row as a RankedValue, with where the city is. */
export function rankedCity(row: RankRow): RankedValue {
  // a place row is written with the first event of a city; the key alone still names it
  const parsed = parseCityKey(row.key);
  const place = {
    city: row.city ?? parsed.city,
    region: row.city === null ? parsed.region : row.region,
    country: row.country ?? parsed.country,
    lat: row.lat,
    lng: row.lng,
  };
  return { key: place.city, requests: row.requests, place };
}

/** A locations row as both backends' locations queries return it. */
export interface LocationRow {
  lat: number;
  lng: number;
  city: string | null;
  country: string;
  requests: number;
  last_ts: number;
}
