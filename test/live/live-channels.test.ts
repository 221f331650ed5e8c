/** LiveChannels: one channel per watched service, shared by its streams, closed when the last leaves. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LiveChannels } from '../../src/live/live-channels.js';
import { createLocalHub } from '../../src/live/local-hub.js';
import type { StoredEvent } from '../../src/store/store.js';
import { FakeClock } from '../support/fake-clock.js';
import { makeEvent, T0 } from '../support/temp-store.js';

const stored = (seq: number): StoredEvent => ({
  ...makeEvent({ url: `/e/${seq}` }),
  seq,
  serviceId: 1,
  receivedAt: T0,
});

describe('LiveChannels', () => {
  it('leaving twice does not close the channel a later stream of the same service opened', async () => {
    const hub = createLocalHub((error) => assert.fail(String(error)));
    const channels = new LiveChannels(hub, new FakeClock(T0).read);
    try {
      const leaveFirst = channels.join(1, () => {});
      leaveFirst(); // the last sink left: the channel closes
      const frames: number[][] = [];
      channels.join(1, (frame) => frames.push(frame.events.map((e) => e.seq)));
      leaveFirst(); // again, e.g. once on an error and once when the connection closes
      hub.publish(1, [stored(7)]);
      // the open channel is still the service's: its counts are what a new stream's snapshot shows
      assert.equal(channels.counts(1).lastMinute, 1);
      await new Promise((resolve) => setTimeout(resolve, 300)); // one frame interval
      assert.deepEqual(frames.flat(), [7]);
    } finally {
      channels.closeAll();
    }
  });
});
