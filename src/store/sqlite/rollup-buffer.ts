import { RollupAccumulator, type ServiceEvent } from '../../rollup/deltas.js';
import type { WatchedPrefixes } from '../../rollup/signals.js';
import type { SqliteDatabase } from './database.js';
import { EVENT_SELECT_COLUMNS, EVENTS_WITH_AGENTS, type EventRow, toStoredEvent } from './event-rows.js';
import type { SqliteRollupWriter } from './rollup-writer.js';
import type { SqliteWindows } from './windows.js';

/** What the buffer keeps of a stored event until its rollups are applied. */
export type StagedEvent = ServiceEvent & { seq: number };

/**
 * Rollups are applied at most this long after their events were committed
 * (unless a read, which flushes first, comes sooner). Measured: upserting a
 * batch's rollups in its own commit costs ~12 upserts per distinct value and
 * held ingestion to ~5k events/s; one flush a second costs the distinct values
 * of a second instead, and lets events go in at the plain insert rate.
 */
export const ROLLUP_FLUSH_MS = 1_000;
/** …or once this many events are pending, whichever comes first. */
export const ROLLUP_FLUSH_EVENTS = 250_000;

/**
 * The rollups of events not yet applied, kept in memory. Invariant: the
 * pending accumulator holds exactly the committed events with
 * seq > rollup_state.applied_through_seq. A flush applies it and moves the
 * watermark in one transaction. When the invariant may be broken (at start,
 * after a kill -9, after a rolled-back transaction, after another process
 * moved the watermark) the accumulator is rebuilt from those events at the
 * start of the next transaction. Only one process may write events to a
 * database: two writers' pending counts would each miss the other's events.
 */
export class SqliteRollupBuffer {
  private pending: RollupAccumulator;
  /** the watermark the pending counts were built on */
  private baseSeq = 0;
  private pendingThroughSeq = 0;
  private pendingSince: number | null = null;
  private stale = true;
  private lastNow = Number.NEGATIVE_INFINITY;
  private readonly selectWatermark;
  private readonly saveWatermark;
  private readonly eventsAfter;
  private readonly serviceExists;
  private readonly deleteEventsOf;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly windows: SqliteWindows,
    private readonly writer: SqliteRollupWriter,
    private readonly watched: WatchedPrefixes,
  ) {
    this.pending = new RollupAccumulator(watched);
    this.selectWatermark = db.prepare<[], number>('SELECT applied_through_seq FROM rollup_state WHERE id = 1').pluck();
    this.saveWatermark = db.prepare<[number]>('UPDATE rollup_state SET applied_through_seq = ? WHERE id = 1');
    this.eventsAfter = db.prepare<[number], EventRow>(
      `SELECT ${EVENT_SELECT_COLUMNS} FROM ${EVENTS_WITH_AGENTS} WHERE events.seq > ? ORDER BY events.seq`,
    );
    this.serviceExists = db.prepare<[number], number>('SELECT 1 FROM services WHERE id = ?').pluck();
    this.deleteEventsOf = db.prepare<[number]>('DELETE FROM events WHERE service_id = ?');
  }

  /**
   * Runs `insert` in a write transaction, stages the events it stored, and
   * applies the pending rollups in the same commit when they are due.
   */
  write<T>(now: number, insert: () => { result: T; stored: readonly StagedEvent[] }): T {
    this.lastNow = Math.max(this.lastNow, now);
    return this.inTransaction(() => {
      const { result, stored } = insert();
      this.pending.coarsenBefore(now);
      for (const event of stored) this.stage(event);
      if (stored.length > 0) this.pendingSince ??= now;
      return { result, flush: this.isDue(now) };
    }, now);
  }

  /** Advances the windows to `now` and applies everything pending; a no-op when there is nothing to do. */
  flush(now: number): void {
    this.lastNow = Math.max(this.lastNow, now);
    if (!this.stale && this.pending.events === 0 && !this.windows.needsAdvance(now)) return;
    this.inTransaction(() => ({ result: undefined, flush: true }), now);
  }

  /** Flushes with the latest `now` seen (on close); a later start would rebuild it anyway. */
  flushOnClose(): void {
    if (Number.isFinite(this.lastNow)) this.flush(this.lastNow);
  }

  /** The service's events are gone (removed in a committed transaction): drop their pending counts too. */
  forgetService(serviceId: number): void {
    this.pending.removeService(serviceId);
  }

  private inTransaction<T>(body: () => { result: T; flush: boolean }, now: number): T {
    let newPlaces: string[] | null = null;
    let result: T;
    try {
      result = this.db
        .transaction(() => {
          this.rebuildIfNeeded();
          const outcome = body();
          if (outcome.flush) newPlaces = this.flushInTransaction(now);
          return outcome.result;
        })
        .immediate();
    } catch (error) {
      // what was staged may not have been committed: rebuild from the table next time
      this.stale = true;
      throw error;
    }
    if (newPlaces !== null) {
      this.writer.rememberPlaces(newPlaces);
      this.pending = new RollupAccumulator(this.watched);
      this.pendingSince = null;
      this.baseSeq = this.pendingThroughSeq;
    }
    return result;
  }

  private stage(event: StagedEvent): void {
    this.pending.add(event);
    if (event.seq > this.pendingThroughSeq) this.pendingThroughSeq = event.seq;
  }

  private isDue(now: number): boolean {
    if (this.pending.events >= ROLLUP_FLUSH_EVENTS) return true;
    return this.pendingSince !== null && now - this.pendingSince >= ROLLUP_FLUSH_MS;
  }

  /**
   * Another process that flushed (a CLI command reading rankings, say) moved
   * the watermark past events this one also holds: rebuild rather than apply
   * them twice.
   */
  private rebuildIfNeeded(): void {
    const watermark = this.selectWatermark.get() ?? 0;
    if (!this.stale && watermark === this.baseSeq) return;
    this.pending = new RollupAccumulator(this.watched);
    this.baseSeq = watermark;
    this.pendingThroughSeq = watermark;
    for (const row of this.eventsAfter.iterate(this.pendingThroughSeq)) this.stage(toStoredEvent(row));
    // recovered events are overdue: the next transaction applies them
    this.pendingSince = this.pending.events > 0 ? Number.NEGATIVE_INFINITY : null;
    this.stale = false;
  }

  /** Windows first: the add rule compares each delta's bucket with where the window stands at `now`. */
  private flushInTransaction(now: number): string[] {
    const expiredThrough = this.windows.advanceInTransaction(now);
    this.dropRemovedServices();
    if (this.pending.events === 0) return [];
    this.writer.apply(this.pending, expiredThrough, now);
    const newPlaces = this.writer.recordPlaces(this.pending.places);
    this.saveWatermark.run(this.pendingThroughSeq);
    return newPlaces;
  }

  /**
   * Another process (`tmon service remove`) may have removed a service whose
   * counts are pending here, and this one may have written more of its events
   * since (its service cache still held it): none of them is counted, and
   * those events go too — no rows for an id that may be given again.
   */
  private dropRemovedServices(): void {
    for (const serviceId of this.pending.serviceIds) {
      if (this.serviceExists.get(serviceId) !== undefined) continue;
      this.pending.removeService(serviceId);
      this.deleteEventsOf.run(serviceId);
    }
  }
}
