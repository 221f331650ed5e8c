import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Webhook } from 'standardwebhooks';
import { createAlertChannels, isChannelRefusal } from '../../src/alerts/delivery/alert-channels.js';
import { DeliveryWorker } from '../../src/alerts/delivery/delivery-worker.js';
import { createSendDelivery } from '../../src/alerts/delivery/send-delivery.js';
import type { Store } from '../../src/store/store.js';
import { createTempSchema, TEST_DATABASE_URL, type TempPostgresSchema } from '../support/postgres-temp.js';
import { addOwnedService } from '../support/temp-store.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const SECOND = 1_000;
const WORKER_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), '../support/delivery-worker-process.ts');

/** a delivery worker in a process of its own, polling each second; resolves once it polls */
async function startWorkerProcess(temp: TempPostgresSchema): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER_SCRIPT, temp.url, temp.schema], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the worker process exited (${code})`)));
  });
  return child;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** a process's delivery worker on its own store (its own pool: a process as the database sees it) */
function workerOf(store: Store, clock: () => number): DeliveryWorker {
  return new DeliveryWorker({
    store: store.alertChannels,
    clock,
    log: {
      error: (message, error) => {
        throw new Error(`${message}: ${error}`);
      },
    },
    send: createSendDelivery({ clock, allowPrivate: true, smtp: null, userAgent: 'tmon-test', timeoutMs: 5_000 }),
  });
}

if (TEST_DATABASE_URL === undefined) {
  describe('alert deliveries across processes', () => {
    it('is skipped: set TMON_TEST_DATABASE_URL=postgres://… to run it', (t) => {
      t.skip('TMON_TEST_DATABASE_URL is not set');
    });
  });
} else {
  const url = TEST_DATABASE_URL;
  describe('alert deliveries across processes on PostgreSQL', () => {
    let temp: TempPostgresSchema;
    let one: Store;
    let two: Store;
    let receiver: WebhookReceiver;
    let now = Date.now();
    const clock = () => now;

    before(async () => {
      temp = await createTempSchema(url);
      one = await temp.openStore();
      await one.migrate();
      two = await temp.openStore();
      receiver = await startWebhookReceiver();
    });
    after(async () => {
      await receiver.close();
      await temp.drop();
    });

    it('sends each pending delivery once while two processes claim at the same moments', async () => {
      const { service } = await addOwnedService(one.accounts);
      const channels = createAlertChannels({
        store: one.alertChannels,
        services: one.accounts,
        clock,
        wake: () => {},
        publicUrl: null,
      });
      const channel = await channels.create(service.id, { name: 'hook', kind: 'webhook', target: receiver.url() });
      assert.ok(!isChannelRefusal(channel));
      const messageIds = new Set<string>();
      for (let i = 0; i < 30; i++) {
        const delivery = await channels.sendTest(service.id, channel.id);
        assert.ok(!isChannelRefusal(delivery));
        messageIds.add(delivery.messageId);
      }
      const workers = [workerOf(one, clock), workerOf(two, clock)];
      // both claim together, round after round, until nothing is left
      for (let round = 0; round < 10; round++) {
        const sent = await Promise.all(workers.map((worker) => worker.runOnce()));
        if (sent[0] === 0 && sent[1] === 0) break;
      }
      const ids = receiver.received.map((r) => r.headers['webhook-id'] as string);
      assert.equal(ids.length, 30, 'each delivery once');
      assert.deepEqual(new Set(ids), messageIds);
      const verifier = new Webhook(channel.secret as string);
      for (const request of receiver.received) verifier.verify(request.body, request.headers as Record<string, string>);
      const log = await two.alertChannels.deliveryLog(channel.id, 100);
      assert.equal(log.length, 30);
      assert.ok(log.every((d) => d.status === 'delivered' && d.attempts === 1 && d.attemptLog.length === 1));
    });

    it('sends a pending delivery once when two tmon processes poll for it', async () => {
      const [channel] = await one.alertChannels.listChannels((await one.accounts.listServices())[0]?.id ?? 0);
      assert.ok(channel);
      receiver.received.length = 0;
      const children = await Promise.all([startWorkerProcess(temp), startWorkerProcess(temp)]);
      try {
        await one.alertChannels.insertTestDelivery({
          channelId: channel.id,
          messageId: 'msg_two_processes',
          payload: '{"type":"alert.test"}',
          now: Date.now(),
        });
        const until = performance.now() + 5 * SECOND;
        while (receiver.received.length === 0 && performance.now() < until) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        // both have polled twice more since: a second send would have come by now
        await new Promise((resolve) => setTimeout(resolve, 2_500));
        assert.deepEqual(
          receiver.received.map((r) => r.headers['webhook-id']),
          ['msg_two_processes'],
        );
        const [logged] = await one.alertChannels.deliveryLog(channel.id, 1);
        assert.equal(logged?.status, 'delivered');
        assert.equal(logged?.attempts, 1);
      } finally {
        await Promise.all(children.map(stopProcess));
      }
    });

    it('sends a delivery whose process died mid-send again after its lease, with the same webhook-id', async () => {
      const [channel] = await one.alertChannels.listChannels((await one.accounts.listServices())[0]?.id ?? 0);
      assert.ok(channel);
      receiver.received.length = 0;
      const delivery = await one.alertChannels.insertTestDelivery({
        channelId: channel.id,
        messageId: 'msg_died_mid_send',
        payload: '{"type":"alert.test"}',
        now,
      });
      // process one claims it and dies before recording anything
      const claimed = await one.alertChannels.claimDueDeliveries(now, now + 60 * SECOND, 10);
      assert.deepEqual(
        claimed.map((c) => c.delivery.id),
        [delivery.id],
      );
      const survivor = workerOf(two, clock);
      now += 30 * SECOND;
      assert.equal(await survivor.runOnce(), 0, 'the lease holds');
      now += 31 * SECOND;
      assert.equal(await survivor.runOnce(), 1);
      assert.deepEqual(
        receiver.received.map((r) => r.headers['webhook-id']),
        ['msg_died_mid_send'],
      );
      // the dead process's late record (had it only been slow) changes nothing
      assert.equal(
        await one.alertChannels.recordAttempt({
          deliveryId: delivery.id,
          attempt: { attempt: 1, at: now, durationMs: 1, status: 500, answer: null, error: 'late' },
          deliveryStatus: 'pending',
          nextAttemptAt: now + 10 * SECOND,
        }),
        false,
      );
      const [logged] = await one.alertChannels.deliveryLog(channel.id, 1);
      assert.equal(logged?.status, 'delivered');
      assert.equal(logged?.attemptLog.length, 1);
    });
  });
}
