import type { AlertCountQuery, AlertCountRows } from './alert-counts.js';
import type {
  Box,
  Dimension,
  EventWrite,
  EventWriteResult,
  LocationPoint,
  RankedValue,
  Resolution,
  SeriesPoint,
  StoredEvent,
  Window,
} from './store.js';

/**
 * Raw events and what is computed from them: writing, counting, the queries
 * the dashboard and API read, the sliding windows, retention and pruning.
 * Events name their service by id; services themselves are the account
 * store's (account-store.ts), so an event engine of another kind could take
 * this place without touching accounts. Both backends today keep events in
 * the accounts' database and, when they apply counts, drop the events of ids
 * with no service (see removeServiceEvents); an engine of its own would learn
 * of removals from removeServiceEvents alone.
 */
export interface EventStore {
  /**
   * How many group commits may usefully be handed over at once: 1 for SQLite
   * written on the calling thread, 2 for SQLite's writer thread (one group
   * committing, the next waiting in its queue: it runs them one at a time,
   * in order), more for a server whose commits wait on the network and the
   * disk while others proceed (PostgreSQL).
   */
  readonly writeConcurrency: number;

  // ingestion
  /**
   * Writes every request's events in ONE transaction (group commit) and
   * resolves after its commit. Events whose idempotency `id` is already stored
   * for the service are accepted but not stored again. Rollups may be applied
   * up to a second later, but every read sees them (a backend that defers
   * them applies what is pending before answering, and after a crash finds
   * it again: rebuilt from the events (SQLite) or queued in the database
   * with them (PostgreSQL)).
   */
  writeEvents(writes: EventWrite[], now: number): Promise<EventWriteResult[]>;
  countEvents(serviceId?: number): Promise<number>;

  // queries: rollups and indexed ranges only, never a scan of all events
  topValues(
    serviceId: number,
    dimension: Dimension,
    window: Window,
    limit: number,
    now: number,
  ): Promise<RankedValue[]>;
  /** exactly `limit` buckets, oldest first, the last one holding `now`, zero-filled */
  requestSeries(serviceId: number, resolution: Resolution, limit: number, now: number): Promise<SeriesPoint[]>;
  /** the latest `limit` geolocated events inside the box, grouped by position */
  locations(serviceId: number, box: Box, window: Window, limit: number, now: number): Promise<LocationPoint[]>;
  /** the latest `limit` events, newest first */
  latestEvents(serviceId: number, limit: number): Promise<StoredEvent[]>;
  /** a page of the service's events with seq > afterSeq, oldest (lowest seq) first: for exports */
  eventsAfterSeq(serviceId: number, afterSeq: number, limit: number): Promise<StoredEvent[]>;

  // alerts
  /**
   * Sums of rollup rows for alert rules, one answer per query in order,
   * seeing every event committed before the call (as every read does).
   */
  alertCounts(queries: AlertCountQuery[], now: number): Promise<AlertCountRows[]>;
  /**
   * The URL prefixes whose events get prefix signal rows from now on
   * (rollup/signals.ts), per service id: replaces the previous set.
   */
  watchUrlPrefixes(byService: [number, string[]][]): Promise<void>;

  // maintenance
  /**
   * Moves the sliding windows (5m … 30d) forward to `now`, subtracting the
   * buckets that left them. writeEvents does this itself; the server also
   * calls it every second so rankings age while no events arrive.
   */
  advanceWindows(now: number): Promise<void>;
  /** deletes raw events older than `before` (at most `maxRows` per call); rollups stay */
  deleteEventsBefore(before: number, maxRows: number): Promise<number>;
  /**
   * drops rollup buckets no query can reach any more, and expired replay keys:
   * at most `maxRows` per call (each statement its own short transaction, so
   * ingestion goes on in between); answers how many went, so a caller repeats
   * while it gets `maxRows`
   */
  pruneRollups(now: number, maxRows: number): Promise<number>;
  /**
   * Removes the service's events, rollups and windows in one transaction,
   * and the counts and replay keys held for it. Safe to repeat. The caller
   * removes the service from the account store FIRST: events of a service
   * that is gone are dropped when their counts are applied (both backends
   * check the services table then, as they share the database), so a write
   * racing the removal leaves nothing behind. If the process stops between
   * the two calls, the service's data stays unreachable: every read names a
   * service, and assigned ids are never given again.
   */
  removeServiceEvents(serviceId: number): Promise<void>;
}
