/**
 * The server's SQLite store with its writer on the calling thread, for a
 * process with one core (sqlite-writer-place.ts): no group crosses to another
 * thread. Checkpoints still run on a thread of their own: copying the WAL into
 * the database file is mostly waiting for the disk, which would otherwise
 * stall the HTTP thread.
 */
import { openSqliteStore, type SqliteOpenOptions } from '../sqlite/sqlite-store.js';
import type { Store } from '../store.js';
import { startCheckpointer } from './checkpointer.js';
import type { WorkerStoreOptions } from './worker-store.js';

export async function openInlineWriterSqliteStore(
  options: SqliteOpenOptions,
  { onBackgroundError }: Required<WorkerStoreOptions>,
): Promise<Store> {
  // takes the data directory's writer lock and opens the database in WAL mode, which the checkpointer needs
  const store = await openSqliteStore({ ...options, writesEvents: true });
  const checkpointer = startCheckpointer(options, onBackgroundError);
  return {
    ...store,
    async close() {
      // first: the store's close then is the last connection's, which checkpoints and removes the WAL
      await checkpointer.stop();
      await store.close();
    },
  };
}
