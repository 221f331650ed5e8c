import type { EnrichedEvent } from '../../enrich/enriched-event.js';
import type { EventRow as SharedEventRow } from '../event-row.js';

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

/** SQLite stores the bot flag as 0/1. */
export type EventRow = SharedEventRow<number>;

export { toStoredEvent } from '../event-row.js';

export const EVENT_SELECT_COLUMNS = `seq, ${EVENT_INSERT_COLUMNS.join(', ')}`;
