import type { EnrichedEvent } from '../../enrich/enriched-event.js';
import { eventColumnValues } from '../event-row.js';

/**
 * The `events` columns an insert supplies (seq is assigned), with the array
 * type each is sent as: one parameter per column holding every event's value,
 * expanded by unnest() — one statement and 27 parameters for any batch size,
 * where a multi-row VALUES list would need 27 per event (and hit the 65,535
 * parameter limit at ~2,400 events).
 */
export const EVENT_COLUMNS = [
  ['service_id', 'bigint'],
  ['ts', 'bigint'],
  ['received_at', 'bigint'],
  ['url', 'text'],
  ['ip', 'text'],
  ['useragent', 'text'],
  ['username', 'text'],
  ['method', 'text'],
  ['status', 'integer'],
  ['duration_ms', 'double precision'],
  ['referrer', 'text'],
  ['event_key', 'text'],
  ['country', 'text'],
  ['country_name', 'text'],
  ['region', 'text'],
  ['city', 'text'],
  ['lat', 'double precision'],
  ['lng', 'double precision'],
  ['browser', 'text'],
  ['browser_version', 'text'],
  ['os', 'text'],
  ['os_version', 'text'],
  ['device', 'text'],
  ['vendor', 'text'],
  ['model', 'text'],
  ['is_bot', 'boolean'],
  ['extra', 'text'],
] as const;

export const EVENT_COLUMN_NAMES = EVENT_COLUMNS.map(([name]) => name).join(', ');
export const EVENT_SELECT_COLUMNS = `seq, ${EVENT_COLUMN_NAMES}`;

type Value = string | number | boolean | null;

const NUL = '\0';

function clean(value: string): string;
function clean(value: string | null): string | null;
function clean(value: string | null): string | null {
  return value?.includes(NUL) ? value.replaceAll(NUL, '\uFFFD') : value;
}

function hasNul(value: string | null): boolean {
  return value?.includes(NUL) === true;
}

/**
 * PostgreSQL text cannot hold U+0000, which JSON and the collector allow: one
 * such event would fail its whole group. It is stored (and ranked, and
 * answered) as U+FFFD instead; in `extra` it is already escaped by
 * JSON.stringify. The event itself is returned when it has none (nearly always).
 */
export function withoutNul(event: EnrichedEvent): EnrichedEvent {
  const { geo, agent } = event;
  const dirty =
    hasNul(event.url) ||
    hasNul(event.ip) ||
    hasNul(event.useragent) ||
    hasNul(event.username) ||
    hasNul(event.method) ||
    hasNul(event.referrer) ||
    hasNul(event.id) ||
    (geo !== null && (hasNul(geo.country) || hasNul(geo.countryName) || hasNul(geo.region) || hasNul(geo.city))) ||
    hasNul(agent.browser) ||
    hasNul(agent.browserVersion) ||
    hasNul(agent.os) ||
    hasNul(agent.osVersion) ||
    hasNul(agent.vendor) ||
    hasNul(agent.model);
  if (!dirty) return event;
  return {
    ...event,
    url: clean(event.url),
    ip: clean(event.ip),
    useragent: clean(event.useragent),
    username: clean(event.username),
    method: clean(event.method),
    referrer: clean(event.referrer),
    id: clean(event.id),
    geo:
      geo === null
        ? null
        : {
            ...geo,
            country: clean(geo.country),
            countryName: clean(geo.countryName),
            region: clean(geo.region),
            city: clean(geo.city),
          },
    agent: {
      ...agent,
      browser: clean(agent.browser),
      browserVersion: clean(agent.browserVersion),
      os: clean(agent.os),
      osVersion: clean(agent.osVersion),
      vendor: clean(agent.vendor),
      model: clean(agent.model),
    },
  };
}

/** Column-wise arrays for the events (already passed through withoutNul), in EVENT_COLUMNS order. */
export function eventColumnArrays(rows: readonly { serviceId: number; event: EnrichedEvent }[], receivedAt: number) {
  const columns: Value[][] = EVENT_COLUMNS.map(() => new Array<Value>(rows.length));
  for (let i = 0; i < rows.length; i++) {
    const { serviceId, event } = rows[i] as { serviceId: number; event: EnrichedEvent };
    const values = eventColumnValues(serviceId, event, receivedAt);
    for (let c = 0; c < values.length; c++) (columns[c] as Value[])[i] = values[c] as Value;
  }
  return columns;
}

/**
 * A column's values as a PostgreSQL array literal. pg would build the same
 * text, but element by element through two regular expressions, several
 * times slower for a group commit's columns. Text is quoted and its
 * `"` and `\` escaped; numbers and booleans go as written; null is NULL.
 */
export function arrayLiteral(values: readonly Value[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const value = values[i];
    if (value === null || value === undefined) out += 'NULL';
    else if (typeof value === 'string') out += `"${QUOTED.test(value) ? value.replace(QUOTED_ALL, '\\$&') : value}"`;
    else if (typeof value === 'boolean') out += value ? 't' : 'f';
    else out += String(value);
  }
  return `${out}}`;
}

const QUOTED = /[\\"]/;
const QUOTED_ALL = /[\\"]/g;

export type { EventRow } from '../event-row.js';

export { toStoredEvent } from '../event-row.js';
