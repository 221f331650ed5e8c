import type { EventStore } from '../event-store.js';
import type { Resolution } from '../store.js';
import type { SqliteEventsWriter } from './events-writer.js';
import { type PackedSeries, unpackSeries } from './packed-series.js';
import { type CompactWriteResult, type PackedWrites, packWrites, unpackResults } from './packed-writes.js';
import type { SqliteParts } from './parts.js';

/**
 * The SQLite event store, plus the packed forms of two methods for the
 * writer thread's caller: writes it packed before the hop, and a series
 * answered as counts, rebuilt into points after it.
 */
export interface SqliteEventStore extends EventStore {
  writePackedEvents(packed: PackedWrites): Promise<CompactWriteResult[]>;
  requestSeriesPacked(serviceId: number, resolution: Resolution, limit: number, now: number): Promise<PackedSeries>;
}

/**
 * The event half of the SQLite store. `writer()` gives the events writer
 * once this process holds the data directory's writer lock: one process
 * writes events to a data directory at a time, because rollups not yet
 * applied live in its memory (rollup-buffer.ts).
 */
export function sqliteEventStore(ready: () => SqliteParts, writer: () => SqliteEventsWriter): SqliteEventStore {
  const events: SqliteEventStore = {
    writeConcurrency: 1,
    async writeEvents(writes, now) {
      if (writes.length === 0) return [];
      return unpackResults(writes, writer().write(packWrites(writes, now)), now);
    },
    async writePackedEvents(packed) {
      if (packed.writes.length === 0) return [];
      return writer().write(packed);
    },
    async countEvents(serviceId) {
      return ready().queries.countEvents(serviceId);
    },

    async topValues(serviceId, dimension, window, limit, now) {
      const { rollups, queries } = ready();
      // a ranking read at `now` shows every committed event and no bucket that left the window before `now`
      rollups.flush(now);
      return queries.topValues(serviceId, dimension, window, limit);
    },
    async requestSeries(serviceId, resolution, limit, now) {
      return unpackSeries(await events.requestSeriesPacked(serviceId, resolution, limit, now));
    },
    async requestSeriesPacked(serviceId, resolution, limit, now) {
      const { rollups, queries } = ready();
      rollups.flush(now);
      return queries.requestCounts(serviceId, resolution, limit, now);
    },
    async locations(serviceId, box, window, limit, now) {
      return ready().queries.locations(serviceId, box, window, limit, now);
    },
    async latestEvents(serviceId, limit) {
      return ready().queries.latestEvents(serviceId, limit);
    },
    async eventsAfterSeq(serviceId, afterSeq, limit) {
      return ready().queries.eventsAfterSeq(serviceId, afterSeq, limit);
    },

    async alertCounts(queries, now) {
      const { rollups, alertCounts } = ready();
      rollups.flush(now);
      return alertCounts.sums(queries);
    },
    async watchUrlPrefixes(byService) {
      ready().watchedPrefixes.replace(new Map(byService));
    },

    async advanceWindows(now) {
      ready().rollups.flush(now);
    },
    async deleteEventsBefore(before, maxRows) {
      return ready().maintenance.deleteEventsBefore(before, maxRows);
    },
    async pruneRollups(now, maxRows) {
      return ready().maintenance.pruneRollups(now, maxRows);
    },
    async removeServiceEvents(serviceId) {
      ready().serviceData.remove(serviceId);
    },
  };
  return events;
}
