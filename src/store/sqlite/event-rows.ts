import type { EnrichedEvent } from '../../enrich/enriched-event.js';
import { eventColumnValues, type EventRow as SharedEventRow } from '../event-row.js';

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

/** Positional parameters for one event, in EVENT_INSERT_COLUMNS order (SQLite has no boolean: bot is 0/1). */
export function eventInsertParams(serviceId: number, event: EnrichedEvent, receivedAt: number): EventInsertParams {
  const values = eventColumnValues(serviceId, event, receivedAt);
  values[BOT_COLUMN] = event.agent.bot ? 1 : 0;
  return values as EventInsertParams;
}

/** SQLite stores the bot flag as 0/1. */
export type EventRow = SharedEventRow<number>;

export { toStoredEvent } from '../event-row.js';

export const EVENT_SELECT_COLUMNS = `seq, ${EVENT_INSERT_COLUMNS.join(', ')}`;
