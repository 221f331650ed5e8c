/**
 * The delivery side of alerts as a process runs it: the SMTP sender when
 * e-mail is set up, the worker that sends due deliveries, and the channels
 * module the API uses, wired to that worker so a test send goes out at once.
 */
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import { packageVersion } from '../../package-version.js';
import type { AccountStore } from '../../store/account-store.js';
import type { AlertChannelStore } from '../../store/alert-channel-store.js';
import { type AlertChannels, createAlertChannels } from './alert-channels.js';
import { DeliveryWorker } from './delivery-worker.js';
import { createSendDelivery } from './send-delivery.js';
import { createSmtpSender } from './smtp-sender.js';

export interface AlertDeliveries {
  channels: AlertChannels;
  /** wake() it when a transition was recorded, so its deliveries leave before the next poll */
  worker: DeliveryWorker;
  stop(): Promise<void>;
}

export function startAlertDeliveries(deps: {
  config: Pick<Config, 'alertPrivateTargets' | 'smtpUrl' | 'smtpFrom' | 'publicUrl'>;
  store: AlertChannelStore;
  accounts: Pick<AccountStore, 'findServiceById'>;
  clock: Clock;
  log: { error(message: string, error?: unknown): void };
}): AlertDeliveries {
  const { config, clock } = deps;
  const smtp =
    config.smtpUrl !== null && config.smtpFrom !== null
      ? createSmtpSender({ url: config.smtpUrl, from: config.smtpFrom })
      : null;
  const send = createSendDelivery({
    clock,
    allowPrivate: config.alertPrivateTargets,
    smtp,
    userAgent: `tmon/${packageVersion()} (alerts)`,
  });
  const worker = new DeliveryWorker({ store: deps.store, send, clock, log: deps.log });
  worker.start();
  const channels = createAlertChannels({
    store: deps.store,
    services: deps.accounts,
    clock,
    wake: () => worker.wake(),
    publicUrl: config.publicUrl,
  });
  return {
    channels,
    worker,
    async stop() {
      await worker.stop();
      smtp?.close();
    },
  };
}
