import type { Agent, EnrichedEvent } from '../../enrich/enriched-event.js';
import {
  agentOfColumns,
  type ColumnReader,
  EVENT_COLUMN_COUNT,
  geoOfColumns,
  type EventRow as SharedEventRow,
} from '../event-row.js';
import type { SqlValue } from './database.js';
import type { StagedEvent } from './rollup-buffer.js';

/**
 * The `events` columns after `seq`, in insert order. The agent is stored
 * once in `agents` (AGENT_COLUMNS) and referred to by agent_id.
 */
export const EVENT_TABLE_COLUMNS = [
  'service_id',
  'ts',
  'received_at',
  'url',
  'ip',
  'agent_id',
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

export type EventInsertParams = SqlValue[];

type TableColumn = (typeof EVENT_TABLE_COLUMNS)[number];
type AgentColumn = (typeof AGENT_COLUMNS)[number];

if (EVENT_TABLE_COLUMNS.length + AGENT_COLUMNS.length - 1 !== EVENT_COLUMN_COUNT)
  throw new Error('the events and agents columns and event-row.ts disagree');

const COLUMN = Object.fromEntries(EVENT_TABLE_COLUMNS.map((name, i) => [name, i])) as Record<TableColumn, number>;
const AGENT_COLUMN = Object.fromEntries(AGENT_COLUMNS.map((name, i) => [name, i])) as Record<AgentColumn, number>;

/** Where an event's row holds its agent: the agent's id in the table, its index in the group before. */
export const AGENT_ID_COLUMN = COLUMN.agent_id;
/** Where an event's row holds its time. */
export const TS_COLUMN = COLUMN.ts;
/** Where an event's row holds its service's id, and its idempotency id. */
export const SERVICE_ID_COLUMN = COLUMN.service_id;
export const EVENT_KEY_COLUMN = COLUMN.event_key;

/**
 * An event's `events` row, in EVENT_TABLE_COLUMNS order, with `agentRef` in
 * place of agent_id (the writer puts the id there). One array literal: a
 * packed array, which structured clone copies as a dense list (an array made
 * with `new Array(n)` stays holey even when filled, and is copied index by
 * index — measured ~3× slower to send to the writer thread).
 */
export function eventRowOf(serviceId: number, event: EnrichedEvent, receivedAt: number, agentRef: number) {
  const geo = event.geo;
  const row: EventInsertParams = [
    serviceId,
    event.ts,
    receivedAt,
    event.url,
    event.ip,
    agentRef,
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
    event.extra === null ? null : JSON.stringify(event.extra),
  ];
  return row;
}

/** An event's agent as an `agents` row, in AGENT_COLUMNS order (the bot flag as 0/1: SQLite has no boolean). */
export function agentRowOf(useragent: string, agent: Agent): EventInsertParams {
  return [
    useragent,
    agent.browser,
    agent.browserVersion,
    agent.os,
    agent.osVersion,
    agent.device,
    agent.vendor,
    agent.model,
    agent.bot ? 1 : 0,
  ];
}

/** An `agents` row (AGENT_COLUMNS order) as the Agent the rollups count: once per agent of a group. */
export function agentOfRow(agent: EventInsertParams): Agent {
  return agentOfColumns(((name: AgentColumn) => agent[AGENT_COLUMN[name]]) as ColumnReader);
}

/**
 * What the rollups read of an event (service, time, ranked fields), from its
 * row and its agent: the writer thread holds those, not the event.
 */
export function stagedEventOf(row: EventInsertParams, agent: Agent, seq: number): StagedEvent {
  return {
    seq,
    serviceId: row[COLUMN.service_id] as number,
    ts: row[COLUMN.ts] as number,
    url: row[COLUMN.url] as string,
    status: row[COLUMN.status] as number | null,
    durationMs: row[COLUMN.duration_ms] as number | null,
    geo: geoOfColumns(((name: TableColumn) => row[COLUMN[name]]) as ColumnReader),
    agent,
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
  ...EVENT_TABLE_COLUMNS.filter((name) => name !== 'agent_id').map((name) => `events.${name} AS ${name}`),
  ...AGENT_COLUMNS.map((name) => `agents.${name} AS ${name}`),
].join(', ');
