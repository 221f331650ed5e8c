import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RefreshThrottle } from '../../ui/src/dashboard/data/refresh-throttle.js';
import { manualScheduler } from '../support/manual-scheduler.js';

/** a refresh the test finishes by hand, counting how many were started */
function manualRefresh() {
  const pending: (() => void)[] = [];
  return {
    refresh: () => new Promise<void>((resolve) => pending.push(resolve)),
    get started() {
      return pending.length;
    },
    /** finish the newest refresh (again, if it already was) and let its `finally` run */
    async finish() {
      pending.at(-1)!();
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

describe('throttling the rankings re-read', () => {
  it('re-reads the first change after a snapshot as soon as the snapshot read ends, not an interval later', async () => {
    const clock = manualScheduler();
    const reads = manualRefresh();
    const throttle = new RefreshThrottle(reads.refresh, 600, clock.schedule, clock.now);
    throttle.now();
    assert.equal(reads.started, 1, 'the snapshot read starts at once');
    clock.advance(50);
    throttle.poke();
    clock.advance(0);
    assert.equal(reads.started, 1, 'never two reads at once');
    clock.advance(100);
    await reads.finish();
    assert.equal(reads.started, 2, 'the change is read right after the snapshot read, 150 ms in, not at 600');
  });

  it('starts one read per interval while changes keep coming', async () => {
    const clock = manualScheduler();
    const reads = manualRefresh();
    const throttle = new RefreshThrottle(reads.refresh, 600, clock.schedule, clock.now);
    throttle.poke();
    clock.advance(0);
    assert.equal(reads.started, 1, 'the first change after a quiet spell is read at once');
    await reads.finish();
    for (let t = 50; t <= 3_000; t += 50) {
      clock.advance(50);
      if (t % 250 === 0) throttle.poke();
      clock.advance(0);
      await reads.finish();
    }
    // pokes every 250 ms for 3 s: reads at 0, 600, 1200, 1800, 2400, 3000
    assert.equal(reads.started, 6);
    assert.ok(clock.armed <= 1, 'one timer, not one per poke');
  });

  it('runs one more read after the one in flight, however often it was asked', async () => {
    const clock = manualScheduler();
    const reads = manualRefresh();
    const throttle = new RefreshThrottle(reads.refresh, 600, clock.schedule, clock.now);
    throttle.now();
    throttle.now();
    throttle.now();
    assert.equal(reads.started, 1);
    await reads.finish();
    assert.equal(reads.started, 2);
    await reads.finish();
    assert.equal(reads.started, 2, 'and no more once it is done');
  });

  it('drops a pending re-read when disposed', () => {
    const clock = manualScheduler();
    const reads = manualRefresh();
    const throttle = new RefreshThrottle(reads.refresh, 600, clock.schedule, clock.now);
    throttle.poke();
    clock.advance(0);
    throttle.poke();
    throttle.dispose();
    clock.advance(1_000);
    assert.equal(reads.started, 1);
  });
});
