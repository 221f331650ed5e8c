import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { migrateWithNotice } from '../../src/store/migrate-with-notice.js';

describe('migrateWithNotice', () => {
  it('says why the start waits when migrating takes a while, then that it is done', async () => {
    const messages: string[] = [];
    await migrateWithNotice({ migrate: () => sleep(150) }, (message) => messages.push(message), 50);
    assert.equal(messages.length, 2);
    assert.match(messages[0] ?? '', /^upgrading the database schema/);
    assert.match(messages[1] ?? '', /^database schema upgraded in \d+\.\d s$/);
  });

  it('says nothing when the schema is current at once', async () => {
    const messages: string[] = [];
    await migrateWithNotice({ migrate: async () => {} }, (message) => messages.push(message), 50);
    assert.deepEqual(messages, []);
  });

  it('passes a failed migration on, with no notice left pending', async () => {
    const messages: string[] = [];
    const failing = { migrate: () => Promise.reject(new Error('disk full')) };
    await assert.rejects(
      migrateWithNotice(failing, (message) => messages.push(message), 50),
      /disk full/,
    );
    await sleep(100);
    assert.deepEqual(messages, []);
  });
});
