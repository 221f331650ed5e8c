import type { EnrichedEvent } from '../../enrich/enriched-event.js';
import {
  agentOfColumns,
  type ColumnReader,
  EVENT_COLUMN_COUNT,
  eventColumnValues,
  geoOfColumns,
  type EventRow as SharedEventRow,
} from '../event-row.js';
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

/** One event's positional parameters, in EVENT_INSERT_COLUMNS order. */
export function eventInsertParams(serviceId: number, event: EnrichedEvent, receivedAt: number): EventInsertParams {
  const params = eventColumnValues(serviceId, event, receivedAt);
  params[BOT_COLUMN] = event.agent.bot ? 1 : 0; // SQLite has no boolean
  return params as EventInsertParams;
}

type ColumnName = (typeof EVENT_INSERT_COLUMNS)[number];
const COLUMN = Object.fromEntries(EVENT_INSERT_COLUMNS.map((name, i) => [name, i])) as Record<ColumnName, number>;

/**
 * What the rollups read of an event (service, time, ranked fields), from its
 * insert parameters: the writer thread holds those, not the event.
 */
export function stagedEventOf(params: EventInsertParams, seq: number): StagedEvent {
  const column = ((name: ColumnName) => params[COLUMN[name]]) as ColumnReader;
  return {
    seq,
    serviceId: column('service_id'),
    ts: column('ts'),
    url: column('url'),
    geo: geoOfColumns(column),
    agent: agentOfColumns(column),
  };
}

/** SQLite stores the bot flag as 0/1. */
export type EventRow = SharedEventRow<number>;

export { toStoredEvent } from '../event-row.js';

export const EVENT_SELECT_COLUMNS = `seq, ${EVENT_INSERT_COLUMNS.join(', ')}`;
