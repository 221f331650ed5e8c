/**
 * The online backup goes on while another connection commits between its
 * steps: SQLite starts over, the steps grow, and the backup ends with a
 * consistent copy holding every event committed before it began.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { it } from 'node:test';
import Database from 'better-sqlite3';
import { type BackupProgress, backupSqliteDatabase } from '../../src/store/sqlite/online-backup.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { addOwnedService, makeEvent, T0 } from '../support/temp-store.js';

it('finishes a backup that commits keep restarting, by copying in larger steps', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'tmon-online-backup-'));
  const dataDir = path.join(root, 'data');
  const store = await openSqliteStore({ dataDir, writesEvents: true });
  try {
    await store.migrate();
    const { service } = await addOwnedService(store.accounts);
    let written = 0;
    const writeBatch = async (count: number) => {
      const events = Array.from({ length: count }, () => makeEvent({ id: `e-${written++}`, ts: T0 }));
      await store.events.writeEvents(
        [{ serviceId: service.id, events, replayKey: null, replayKeyExpiresAt: null }],
        T0,
      );
    };
    for (let i = 0; i < 20; i++) await writeBatch(500);
    const writtenBefore = written;

    // a commit between (nearly) every two steps of 4 pages: the backup's steps run on setImmediate, timers between them
    const committing = setInterval(() => void writeBatch(5), 0);
    const progress: BackupProgress[] = [];
    const out = path.join(root, 'copy.sqlite');
    const result = await backupSqliteDatabase(dataDir, out, (p) => progress.push(p), 4).finally(() =>
      clearInterval(committing),
    );

    assert.ok(result.restarts > 0, 'commits made SQLite start over');
    assert.ok(progress.at(-1)!.restarts === result.restarts);
    const copy = new Database(out, { readonly: true });
    try {
      assert.equal(copy.pragma('integrity_check', { simple: true }), 'ok');
      assert.equal(copy.pragma('journal_mode', { simple: true }), 'delete', 'one self-contained file');
      const count = copy.prepare('SELECT COUNT(*) FROM events').pluck().get() as number;
      assert.ok(count >= writtenBefore, `${count} events in the copy, ${writtenBefore} committed before it began`);
    } finally {
      copy.close();
    }
  } finally {
    await store.close();
    await rm(root, { recursive: true, force: true });
  }
});
