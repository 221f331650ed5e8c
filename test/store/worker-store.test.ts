/**
 * The store as the server opens it: SQLite on its writer thread, with the
 * account and service lookups answered on the calling thread from a
 * connection of their own (worker-store.ts). The same contract as the
 * inline store: a lookup right after a write through the writer thread sees it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addOwnedService, makeEvent, T0, withTempWorkerStore } from '../support/temp-store.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('SQLite through the writer thread', withTempWorkerStore);

describe('SQLite writer thread: groups handed over at once', () => {
  it('takes two groups at a time and commits them one after the other, in the order given', async () => {
    const temp = await withTempWorkerStore();
    try {
      const { events } = temp.store;
      assert.equal(events.writeConcurrency, 2, 'one group committing, the next already waiting in the thread');
      const { service } = await addOwnedService(temp.store.accounts);
      const group = (first: number) => [
        {
          serviceId: service.id,
          events: Array.from({ length: 500 }, (_, i) => makeEvent({ ts: T0 + first + i, id: `e-${first + i}` })),
          replayKey: null,
          replayKeyExpiresAt: null,
        },
      ];
      // both sent before either has committed, as the write buffer does with writeConcurrency 2
      const [a, b] = await Promise.all([events.writeEvents(group(0), T0), events.writeEvents(group(500), T0)]);
      const seqs = [a, b].flatMap((results) =>
        results.flatMap((result) => (result.ok ? result.stored.map((event) => event.seq) : [])),
      );
      assert.equal(seqs.length, 1_000);
      assert.deepEqual(
        seqs,
        [...seqs].sort((x, y) => x - y),
        'the first group handed over is stored first',
      );
      assert.equal(await events.countEvents(service.id), 1_000);
    } finally {
      await temp.cleanup();
    }
  });
});
