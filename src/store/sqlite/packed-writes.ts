/**
 * writeEvents' arguments in the shape the SQLite writer consumes, and its
 * answer in the shape the caller needs. The calling thread turns every event
 * into its insert parameters (the writer binds them as they are); the writer
 * answers only sequence numbers, since the caller still holds the events.
 * Measured for a group of 2,500 events crossing to the writer thread:
 * structured clone takes ~2.8 µs per event object (nested geo and agent,
 * every key written out per object), ~1 µs per event as a parameter array.
 */
import type { EventWrite, EventWriteResult } from '../store.js';
import { storedEventOf } from '../stored-event.js';
import { type EventInsertParams, eventInsertParams } from './event-rows.js';

/** One write without its events: they are the next `events` rows of the packed rows. */
export interface PackedWrite {
  serviceId: number;
  replayKey: string | null;
  replayKeyExpiresAt: number | null;
  events: number;
}

export interface PackedWrites {
  writes: PackedWrite[];
  /** one row of insert parameters per event, the events of every write one after another */
  rows: EventInsertParams[];
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
  const heads = writes.map((write) => {
    for (const event of write.events) rows.push(eventInsertParams(write.serviceId, event, now));
    return {
      serviceId: write.serviceId,
      replayKey: write.replayKey,
      replayKeyExpiresAt: write.replayKeyExpiresAt,
      events: write.events.length,
    };
  });
  return { writes: heads, rows, now };
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
