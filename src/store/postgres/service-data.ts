import type pg from 'pg';
import { inTransaction } from './database.js';
import type { PostgresWindows } from './windows.js';

/** The data tables carry no foreign key to services (it would cost every insert): deleted by hand. */
const SERVICE_DATA_DELETES = [
  'DELETE FROM events WHERE service_id = $1',
  'DELETE FROM rollups WHERE service_id = $1',
  'DELETE FROM window_counts WHERE service_id = $1',
  'DELETE FROM rollup_queue WHERE service_id = $1',
  'DELETE FROM replay_keys WHERE service_id = $1',
];

/** Removing everything the event store holds for one service. */
export class PostgresServiceData {
  constructor(
    private readonly pool: pg.Pool,
    private readonly windows: PostgresWindows,
  ) {}

  async remove(serviceId: number): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      // no writer or expiry holds rows of window_counts meanwhile: no lock-order cycle with them
      await this.windows.lockExclusive(client);
      for (const sql of SERVICE_DATA_DELETES) await client.query(sql, [serviceId]);
    });
  }
}
