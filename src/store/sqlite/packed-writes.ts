/**
 * writeEvents' arguments in the shape the SQLite writer consumes, and its
 * answer in the shape the caller needs. The calling thread turns every event
 * into its `events` row and the group's distinct agents into `agents` rows,
 * each sent once (the writer binds them as they are); the writer answers
 * only sequence numbers, since the caller still holds the events.
 * Structured clone of event objects (nested geo and agent, every key written
 * out per object) costs ~3× as much per event as a parameter array.
 */
import type { Agent } from '../../enrich/enriched-event.js';
import type { EventWrite, EventWriteResult } from '../store.js';
import { storedEventOf } from '../stored-event.js';
import { agentRowOf, type EventInsertParams, eventRowOf } from './event-rows.js';

/** One write without its events: they are the next `events` rows of the packed rows. */
export interface PackedWrite {
  serviceId: number;
  replayKey: string | null;
  replayKeyExpiresAt: number | null;
  events: number;
}

export interface PackedWrites {
  writes: PackedWrite[];
  /** one `events` row per event, the events of every write one after another; agent_id holds an index of `agents` */
  rows: EventInsertParams[];
  /** the group's distinct agents, as `agents` rows */
  agents: EventInsertParams[];
  now: number;
}

/**
 * A write's answer without the events themselves: per event its seq, or null
 * when its idempotency id was already stored.
 */
export type CompactWriteResult =
  | { ok: true; accepted: number; seqs: (number | null)[] }
  | { ok: false; reason: 'replayed' };

export function packWrites(writes: readonly EventWrite[], now: number): PackedWrites {
  const rows: EventInsertParams[] = [];
  const agents = new GroupAgents();
  const heads = writes.map((write) => {
    for (const event of write.events) {
      rows.push(eventRowOf(write.serviceId, event, now, agents.refOf(event.useragent, event.agent)));
    }
    return {
      serviceId: write.serviceId,
      replayKey: write.replayKey,
      replayKeyExpiresAt: write.replayKeyExpiresAt,
      events: write.events.length,
    };
  });
  return { writes: heads, rows, agents: agents.rows, now };
}

/**
 * The distinct agents of a group, each an index into `rows`. The parser's
 * cache hands out one Agent object per string, so the same object nearly
 * always means the same parse: found by identity. Other objects (events
 * built elsewhere: an import, a seed) are found by their row's values.
 */
class GroupAgents {
  readonly rows: EventInsertParams[] = [];
  readonly #byObject = new Map<Agent, { useragent: string; ref: number }>();
  readonly #byValues = new Map<string, number>();

  refOf(useragent: string, agent: Agent): number {
    const same = this.#byObject.get(agent);
    if (same !== undefined && same.useragent === useragent) return same.ref;
    const row = agentRowOf(useragent, agent);
    const key = JSON.stringify(row);
    let ref = this.#byValues.get(key);
    if (ref === undefined) {
      ref = this.rows.length;
      this.rows.push(row);
      this.#byValues.set(key, ref);
    }
    if (same === undefined) this.#byObject.set(agent, { useragent, ref });
    return ref;
  }
}

/** The writes' results with their stored events, from the writer's compact answer. */
export function unpackResults(
  writes: readonly EventWrite[],
  compact: readonly CompactWriteResult[],
  now: number,
): EventWriteResult[] {
  return compact.map((result, w) => {
    if (!result.ok) return result;
    const { serviceId, events } = writes[w] as EventWrite;
    const stored = [];
    for (let i = 0; i < result.seqs.length; i++) {
      const seq = result.seqs[i] as number | null;
      if (seq !== null) stored.push(storedEventOf(events[i] as EventWrite['events'][number], seq, serviceId, now));
    }
    return { ok: true, accepted: result.accepted, stored };
  });
}
