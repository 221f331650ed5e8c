import type { SqliteDatabase } from './database.js';
import { AGENT_COLUMNS, type EventInsertParams } from './event-rows.js';

/**
 * Beyond this many distinct agents the memo starts over: a site sees a few
 * hundred agents a day, a crawler farm more; each entry is ~300 bytes.
 */
const MAX_REMEMBERED = 50_000;

/**
 * How far an event's time may run ahead of its agent's `last_ts`: the row is
 * updated only when an event is newer than that, so an agent costs one
 * UPDATE a day, not one per group. Every event therefore has
 * ts ≤ last_ts + this, which is what makes pruning safe.
 */
export const AGENT_LAST_TS_SLACK_MS = 24 * 60 * 60 * 1000;

interface KnownAgent {
  id: number;
  /** the row's last_ts as this writer last wrote or read it */
  lastTs: number;
}

/**
 * The `agents` row of an agent and its parse, found or added in the writer's
 * transaction, and remembered (only the writer adds, updates and deletes
 * agents). The same string may come with another parse (another parser
 * version, an imported event): each parse has its own row. Called once per
 * distinct agent of a group, not per event. What a transaction that rolls
 * back added or updated is forgotten with it (settle() or undo() after each
 * transaction).
 *
 * Retention deletes events, never agents: prune() deletes the agents whose
 * `last_ts` proves every event referring to them is gone.
 */
export class SqliteAgentIds {
  /** by the agent row as JSON: unambiguous whatever the strings hold */
  readonly #known = new Map<string, KnownAgent>();
  /** agents the transaction in progress added or updated */
  #touched: string[] = [];
  private readonly find;
  private readonly add;
  private readonly moveLastTs;
  private readonly deleteOlder;

  constructor(db: SqliteDatabase) {
    const match = AGENT_COLUMNS.map((name) => `${name} IS ?`).join(' AND ');
    // a point lookup in agents_parse (IS: a NULL field matches NULL)
    this.find = db.prepare<EventInsertParams, { id: number; last_ts: number }>(
      `SELECT id, last_ts FROM agents WHERE ${match} LIMIT 1`,
    );
    this.add = db.prepare<[...EventInsertParams, number]>(
      `INSERT INTO agents (${AGENT_COLUMNS.join(', ')}, last_ts) VALUES (${AGENT_COLUMNS.map(() => '?').join(', ')}, ?)`,
    );
    this.moveLastTs = db.prepare<[number, number]>('UPDATE agents SET last_ts = max(last_ts, ?) WHERE id = ?');
    this.deleteOlder = db.prepare<[number, number]>(
      'DELETE FROM agents WHERE id IN (SELECT id FROM agents WHERE last_ts < ? LIMIT ?)',
    );
  }

  /**
   * The id of an agent (an `agents` row, in AGENT_COLUMNS order), added if
   * new; `ts` is the newest time of the group's events that refer to it.
   */
  idOf(agent: EventInsertParams, ts: number): number {
    const key = JSON.stringify(agent);
    const known = this.#known.get(key);
    if (known !== undefined && ts <= known.lastTs + AGENT_LAST_TS_SLACK_MS) return known.id;
    let found = known;
    if (found === undefined) {
      const row = this.find.get(...agent);
      if (row !== undefined) found = { id: row.id, lastTs: row.last_ts };
    }
    if (found === undefined) {
      found = { id: Number(this.add.run(...agent, ts).lastInsertRowid), lastTs: ts };
      this.#touched.push(key);
    } else if (ts > found.lastTs + AGENT_LAST_TS_SLACK_MS) {
      this.moveLastTs.run(ts, found.id);
      found = { id: found.id, lastTs: ts };
      this.#touched.push(key);
    }
    if (known === undefined && this.#known.size >= MAX_REMEMBERED) this.#known.clear();
    this.#known.set(key, found);
    return found.id;
  }

  /** The transaction committed: what it added and updated is for good. */
  settle(): void {
    this.#touched = [];
  }

  /** The transaction rolled back: the agents it added are gone, those it updated are as they were. */
  undo(): void {
    for (const key of this.#touched) this.#known.delete(key);
    this.#touched = [];
  }

  /**
   * Deletes up to `maxRows` agents no event refers to any more, once every
   * event with ts < `before` has been deleted: an agent whose last_ts is
   * older than `before` by more than the slack has only such events. Returns
   * the rows deleted.
   */
  prune(before: number, maxRows: number): number {
    const deleted = this.deleteOlder.run(before - AGENT_LAST_TS_SLACK_MS, maxRows).changes;
    // ids the memo holds may be gone: it is read afresh
    if (deleted > 0) this.#known.clear();
    return deleted;
  }
}
