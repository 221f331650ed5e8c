/** After a run: are the acknowledged events in tmon's SQLite store, once the server has stopped? */
import path from 'node:path';
import Database from 'better-sqlite3';
import { SQLITE_FILE_NAME } from '../../src/store/sqlite/database.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';

export interface Acknowledged {
  /** the idempotency keys of every event of every request answered 200 */
  ids(): Iterable<string>;
  count: number;
}

export interface StoreCheck {
  stored: number;
  acknowledged: number;
  /** acknowledged by a 200 but not in the store: must be 0 */
  missing: number;
  missingExamples: string[];
  /** stored but whose answer the load generator did not read (in flight when its run ended) */
  unacknowledged: number;
}

export async function checkStored(dataDir: string, serviceId: number, acknowledged: Acknowledged): Promise<StoreCheck> {
  const store = await openSqliteStore({ dataDir });
  let stored: number;
  try {
    stored = await store.events.countEvents(serviceId);
  } finally {
    await store.close();
  }
  const db = new Database(path.join(dataDir, SQLITE_FILE_NAME), { readonly: true });
  const keys = new Set<string>();
  try {
    const rows = db
      .prepare<[number], string>('SELECT event_key FROM events WHERE service_id = ? AND event_key IS NOT NULL')
      .pluck();
    for (const key of rows.iterate(serviceId)) keys.add(key);
  } finally {
    db.close();
  }
  return compare(stored, keys, acknowledged);
}

/** Acknowledged ids against the stored keys. */
export function compare(stored: number, keys: ReadonlySet<string>, acknowledged: Acknowledged): StoreCheck {
  let missing = 0;
  const missingExamples: string[] = [];
  for (const id of acknowledged.ids()) {
    if (keys.has(id)) continue;
    missing++;
    if (missingExamples.length < 5) missingExamples.push(id);
  }
  return {
    stored,
    acknowledged: acknowledged.count,
    missing,
    missingExamples,
    unacknowledged: stored - (acknowledged.count - missing),
  };
}
