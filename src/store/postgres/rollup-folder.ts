import type pg from 'pg';
import { RollupAccumulator, type ServiceCountsData } from '../../rollup/deltas.js';
import { NO_WATCHED_PREFIXES, type WatchedPrefixes } from '../../rollup/signals.js';
import { inRetriedTransaction } from './database.js';
import { type EventRow, toStoredEvent } from './event-rows.js';
import { LOCK_FOLD, lockKey } from './migrate.js';
import type { PostgresRollupWriter } from './rollup-writer.js';
import type { PostgresWindows } from './windows.js';

/**
 * Queued counts are folded at most this long after their commit (unless a
 * read comes first): long enough that one fold takes the groups of many
 * commits, whose counts then collapse per value (one row per country and
 * minute instead of one per event), short enough for a live dashboard.
 */
export const FOLD_DELAY_MS = 200;

/** Queue rows (group commits) per fold transaction, so a backlog is folded in bounded steps. */
const FOLD_GROUPS = 200;

/**
 * Takes up to FOLD_GROUPS queued groups. A group of a service removed
 * meanwhile (written by a process whose cache still held it) is taken and
 * not counted (`live` false), and its events are deleted: no rows for an id
 * that may be given again.
 */
const TAKE_SQL = `
  DELETE FROM rollup_queue q WHERE (service_id, id) IN (
    SELECT service_id, id FROM rollup_queue ORDER BY id LIMIT ${FOLD_GROUPS}
  )
  RETURNING q.counts, q.seqs, q.service_id, EXISTS (SELECT 1 FROM services s WHERE s.id = q.service_id) AS live`;

/** The events of queued seqs (groups whose counts could not be taken in advance); deleted ones are not found. */
const QUEUED_EVENTS_SQL = `
  SELECT e.* FROM unnest($1::bigint[], $2::bigint[]) AS q(service_id, seq)
  JOIN events e ON e.service_id = q.service_id AND e.seq = q.seq`;

/** The events of removed services (ids the take found without a service); a service given one of those ids meanwhile keeps its own. */
const DELETE_ORPHANS_SQL = `
  DELETE FROM events e WHERE e.service_id = ANY ($1::bigint[])
    AND NOT EXISTS (SELECT 1 FROM services s WHERE s.id = e.service_id)`;

interface QueuedRow {
  counts: string | null;
  /** int8[] comes as strings (only int8 itself is parsed to numbers): passed back as they are */
  seqs: string[] | null;
  service_id: number;
  live: boolean;
}

/**
 * Applies the queued groups (rollup_queue, written by every process's group
 * commits: counts, or seqs of events to count) to rollups, the sliding
 * windows and places, and deletes their queue rows, in one transaction:
 * exactly once, whichever process folds. Folds take turns under an advisory
 * lock (short: one fold takes at most FOLD_GROUPS groups per transaction).
 *
 * A read of rollups or windows folds first (`foldNow`), so it sees every
 * event committed before it, by any process. After a write, `soon` schedules
 * a fold; a process killed before its fold leaves the rows for the next fold
 * anywhere.
 */
export class PostgresRollupFolder {
  #running: Promise<void> | null = null;
  /** one fold shared by every caller that arrived while another was running */
  #next: Promise<void> | null = null;
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly windows: PostgresWindows,
    private readonly rollups: PostgresRollupWriter,
    private readonly onBackgroundError: (error: unknown) => void,
    private readonly delayMs = FOLD_DELAY_MS,
    private readonly watched: WatchedPrefixes = NO_WATCHED_PREFIXES,
  ) {}

  /** After a commit that queued counts: fold within delayMs. */
  soon(): void {
    if (this.#timer !== null || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      // the rows stay queued when this fails: the next fold (timer or read) takes them
      this.foldNow().catch((error: unknown) =>
        this.onBackgroundError(
          new Error(`folding rollups failed; their counts stay queued for the next fold: ${(error as Error).message}`, {
            cause: error,
          }),
        ),
      );
    }, this.delayMs);
    this.#timer.unref();
  }

  /**
   * Folds every row committed before this call. A fold already running may
   * have started before the caller's commit: the caller then waits for it
   * and for one more.
   */
  foldNow(): Promise<void> {
    if (this.#running === null) return this.#start();
    this.#next ??= this.#running.then(
      () => this.#startNext(),
      () => this.#startNext(),
    );
    return this.#next;
  }

  /** No more timers; waits for a fold in progress and folds what is left. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    await this.foldNow();
  }

  #startNext(): Promise<void> {
    this.#next = null;
    return this.#start();
  }

  #start(): Promise<void> {
    const fold = this.#fold().finally(() => {
      this.#running = null;
    });
    this.#running = fold;
    return fold;
  }

  async #fold(): Promise<void> {
    // a backlog (after an outage of the fold) goes in steps; a fold that found the queue empty ends it
    while ((await this.#foldSome()) === FOLD_GROUPS);
  }

  /** Folds up to FOLD_GROUPS queued groups; answers how many it took. */
  async #foldSome(): Promise<number> {
    const { groups, newPlaces } = await inRetriedTransaction(this.pool, async (client) => {
      // folds take turns, in every process: a fold that starts after a commit finds that commit's
      // rows in the queue, not taken by another fold that has yet to commit. Then the window lock,
      // then the queue's row locks: the order removeService takes those two in.
      await client.query(`SELECT pg_advisory_xact_lock(${lockKey(LOCK_FOLD)})`);
      const expiredThrough = await this.windows.lockShared(client);
      const { rows } = await client.query<QueuedRow>(TAKE_SQL);
      const pending = new RollupAccumulator(this.watched);
      const services: number[] = [];
      const seqs: string[] = [];
      const removed = new Set<number>();
      for (const row of rows) {
        if (!row.live) {
          removed.add(row.service_id);
          continue;
        }
        if (row.counts !== null) pending.addData(JSON.parse(row.counts) as ServiceCountsData);
        for (const seq of row.seqs ?? []) {
          services.push(row.service_id);
          seqs.push(seq);
        }
      }
      // the events themselves went with the service but for these, written by a process whose cache
      // still held it: no service shows them, and an id given again must not find them
      if (removed.size > 0) await client.query(DELETE_ORPHANS_SQL, [[...removed]]);
      if (seqs.length > 0) {
        const events = await client.query<EventRow>(QUEUED_EVENTS_SQL, [services, seqs]);
        for (const event of events.rows) pending.add(toStoredEvent(event));
      }
      if (pending.events === 0) return { groups: rows.length, newPlaces: [] };
      await this.rollups.apply(client, pending, expiredThrough);
      return { groups: rows.length, newPlaces: await this.rollups.recordPlaces(client, pending.places) };
    });
    // only once committed: a rolled-back insert must not be remembered
    this.rollups.rememberPlaces(newPlaces);
    return groups;
  }
}
