/**
 * The `events` rows of a write, inserted up to ROWS_PER_INSERT to a
 * statement, and the seq each one got (null: its idempotency id was already
 * stored, so it was not stored again).
 */
import type { SqliteDatabase, SqlValue } from './database.js';
import { EVENT_KEY_COLUMN, EVENT_TABLE_COLUMNS, type EventInsertParams, SERVICE_ID_COLUMN } from './event-rows.js';
import { ROWS_PER_STATEMENT, valuesList } from './multi-row.js';

/**
 * `rows` rows of `events`, their parameters one row after another, each in
 * EVENT_TABLE_COLUMNS order. The conflict target is the partial unique index:
 * a known idempotency id stores nothing.
 */
export function insertEventsSql(rows: number): string {
  return `INSERT INTO events (${EVENT_TABLE_COLUMNS.join(', ')})
  VALUES ${valuesList(EVENT_TABLE_COLUMNS.length, rows)}
  ON CONFLICT (service_id, event_key) WHERE event_key IS NOT NULL DO NOTHING`;
}

/**
 * Events per INSERT statement (multi-row.ts): ~1 µs less per event than one
 * each, AUTOINCREMENT's read and write of sqlite_sequence included.
 */
export const ROWS_PER_INSERT = ROWS_PER_STATEMENT;

const COLUMNS = EVENT_TABLE_COLUMNS.length;

export class SqliteEventInserts {
  private readonly insertOne;
  private readonly insertMany;
  private readonly seqOfKey;
  /** the parameters of one insertMany statement, refilled for each */
  private readonly manyParams: EventInsertParams = new Array(ROWS_PER_INSERT * COLUMNS).fill(null);

  constructor(db: SqliteDatabase) {
    this.insertOne = db.prepare(insertEventsSql(1));
    this.insertMany = db.prepare(insertEventsSql(ROWS_PER_INSERT));
    this.seqOfKey = db
      .prepare<[number, string], number>('SELECT seq FROM events WHERE service_id = ? AND event_key = ?')
      .pluck();
  }

  /**
   * How many rows from `from` (before `end`) the next statement takes: ROWS_PER_INSERT when there are
   * as many and each has an idempotency id (what tells them apart when some are already stored), else 1.
   */
  nextCount(rows: readonly EventInsertParams[], from: number, end: number): number {
    if (end - from < ROWS_PER_INSERT) return 1;
    for (let i = from; i < from + ROWS_PER_INSERT; i++) {
      if ((rows[i] as EventInsertParams)[EVENT_KEY_COLUMN] === null) return 1;
    }
    return ROWS_PER_INSERT;
  }

  /** Inserts rows[from, from + count) (count from nextCount) in one statement; adds each one's seq to `seqs`. */
  insert(rows: readonly EventInsertParams[], from: number, count: number, seqs: (number | null)[]): void {
    if (count === 1) {
      // spread, not the array: better-sqlite3 then binds each argument as it comes instead of reading
      // the array's elements back through V8's API (~10 % of an insert)
      const info = this.insertOne.run(...(rows[from] as EventInsertParams));
      seqs.push(info.changes === 0 ? null : Number(info.lastInsertRowid));
      return;
    }
    const params = this.manyParams;
    let p = 0;
    for (let i = from; i < from + count; i++) {
      const row = rows[i] as EventInsertParams;
      for (let c = 0; c < COLUMNS; c++) params[p++] = row[c] as SqlValue;
    }
    const info = this.insertMany.run(...params);
    const stored = info.changes;
    if (stored === count) {
      // none refused: the rows took consecutive seqs, in order, ending at the last insert's
      const first = Number(info.lastInsertRowid) - count + 1;
      for (let i = 0; i < count; i++) seqs.push(first + i);
    } else if (stored === 0) {
      for (let i = 0; i < count; i++) seqs.push(null);
    } else {
      this.#tellApart(rows, from, count, stored, seqs);
    }
  }

  /**
   * Some of the rows' ids were stored before, or come twice among them: a
   * refused row may still have used up a seq, so the seqs are not told by
   * counting. Each id now has a seq, and those stored by this statement are
   * above every older one (AUTOINCREMENT): the `stored` highest, each at the
   * first row with its id.
   */
  #tellApart(
    rows: readonly EventInsertParams[],
    from: number,
    count: number,
    stored: number,
    seqs: (number | null)[],
  ): void {
    const found: (number | null)[] = [];
    const keys = new Set<string>();
    for (let i = from; i < from + count; i++) {
      const row = rows[i] as EventInsertParams;
      const key = row[EVENT_KEY_COLUMN] as string;
      if (keys.has(key)) {
        found.push(null);
        continue;
      }
      keys.add(key);
      const seq = this.seqOfKey.get(row[SERVICE_ID_COLUMN] as number, key);
      if (seq === undefined) throw new Error(`event id ${JSON.stringify(key)} was neither stored nor found`);
      found.push(seq);
    }
    const lowestStored = (found.filter((seq) => seq !== null) as number[]).sort((a, b) => b - a)[stored - 1];
    if (lowestStored === undefined) throw new Error(`${stored} of ${count} events stored, but fewer ids found`);
    for (const seq of found) seqs.push(seq !== null && seq >= lowestStored ? seq : null);
  }
}
