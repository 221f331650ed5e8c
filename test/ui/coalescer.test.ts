import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Batch, Coalescer } from '../../ui/src/dashboard/live/coalescer.js';
import { RingBuffer } from '../../ui/src/shared/ring-buffer.js';
import { manualScheduler } from '../support/manual-scheduler.js';

describe('coalescing the live stream', () => {
  it('hands on one batch per interval however many frames arrive', () => {
    const clock = manualScheduler();
    const batches: Batch<number>[] = [];
    const c = new Coalescer<number>(500, 250, (b) => batches.push(b), clock.schedule, clock.now);
    c.add([1, 2]);
    clock.advance(0);
    assert.equal(batches.length, 1, 'the first batch after a quiet spell goes out at once');
    for (let i = 0; i < 20; i++) c.add([i]);
    clock.advance(100);
    assert.equal(batches.length, 1);
    assert.equal(clock.armed, 1, 'one timer, not one per frame');
    clock.advance(150);
    assert.equal(batches.length, 2);
    assert.equal(batches[1]!.items.length, 20);
  });

  it('keeps at most its capacity pending and counts the rest as dropped', () => {
    const clock = manualScheduler();
    const batches: Batch<number>[] = [];
    const c = new Coalescer<number>(100, 250, (b) => batches.push(b), clock.schedule, clock.now);
    c.flush();
    for (let frame = 0; frame < 50; frame++) {
      c.add(
        Array.from({ length: 200 }, (_, i) => frame * 200 + i),
        3,
      );
      assert.ok(c.pendingCount <= 200, `never more than 2×capacity held (had ${c.pendingCount})`);
    }
    clock.advance(250);
    const batch = batches.at(-1)!;
    assert.equal(batch.items.length, 100);
    assert.equal(batch.items.at(-1), 50 * 200 - 1, 'the newest items are the ones kept');
    assert.equal(batch.arrived, 50 * 203);
    assert.equal(batch.dropped, 50 * 203 - 100);
  });

  it('stops its timer when disposed', () => {
    const clock = manualScheduler();
    let flushed = 0;
    const c = new Coalescer<number>(10, 250, () => flushed++, clock.schedule, clock.now);
    c.flush();
    c.add([1]);
    c.dispose();
    clock.advance(1000);
    assert.equal(flushed, 1);
  });
});

describe('the bounded event buffer', () => {
  it('keeps the newest items up to its capacity', () => {
    const ring = new RingBuffer<number>(500);
    for (let i = 0; i < 2000; i++) ring.push(i);
    assert.equal(ring.size, 500);
    assert.equal(ring.total, 2000);
    assert.deepEqual(ring.newest(3), [1999, 1998, 1997]);
    assert.equal(ring.toArray()[0], 1500);
  });

  it('refuses a capacity that is not a positive integer', () => {
    assert.throws(() => new RingBuffer(0), RangeError);
  });
});
