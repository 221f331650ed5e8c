import type { SqliteDatabase } from './database.js';
import { AGENT_COLUMNS, type EventInsertParams } from './event-rows.js';

/**
 * Beyond this many distinct agents the memo starts over: a site sees a few
 * hundred agents a day, a crawler farm more; each entry is ~200 bytes.
 */
const MAX_REMEMBERED = 50_000;

/**
 * The `agents` row of each event's agent and parse, found or added in the
 * writer's transaction, and remembered (only the writer adds agents). The
 * same string may come with another parse (another parser version, an
 * imported event): each parse has its own row. An agent added in a
 * transaction that rolls back is forgotten with it (settle() or undo()
 * after each transaction).
 */
export class SqliteAgentIds {
  /** by agent string: each parse of it seen, with its id (nearly always one) */
  readonly #ids = new Map<string, { agent: EventInsertParams; id: number }[]>();
  #remembered = 0;
  /** agents added by the transaction in progress */
  #added: { useragent: string; id: number }[] = [];
  private readonly find;
  private readonly add;

  constructor(db: SqliteDatabase) {
    const match = AGENT_COLUMNS.map((name) => `${name} IS ?`).join(' AND ');
    this.find = db.prepare<EventInsertParams, number>(`SELECT id FROM agents WHERE ${match} LIMIT 1`).pluck();
    this.add = db.prepare<EventInsertParams>(
      `INSERT INTO agents (${AGENT_COLUMNS.join(', ')}) VALUES (${AGENT_COLUMNS.map(() => '?').join(', ')})`,
    );
  }

  /** The id of an agent (an `agents` row, in AGENT_COLUMNS order), added if new. */
  idOf(agent: EventInsertParams): number {
    const useragent = agent[0] as string;
    const parses = this.#ids.get(useragent);
    if (parses !== undefined) {
      for (const entry of parses) if (sameValues(entry.agent, agent)) return entry.id;
    }
    let id = this.find.get(...agent);
    if (id === undefined) {
      id = Number(this.add.run(...agent).lastInsertRowid);
      this.#added.push({ useragent, id });
    }
    if (this.#remembered >= MAX_REMEMBERED) {
      this.#ids.clear();
      this.#remembered = 0;
    }
    const entry = { agent, id };
    const known = this.#ids.get(useragent); // not `parses`: the memo may just have started over
    if (known === undefined) this.#ids.set(useragent, [entry]);
    else known.push(entry);
    this.#remembered++;
    return id;
  }

  /** The transaction committed: its agents are for good. */
  settle(): void {
    this.#added = [];
  }

  /** The transaction rolled back: the agents it added are gone. */
  undo(): void {
    for (const { useragent, id } of this.#added) {
      const parses = this.#ids.get(useragent);
      if (parses === undefined) continue; // forgotten already, when the memo started over
      const kept = parses.filter((entry) => entry.id !== id);
      this.#remembered -= parses.length - kept.length;
      if (kept.length === 0) this.#ids.delete(useragent);
      else this.#ids.set(useragent, kept);
    }
    this.#added = [];
  }
}

function sameValues(a: EventInsertParams, b: EventInsertParams): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
