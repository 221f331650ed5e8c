/** The order BatchQueue sends batches in, with a fake tmon that answers a short batch sooner than a full one. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BatchQueue } from '../../src/cli/logs/batch-queue.js';
import type { BatchResult } from '../../src/cli/logs/batch-sender.js';

interface FakeBatch {
  name: string;
  size: number;
}

/** Commits a batch 1 ms per 10 events after it is sent, as tmon reads and commits a short batch sooner. */
function fakeTmon() {
  const committed: string[] = [];
  const sentWhileInFlight = new Map<string, string[]>();
  const inFlight = new Set<string>();
  const send = async (batch: FakeBatch): Promise<BatchResult> => {
    sentWhileInFlight.set(batch.name, [...inFlight]);
    inFlight.add(batch.name);
    await new Promise((resolve) => setTimeout(resolve, batch.size / 10));
    inFlight.delete(batch.name);
    committed.push(batch.name);
    return { accepted: batch.size, refused: [] };
  };
  return { committed, sentWhileInFlight, send };
}

describe('the batch queue of tmon logs import', () => {
  it('sends the first batch alone, then overlaps full batches, and sends the short last one after all of them', async () => {
    const tmon = fakeTmon();
    const queue = new BatchQueue<FakeBatch>(tmon.send, 3, () => undefined);
    for (const name of ['full-1', 'full-2', 'full-3', 'full-4']) await queue.add({ name, size: 500 });
    await queue.addLast({ name: 'short', size: 10 });
    await queue.finish();

    assert.deepEqual(tmon.committed, ['full-1', 'full-2', 'full-3', 'full-4', 'short'], 'the oldest lines first');
    assert.deepEqual(tmon.sentWhileInFlight.get('full-1'), []);
    assert.deepEqual(tmon.sentWhileInFlight.get('full-2'), [], 'the first batch was answered before the second');
    assert.deepEqual(tmon.sentWhileInFlight.get('full-4'), ['full-2', 'full-3'], 'full batches overlap');
    assert.deepEqual(tmon.sentWhileInFlight.get('short'), [], 'the short batch waited for every batch ahead');
  });

  it('would let a short batch overtake the full ones ahead if it were added as a full one', async () => {
    // the fake's premise, which addLast is there for
    const tmon = fakeTmon();
    const queue = new BatchQueue<FakeBatch>(tmon.send, 3, () => undefined);
    for (const name of ['full-1', 'full-2', 'full-3']) await queue.add({ name, size: 500 });
    await queue.add({ name: 'short', size: 10 });
    await queue.finish();
    assert.deepEqual(tmon.committed, ['full-1', 'short', 'full-2', 'full-3']);
  });

  it('sends a run of one short batch at once', async () => {
    const tmon = fakeTmon();
    let acknowledged = 0;
    const queue = new BatchQueue<FakeBatch>(tmon.send, 3, (_batch, result) => {
      acknowledged += result.accepted;
    });
    await queue.addLast({ name: 'only', size: 7 });
    await queue.finish();
    assert.deepEqual(tmon.committed, ['only']);
    assert.equal(acknowledged, 7);
  });
});
