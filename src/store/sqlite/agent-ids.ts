import type { SqliteDatabase } from './database.js';
import { AGENT_COLUMNS, type EventInsertParams } from './event-rows.js';

/**
 * Beyond this many distinct agents the memo starts over: a site sees a few
 * hundred agents a day, a crawler farm more; each entry is ~300 bytes.
 */
const MAX_REMEMBERED = 50_000;

/**
 * The `agents` row of an agent and its parse, found or added in the writer's
 * transaction, and remembered (only the writer adds agents). The same string
 * may come with another parse (another parser version, an imported event):
 * each parse has its own row. Called once per distinct agent of a group, not
 * per event. An agent added in a transaction that rolls back is forgotten
 * with it (settle() or undo() after each transaction).
 */
export class SqliteAgentIds {
  /** by the agent row as JSON: unambiguous whatever the strings hold */
  readonly #ids = new Map<string, number>();
  /** agents added by the transaction in progress */
  #added: string[] = [];
  private readonly find;
  private readonly add;

  constructor(db: SqliteDatabase) {
    const match = AGENT_COLUMNS.map((name) => `${name} IS ?`).join(' AND ');
    // a point lookup in agents_parse (IS: a NULL field matches NULL)
    this.find = db.prepare<EventInsertParams, number>(`SELECT id FROM agents WHERE ${match} LIMIT 1`).pluck();
    this.add = db.prepare<EventInsertParams>(
      `INSERT INTO agents (${AGENT_COLUMNS.join(', ')}) VALUES (${AGENT_COLUMNS.map(() => '?').join(', ')})`,
    );
  }

  /** The id of an agent (an `agents` row, in AGENT_COLUMNS order), added if new. */
  idOf(agent: EventInsertParams): number {
    const key = JSON.stringify(agent);
    const known = this.#ids.get(key);
    if (known !== undefined) return known;
    let id = this.find.get(...agent);
    if (id === undefined) {
      id = Number(this.add.run(...agent).lastInsertRowid);
      this.#added.push(key);
    }
    if (this.#ids.size >= MAX_REMEMBERED) this.#ids.clear();
    this.#ids.set(key, id);
    return id;
  }

  /** The transaction committed: its agents are for good. */
  settle(): void {
    this.#added = [];
  }

  /** The transaction rolled back: the agents it added are gone. */
  undo(): void {
    for (const key of this.#added) this.#ids.delete(key);
    this.#added = [];
  }
}
