import type pg from 'pg';
import { WatchedPrefixList } from '../../rollup/signals.js';
import type { EventStore } from '../event-store.js';
import { postgresAlertCounts } from './alert-counts.js';
import { PostgresEventsWriter } from './events-writer.js';
import { PostgresMaintenance } from './maintenance.js';
import { PostgresQueries } from './queries.js';
import { PostgresRollupFolder } from './rollup-folder.js';
import { PostgresRollupWriter } from './rollup-writer.js';
import { PostgresServiceData } from './service-data.js';
import { PostgresWindows } from './windows.js';

/** Group commits one process runs at once (of its 10 pooled connections). */
export const POSTGRES_WRITE_CONCURRENCY = 4;

export interface PostgresEventStore {
  events: EventStore;
  /** folds what this process queued (the store closes it before ending the pool) */
  closeFolder(): Promise<void>;
}

/**
 * The event half of the PostgreSQL store; `ready` runs a call once the
 * schema is up to date. Rollup counts are queued in the transaction that
 * stores their events and folded by any process (rollup-folder.ts); the
 * sliding windows are moved by whichever process comes first (windows.ts).
 */
export function postgresEventStore(
  pool: pg.Pool,
  ready: <T>(body: () => Promise<T>) => Promise<T>,
  options: { reportBackgroundError(error: unknown): void; foldDelayMs?: number },
): PostgresEventStore {
  const windows = new PostgresWindows(pool);
  // the URL prefixes alert rules watch: counted where counts are taken (the writer) and where events are folded
  const watchedPrefixes = new WatchedPrefixList();
  const writer = new PostgresEventsWriter(pool, windows, watchedPrefixes);
  const folder = new PostgresRollupFolder(
    pool,
    windows,
    new PostgresRollupWriter(),
    options.reportBackgroundError,
    options.foldDelayMs,
    watchedPrefixes,
  );
  const queries = new PostgresQueries(pool);
  const maintenance = new PostgresMaintenance(pool, windows);
  const serviceData = new PostgresServiceData(pool, windows);

  const events: EventStore = {
    // commits overlap while each waits for its WAL flush; the rest of the pool stays for reads and folds
    writeConcurrency: POSTGRES_WRITE_CONCURRENCY,
    writeEvents: (writes, now) =>
      writes.length === 0
        ? Promise.resolve([])
        : ready(async () => {
            const results = await writer.write(writes, now);
            folder.soon();
            return results;
          }),
    countEvents: (serviceId) => ready(() => queries.countEvents(serviceId)),

    topValues: (serviceId, dimension, window, limit, now) =>
      ready(async () => {
        await folder.foldNow();
        // a ranking read at `now` shows no bucket that left the window before `now`
        await windows.advance(now);
        return queries.topValues(serviceId, dimension, window, limit);
      }),
    requestSeries: (serviceId, resolution, limit, now) =>
      ready(async () => {
        await folder.foldNow();
        return queries.requestSeries(serviceId, resolution, limit, now);
      }),
    locations: (serviceId, box, window, limit, now) =>
      ready(() => queries.locations(serviceId, box, window, limit, now)),
    latestEvents: (serviceId, limit) => ready(() => queries.latestEvents(serviceId, limit)),
    eventsAfterSeq: (serviceId, afterSeq, limit) => ready(() => queries.eventsAfterSeq(serviceId, afterSeq, limit)),

    alertCounts: (queries) =>
      ready(async () => {
        await folder.foldNow();
        return postgresAlertCounts(pool, queries);
      }),
    watchUrlPrefixes: async (byService) => watchedPrefixes.replace(new Map(byService)),

    advanceWindows: (now) => ready(() => windows.advance(now)),
    deleteEventsBefore: (before, maxRows) =>
      ready(async () => {
        await folder.foldNow(); // the queue names events by seq: count them before they go
        return maintenance.deleteEventsBefore(before, maxRows);
      }),
    pruneRollups: (now, maxRows) =>
      ready(async () => {
        await folder.foldNow(); // queued counts of old buckets are pruned with the rest, not added after
        return maintenance.pruneRollups(now, maxRows);
      }),
    removeServiceEvents: (serviceId) => ready(() => serviceData.remove(serviceId)),
  };
  return { events, closeFolder: () => folder.close() };
}
