/**
 * Statements that take several rows at once: `VALUES (…), (…), …`. With
 * better-sqlite3 each run is a call into SQLite that resets and steps the
 * statement; an upsert of 8 rows to a statement costs about a third less per
 * row than 8 runs of one (16 were no cheaper for the events insert).
 */
import type { SqliteDatabase, SqlValue } from './database.js';

export const ROWS_PER_STATEMENT = 8;

/** `(?, ?, …), (?, ?, …)…`: `rows` groups of `columns` parameters. */
export function valuesList(columns: number, rows: number): string {
  const row = `(${Array.from({ length: columns }, () => '?').join(', ')})`;
  return Array.from({ length: rows }, () => row).join(', ');
}

/** Writes `values` into `params` from index `at`: a row's parameters, for MultiRowStatement's fill. */
export function putParams(params: SqlValue[], at: number, ...values: SqlValue[]): void {
  for (let i = 0; i < values.length; i++) params[at + i] = values[i] as SqlValue;
}

/**
 * One statement run for many rows, ROWS_PER_STATEMENT at a time and the
 * rest one by one, in the order given (an upsert in primary-key order keeps
 * neighbouring rows on the same pages).
 */
export class MultiRowStatement<Row> {
  private readonly one;
  private readonly many;

  /**
   * sql: the statement for a VALUES list; fill: writes a row's `columns`
   * parameters into `params` from index `at`.
   */
  constructor(
    db: SqliteDatabase,
    sql: (values: string) => string,
    private readonly columns: number,
    private readonly fill: (row: Row, params: SqlValue[], at: number) => void,
  ) {
    this.one = db.prepare(sql(valuesList(columns, 1)));
    this.many = db.prepare(sql(valuesList(columns, ROWS_PER_STATEMENT)));
  }

  runAll(rows: Iterable<Row>): void {
    const params: SqlValue[] = new Array(this.columns * ROWS_PER_STATEMENT).fill(null);
    let filled = 0;
    for (const row of rows) {
      this.fill(row, params, filled * this.columns);
      filled += 1;
      if (filled === ROWS_PER_STATEMENT) {
        // spread: better-sqlite3 binds each argument as it comes (an array is read back through V8's API)
        this.many.run(...params);
        filled = 0;
      }
    }
    for (let i = 0; i < filled; i++) this.one.run(...params.slice(i * this.columns, (i + 1) * this.columns));
  }
}
