/**
 * A delivery worker on a real temp store, driven by hand: a fake clock
 * that starts at the real time (receivers verify signatures against their
 * own clock), channels made through the channels module, and a run() that
 * sends what is due.
 */
import assert from 'node:assert/strict';
import { type AlertChannels, createAlertChannels, isChannelRefusal } from '../../src/alerts/delivery/alert-channels.js';
import { DeliveryWorker } from '../../src/alerts/delivery/delivery-worker.js';
import { createSendDelivery } from '../../src/alerts/delivery/send-delivery.js';
import { createSmtpSender, type SmtpSender } from '../../src/alerts/delivery/smtp-sender.js';
import { generateMessageId } from '../../src/alerts/delivery/standard-webhooks.js';
import { buildNotification, type Notification } from '../../src/alerts/notification.js';
import type { AlertChannelWithSecret, LoggedDelivery } from '../../src/store/alert-channel-store.js';
import type { Service, Store } from '../../src/store/store.js';
import { FakeClock } from './fake-clock.js';
import { addOwnedService, withTempSqliteStore } from './temp-store.js';

export interface Harness {
  store: Store;
  service: Service;
  clock: FakeClock;
  channels: AlertChannels;
  worker: DeliveryWorker;
  errors: unknown[];
  /** a channel, or the test fails */
  addChannel(kind: string, target: string, name?: string): Promise<AlertChannelWithSecret>;
  /** a pending delivery of a fired notification, due now */
  queueFired(channelId: number): Promise<{ deliveryId: number; notification: Notification; payload: string }>;
  log(channelId: number): Promise<LoggedDelivery[]>;
  close(): Promise<void>;
}

export async function startHarness(
  options: {
    allowPrivate?: boolean;
    smtp?: { url: string; from: string };
    timeoutMs?: number;
    /** TMON_PUBLIC_URL as config.ts gives it (https://tmon.example.com unless said; null: unset) */
    publicUrl?: string | null;
  } = {},
): Promise<Harness> {
  const publicUrl = options.publicUrl === undefined ? 'https://tmon.example.com' : options.publicUrl;
  const temp = await withTempSqliteStore();
  const { store } = temp;
  const { service } = await addOwnedService(store.accounts);
  const clock = new FakeClock(Date.now());
  const smtp: SmtpSender | null = options.smtp ? createSmtpSender(options.smtp, options.timeoutMs) : null;
  const errors: unknown[] = [];
  const worker = new DeliveryWorker({
    store: store.alertChannels,
    clock: clock.read,
    log: { error: (message, error) => errors.push([message, error]) },
    send: createSendDelivery({
      clock: clock.read,
      allowPrivate: options.allowPrivate ?? true,
      smtp,
      userAgent: 'tmon-test',
      timeoutMs: options.timeoutMs,
    }),
  });
  const channels = createAlertChannels({
    store: store.alertChannels,
    services: store.accounts,
    clock: clock.read,
    wake: () => worker.wake(),
    publicUrl,
  });
  return {
    store,
    service,
    clock,
    channels,
    worker,
    errors,
    async addChannel(kind, target, name = `${kind} channel`) {
      const created = await channels.create(service.id, { name, kind, target });
      assert.ok(!isChannelRefusal(created), JSON.stringify(created));
      return created;
    },
    async queueFired(channelId) {
      const notification = buildNotification({
        kind: 'fired',
        at: clock.now,
        service: { id: service.id, name: service.name },
        rule: { id: 7, name: 'traffic spike', kind: 'spike', urlPrefix: '/api', windowSeconds: 300, threshold: 1000 },
        value: 1240,
        message: 'shop: 1,240 requests in 5 min, above 1,000 (spike rule "traffic spike")',
        publicUrl,
      });
      const payload = JSON.stringify(notification);
      const delivery = await store.alertChannels.insertTestDelivery({
        channelId,
        messageId: generateMessageId(),
        payload,
        now: clock.now,
      });
      return { deliveryId: delivery.id, notification, payload };
    },
    log: (channelId) => store.alertChannels.deliveryLog(channelId, 100),
    async close() {
      await worker.stop();
      smtp?.close();
      await temp.cleanup();
    },
  };
}
