/**
 * The SQLite server store's checkpointer thread, beside a writer on its own
 * thread and beside one on the calling thread: committed pages reach the
 * database file while the writer's own auto-checkpoint (a backstop at 10,000
 * WAL pages) has not run, closing leaves no WAL behind, and a checkpointer
 * that cannot start is reported, not fatal.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SQLITE_FILE_NAME, type SqliteOpenOptions } from '../../src/store/sqlite/database.js';
import type { Store } from '../../src/store/store.js';
import { startCheckpointer } from '../../src/store/worker/checkpointer.js';
import { openInlineWriterSqliteStore } from '../../src/store/worker/inline-writer-store.js';
import { openWorkerSqliteStore, type WorkerStoreOptions } from '../../src/store/worker/worker-store.js';
import { waitFor } from '../support/client-helpers.js';
import { addOwnedService, makeEvent, T0 } from '../support/temp-store.js';
import { plainWrite } from './contract/context.js';

const PAGE_BYTES = 4096;
const BACKSTOP_PAGES = 10_000;

/**
 * Events in the database file alone, as a copy without its WAL shows them:
 * 'no schema' when not even the migrations reached the file, 'torn copy' when
 * the file was copied while a checkpoint was writing it (then copy again).
 */
async function eventsInDatabaseFile(dataDir: string, scratch: string): Promise<number | 'no schema' | 'torn copy'> {
  const copy = path.join(scratch, 'copy.sqlite');
  await rm(copy, { force: true });
  await rm(`${copy}-wal`, { force: true });
  await copyFile(path.join(dataDir, SQLITE_FILE_NAME), copy);
  let db: Database.Database | null = null;
  try {
    db = new Database(copy);
    return (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  } catch (error) {
    if ((error as Error).message.includes('no such table')) return 'no schema';
    const code = (error as { code?: string }).code;
    if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') return 'torn copy';
    throw error;
  } finally {
    db?.close();
  }
}

const SERVER_STORES: [
  string,
  (options: SqliteOpenOptions, background: Required<WorkerStoreOptions>) => Promise<Store>,
][] = [
  ['writer thread', (options, background) => openWorkerSqliteStore({ ...options, writesEvents: true }, background)],
  ['writer on the calling thread', openInlineWriterSqliteStore],
];
const quiet: Required<WorkerStoreOptions> = {
  onBackgroundError: (error) => assert.fail(`unexpected background error: ${error.message}`),
};

for (const [name, openServerStore] of SERVER_STORES) {
  describe(`SQLite checkpointer thread, ${name}`, () => {
    it('copies committed events into the database file without the writer checkpointing', async () => {
      const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tmon-ckpt-'));
      const scratch = await mkdtemp(path.join(os.tmpdir(), 'tmon-ckpt-copy-'));
      const errors: Error[] = [];
      const store = await openServerStore({ dataDir }, { onBackgroundError: (error) => errors.push(error) });
      try {
        await store.migrate();
        const { service } = await addOwnedService(store.accounts);
        const groups = 40;
        for (let g = 0; g < groups; g++) {
          const events = Array.from({ length: 25 }, (_, i) => makeEvent({ url: `/page/${g}/${i}` }));
          await store.events.writeEvents([plainWrite(service.id, events)], T0 + g);
        }
        const wal = await stat(path.join(dataDir, `${SQLITE_FILE_NAME}-wal`));
        // the writer's backstop cannot have run: the WAL never reached its 10,000 pages
        assert.ok(wal.size < BACKSTOP_PAGES * PAGE_BYTES, `WAL of ${wal.size} bytes`);

        let inFile: Awaited<ReturnType<typeof eventsInDatabaseFile>> = 0;
        await waitFor(async () => {
          inFile = await eventsInDatabaseFile(dataDir, scratch);
          return inFile === groups * 25;
        }, 5_000).catch((error: Error) => assert.fail(`${error.message}: the file holds ${inFile} events`));
        assert.deepEqual(errors, []);
      } finally {
        await store.close();
        await rm(dataDir, { recursive: true, force: true });
        await rm(scratch, { recursive: true, force: true });
      }
    });

    it('stops with the store: the last connection to close removes the WAL', async () => {
      const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tmon-ckpt-'));
      try {
        const store = await openServerStore({ dataDir }, quiet);
        await store.migrate();
        await store.close();
        await assert.rejects(stat(path.join(dataDir, `${SQLITE_FILE_NAME}-wal`)), { code: 'ENOENT' });
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    });
  });
}

describe('SQLite checkpointer thread', () => {
  it('reports a checkpointer that cannot open the database, and stops cleanly', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tmon-ckpt-missing-'));
    try {
      const reported = new Promise<Error>((resolve) => {
        const checkpointer = startCheckpointer({ dataDir }, (error) => {
          resolve(error);
          void checkpointer.stop();
        });
      });
      const error = await reported;
      assert.match(error.message, /checkpointer thread failed, the writer checkpoints alone: .*unable to open/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
