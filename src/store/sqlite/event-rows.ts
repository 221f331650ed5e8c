import type { DeviceType, EnrichedEvent } from '../../enrich/enriched-event.js';
import { EVENT_COLUMN_COUNT, type EventRow as SharedEventRow, writeEventColumnValues } from '../event-row.js';
import type { StagedEvent } from './rollup-buffer.js';

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

const BOT_COLUMN = EVENT_INSERT_COLUMNS.indexOf('is_bot');
if (EVENT_INSERT_COLUMNS.length !== EVENT_COLUMN_COUNT)
  throw new Error('EVENT_INSERT_COLUMNS and event-row.ts disagree');

/** One event's positional parameters, in EVENT_INSERT_COLUMNS order, written into `out` from index `at` on. */
export function writeEventInsertParams(
  out: EventInsertParams,
  at: number,
  serviceId: number,
  event: EnrichedEvent,
  receivedAt: number,
): void {
  writeEventColumnValues(out as (string | number | boolean | null)[], at, serviceId, event, receivedAt);
  out[at + BOT_COLUMN] = event.agent.bot ? 1 : 0; // SQLite has no boolean
}

const COLUMN = Object.fromEntries(EVENT_INSERT_COLUMNS.map((name, i) => [name, i])) as Record<
  (typeof EVENT_INSERT_COLUMNS)[number],
  number
>;

/**
 * What the rollups read of an event (service, time, ranked fields), from its
 * insert parameters: the writer thread holds those, not the event.
 */
export function stagedEventOf(params: EventInsertParams, seq: number): StagedEvent {
  const text = (column: keyof typeof COLUMN) => params[COLUMN[column]] as string | null;
  const number = (column: keyof typeof COLUMN) => params[COLUMN[column]] as number | null;
  const country = text('country');
  return {
    seq,
    serviceId: params[COLUMN.service_id] as number,
    ts: params[COLUMN.ts] as number,
    url: params[COLUMN.url] as string,
    // geo is stored whole or not at all: country is present exactly when there was geo
    geo:
      country === null
        ? null
        : {
            country,
            countryName: text('country_name') ?? country,
            region: text('region'),
            city: text('city'),
            lat: number('lat'),
            lng: number('lng'),
          },
    agent: {
      browser: text('browser'),
      browserVersion: text('browser_version'),
      os: text('os'),
      osVersion: text('os_version'),
      device: params[COLUMN.device] as DeviceType,
      vendor: text('vendor'),
      model: text('model'),
      bot: params[COLUMN.is_bot] === 1,
    },
  };
}

/** SQLite stores the bot flag as 0/1. */
export type EventRow = SharedEventRow<number>;

export { toStoredEvent } from '../event-row.js';

export const EVENT_SELECT_COLUMNS = `seq, ${EVENT_INSERT_COLUMNS.join(', ')}`;
