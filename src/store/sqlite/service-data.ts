import type { SqliteDatabase } from './database.js';
import type { SqliteReplayClaims } from './replay-claims.js';
import type { SqliteRollupBuffer } from './rollup-buffer.js';

/** Removing everything the event store holds for one service. */
export class SqliteServiceData {
  private readonly removeRows: (serviceId: number) => void;

  constructor(
    db: SqliteDatabase,
    private readonly rollups: SqliteRollupBuffer,
    private readonly replayClaims: SqliteReplayClaims,
  ) {
    // the data tables carry no foreign key to services (it would cost every insert): deleted by hand.
    // Replay claims in the table expire within minutes and are pruned then (replay-claims.ts): an id
    // given again gets a new secret, so no request of the old service opens for it
    const deletes = [
      'DELETE FROM events WHERE service_id = ?',
      'DELETE FROM rollups WHERE service_id = ?',
      'DELETE FROM window_counts WHERE service_id = ?',
    ].map((sql) => db.prepare<[number]>(sql));
    const removeRows = db.transaction((serviceId: number) => {
      for (const statement of deletes) statement.run(serviceId);
    });
    this.removeRows = (serviceId) => removeRows.immediate(serviceId);
  }

  /** Deletes the rows in one transaction, then drops the counts and claims held in memory, with no flush between. */
  remove(serviceId: number): void {
    this.removeRows(serviceId);
    this.rollups.forgetService(serviceId);
    this.replayClaims.forgetService(serviceId);
  }
}
