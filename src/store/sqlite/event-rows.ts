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

/**
 * One event's values as the calling thread sends them to the writer, in this
 * order: every column of the shared EventRow after `seq`. The writer stores
 * the agent's columns (AGENT_COLUMNS) once in `agents` and the rest in
 * `events` (EVENT_TABLE_COLUMNS), with the agent's id.
 */
export const EVENT_PARAM_COLUMNS = [
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

/** The user agent and its parse: one row of `agents`. */
export const AGENT_COLUMNS = [
  'useragent',
  'browser',
  'browser_version',
  'os',
  'os_version',
  'device',
  'vendor',
  'model',
  'is_bot',
] as const;

type ParamColumn = (typeof EVENT_PARAM_COLUMNS)[number];
type AgentColumn = (typeof AGENT_COLUMNS)[number];

/** The `events` columns after `seq`, in insert order: the params' own columns, with agent_id for the agent's. */
export const EVENT_TABLE_COLUMNS = [
  ...EVENT_PARAM_COLUMNS.filter((name) => name === 'useragent' || !isAgentColumn(name)).map((name) =>
    name === 'useragent' ? 'agent_id' : name,
  ),
] as const;

function isAgentColumn(name: string): name is AgentColumn {
  return (AGENT_COLUMNS as readonly string[]).includes(name);
}

export type EventInsertParams = (string | number | null)[];

const COLUMN = Object.fromEntries(EVENT_PARAM_COLUMNS.map((name, i) => [name, i])) as Record<ParamColumn, number>;
if (EVENT_PARAM_COLUMNS.length !== EVENT_COLUMN_COUNT) throw new Error('EVENT_PARAM_COLUMNS and event-row.ts disagree');

/** Where each agent column is in an event's params, in AGENT_COLUMNS order. */
const AGENT_PARAM_INDEXES = AGENT_COLUMNS.map((name) => COLUMN[name]);
/** Where each `events` column (after seq) is in an event's params; -1 for agent_id. */
const TABLE_PARAM_INDEXES = EVENT_TABLE_COLUMNS.map((name) => (name === 'agent_id' ? -1 : COLUMN[name as ParamColumn]));

/** One event's values, in EVENT_PARAM_COLUMNS order. */
export function eventInsertParams(serviceId: number, event: EnrichedEvent, receivedAt: number): EventInsertParams {
  const params = eventColumnValues(serviceId, event, receivedAt);
  params[COLUMN.is_bot] = event.agent.bot ? 1 : 0; // SQLite has no boolean
  return params as EventInsertParams;
}

/** An event's agent values, in AGENT_COLUMNS order: the parameters of an `agents` row. */
export function agentValuesOf(params: EventInsertParams): EventInsertParams {
  return AGENT_PARAM_INDEXES.map((index) => params[index] as string | number | null);
}

export function useragentOf(params: EventInsertParams): string {
  return params[COLUMN.useragent] as string;
}

/** Whether an event's agent is this one (values as agentValuesOf gives them); no copy of the event's. */
export function hasAgent(params: EventInsertParams, agent: EventInsertParams): boolean {
  for (let i = 0; i < AGENT_PARAM_INDEXES.length; i++) {
    if (params[AGENT_PARAM_INDEXES[i] as number] !== agent[i]) return false;
  }
  return true;
}

/** The parameters of an event's `events` row, in EVENT_TABLE_COLUMNS order. */
export function tableRowOf(params: EventInsertParams, agentId: number): EventInsertParams {
  const row: EventInsertParams = [];
  for (const index of TABLE_PARAM_INDEXES) row.push(index === -1 ? agentId : (params[index] as string | number | null));
  return row;
}

/**
 * What the rollups read of an event (service, time, ranked fields), from its
 * insert parameters: the writer thread holds those, not the event.
 */
export function stagedEventOf(params: EventInsertParams, seq: number): StagedEvent {
  const column = ((name: ParamColumn) => params[COLUMN[name]]) as ColumnReader;
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

/** An event with its agent, for `SELECT ${EVENT_SELECT_COLUMNS} FROM ${EVENTS_WITH_AGENTS}`. */
export const EVENTS_WITH_AGENTS = 'events CROSS JOIN agents ON agents.id = events.agent_id';

/**
 * The shared EventRow's columns, from EVENTS_WITH_AGENTS. CROSS JOIN keeps
 * SQLite's join order as written: events by their index, then each event's
 * agent by its id.
 */
export const EVENT_SELECT_COLUMNS = [
  'events.seq AS seq',
  ...EVENT_PARAM_COLUMNS.map((name) => `${isAgentColumn(name) ? 'agents' : 'events'}.${name} AS ${name}`),
].join(', ');
