/**
 * Where the server's SQLite writer runs (sqlite-writer-place.ts): with the
 * HTTP thread when tmon has one core, on its own thread with more or when
 * every commit waits for the disk; the setting overrides; the start-up line
 * says which and why.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { placeSqliteWriter } from '../../src/store/sqlite-writer-place.js';

describe('SQLite writer placement', () => {
  it('auto: on the HTTP thread with one core, on its own thread with two or more', () => {
    assert.deepEqual(placeSqliteWriter({ sqliteWriter: 'auto', sqliteSynchronous: 'normal' }, 1), {
      place: 'inline',
      description: 'SQLite writer on the HTTP thread (1 core available)',
    });
    assert.deepEqual(placeSqliteWriter({ sqliteWriter: 'auto', sqliteSynchronous: 'normal' }, 2), {
      place: 'thread',
      description: 'SQLite writer on its own thread (2 cores available)',
    });
    assert.equal(placeSqliteWriter({ sqliteWriter: 'auto', sqliteSynchronous: 'normal' }, 64).place, 'thread');
  });

  it('auto keeps the thread on one core when every commit fsyncs', () => {
    const placement = placeSqliteWriter({ sqliteWriter: 'auto', sqliteSynchronous: 'full' }, 1);
    assert.equal(placement.place, 'thread');
    assert.match(placement.description, /TMON_SQLITE_SYNC=full/);
  });

  it('TMON_SQLITE_WRITER overrides the core count', () => {
    const inline = placeSqliteWriter({ sqliteWriter: 'inline', sqliteSynchronous: 'full' }, 8);
    assert.deepEqual(inline, {
      place: 'inline',
      description: 'SQLite writer on the HTTP thread (TMON_SQLITE_WRITER=inline)',
    });
    assert.equal(placeSqliteWriter({ sqliteWriter: 'thread', sqliteSynchronous: 'normal' }, 1).place, 'thread');
  });
});
