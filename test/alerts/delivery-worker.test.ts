import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DELIVERY_LOG_MS, DeliveryWorker } from '../../src/alerts/delivery/delivery-worker.js';
import { createSendDelivery } from '../../src/alerts/delivery/send-delivery.js';
import { startHarness } from '../support/alert-delivery-harness.js';
import { withTempSqliteStore } from '../support/temp-store.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';

async function settle(worker: DeliveryWorker): Promise<void> {
  // wake() starts a round without waiting for it; stop() waits for the round under way
  await new Promise((resolve) => setTimeout(resolve, 50));
  await worker.stop();
}

describe('the delivery worker', () => {
  it('logs a store it cannot reach once, not on every poll', async () => {
    const temp = await withTempSqliteStore();
    await temp.store.close();
    const logged: string[] = [];
    const clock = () => Date.now();
    const worker = new DeliveryWorker({
      store: temp.store.alertChannels,
      clock,
      log: { error: (message) => logged.push(message) },
      send: createSendDelivery({ clock, allowPrivate: false, smtp: null, userAgent: 'tmon-test' }),
    });
    for (let i = 0; i < 5; i++) {
      worker.wake();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await settle(worker);
    assert.deepEqual(logged, ['sending alert deliveries failed (will retry each second)']);
    await temp.cleanup();
  });

  it('sends everything due when woken, in rounds of ten, and a wake during a round runs another', async () => {
    const receiver = await startWebhookReceiver();
    const h = await startHarness({ allowPrivate: true });
    try {
      const channel = await h.addChannel('webhook', receiver.url());
      for (let i = 0; i < 25; i++) await h.queueFired(channel.id);
      h.worker.wake();
      h.worker.wake();
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(receiver.received.length, 25);
      assert.equal(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size, 25);
      // one more, due while no round runs: the next wake sends it
      await h.queueFired(channel.id);
      h.worker.wake();
      await settle(h.worker);
      assert.equal(receiver.received.length, 26);
    } finally {
      await h.close();
      await receiver.close();
    }
  });

  it('deletes deliveries settled more than 30 days ago, once an hour, and keeps newer ones', async () => {
    const receiver = await startWebhookReceiver();
    const h = await startHarness({ allowPrivate: true });
    try {
      const channel = await h.addChannel('webhook', receiver.url());
      await h.queueFired(channel.id);
      await h.worker.runOnce();
      h.clock.advance(DELIVERY_LOG_MS);
      await h.queueFired(channel.id);
      await h.worker.runOnce();
      assert.equal(await h.worker.pruneLog(h.clock.now), 0, 'the first is 30 days old to the ms, not older');
      h.clock.advance(1);
      assert.equal(await h.worker.pruneLog(h.clock.now), 1);
      assert.equal((await h.log(channel.id)).length, 1);
      // the running worker prunes by itself on its first round
      h.clock.advance(DELIVERY_LOG_MS);
      h.worker.wake();
      await settle(h.worker);
      assert.deepEqual(await h.log(channel.id), []);
    } finally {
      await h.close();
      await receiver.close();
    }
  });
});
