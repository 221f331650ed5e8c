import type { AlertCountQuery, AlertCountRows } from '../alert-counts.js';
import type { SqliteDatabase } from './database.js';

/** Alert readings' sums of rollup rows: one index range each (rollups' primary key). */
export class SqliteAlertCounts {
  private readonly total;
  private readonly byKey;

  constructor(db: SqliteDatabase) {
    this.total = db
      .prepare<[number, string, string, number, number, string, string], number>(
        `SELECT coalesce(sum(requests), 0) FROM rollups
         WHERE service_id = ? AND dim = ? AND res = ? AND bucket BETWEEN ? AND ? AND key >= ? AND key < ?`,
      )
      .pluck();
    this.byKey = db
      .prepare<[number, string, string, number, number, string, string], [string, number]>(
        `SELECT key, sum(requests) FROM rollups
         WHERE service_id = ? AND dim = ? AND res = ? AND bucket BETWEEN ? AND ? AND key >= ? AND key < ?
         GROUP BY key`,
      )
      .raw();
  }

  sums(queries: readonly AlertCountQuery[]): AlertCountRows[] {
    return queries.map((q) => {
      const args = [q.serviceId, q.dim, q.res, q.from, q.to, q.keyFrom, q.keyTo] as const;
      return q.byKey ? this.byKey.all(...args) : [['', this.total.get(...args) ?? 0]];
    });
  }
}
