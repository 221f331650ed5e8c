/**
 * A service's alert channels, as the API and CLI use them: create (a
 * webhook's secret is made here and shown in this one answer), list
 * (never a secret), edit, remove, send a test, read the delivery log.
 * Input that breaks a rule gets a Refusal naming it, and nothing is stored.
 */
import type { Clock } from '../../clock.js';
import type { ApiErrorCode } from '../../errors/catalogue.js';
import { isRefusal, refuse } from '../../errors/refusal.js';
import type { AccountStore } from '../../store/account-store.js';
import type {
  AlertChannel,
  AlertChannelStore,
  AlertChannelWithSecret,
  AlertDelivery,
  LoggedDelivery,
} from '../../store/alert-channel-store.js';
import { buildTestNotification } from '../notification.js';
import { type ChannelRefusal, checkChannelName, checkChannelTarget, checkNewChannel } from './channel-input.js';
import { generateMessageId, generateWebhookSecret } from './standard-webhooks.js';

/** channels one service may have: each is a send per transition, and a list the admin page shows whole */
export const MAX_CHANNELS_PER_SERVICE = 20;
/** deliveries a log shows at most */
export const MAX_LOG_DELIVERIES = 100;

export interface AlertChannelsDeps {
  store: AlertChannelStore;
  services: Pick<AccountStore, 'findServiceById'>;
  clock: Clock;
  /** tells this process's delivery worker that something is due now */
  wake(): void;
  /** where tmon is reached from outside, for the dashboard link in a test notification; null when unknown */
  publicUrl: string | null;
}

export interface AlertChannels {
  create(
    serviceId: number,
    input: { name: unknown; kind: unknown; target: unknown },
  ): Promise<AlertChannelWithSecret | ChannelRefusal>;
  list(serviceId: number): Promise<AlertChannel[]>;
  update(
    serviceId: number,
    channelId: number,
    input: { name?: unknown; target?: unknown },
  ): Promise<AlertChannel | ChannelRefusal>;
  remove(serviceId: number, channelId: number): Promise<true | ChannelRefusal>;
  sendTest(serviceId: number, channelId: number): Promise<AlertDelivery | ChannelRefusal>;
  deliveryLog(serviceId: number, channelId: number, limit?: number): Promise<LoggedDelivery[] | ChannelRefusal>;
}

export function isChannelRefusal(value: unknown): value is ChannelRefusal {
  return isRefusal<ApiErrorCode>(value);
}

export function createAlertChannels(deps: AlertChannelsDeps): AlertChannels {
  const { store } = deps;

  /** the channel when it belongs to the service: another service's channel is as unknown as none */
  async function channelOf(serviceId: number, channelId: number): Promise<AlertChannel | ChannelRefusal> {
    const channel = await store.findChannel(channelId);
    if (channel === null || channel.serviceId !== serviceId) {
      return refuse('not_found', `service ${serviceId} has no channel with id ${channelId}`);
    }
    return channel;
  }

  return {
    async create(serviceId, input) {
      const fields = checkNewChannel(input);
      if (isChannelRefusal(fields)) return fields;
      // counted, then inserted: two processes creating at the same instant may pass the cap by one each
      const count = await store.countChannels(serviceId);
      if (count >= MAX_CHANNELS_PER_SERVICE) {
        return refuse(
          'conflict',
          `service ${serviceId} has ${count} channels, the most a service may have: remove one first`,
        );
      }
      return store.createChannel({
        serviceId,
        ...fields,
        secret: fields.kind === 'webhook' ? generateWebhookSecret() : null,
        now: deps.clock(),
      });
    },

    list: (serviceId) => store.listChannels(serviceId),

    async update(serviceId, channelId, input) {
      const channel = await channelOf(serviceId, channelId);
      if (isChannelRefusal(channel)) return channel;
      const name = input.name === undefined ? channel.name : checkChannelName(input.name);
      if (typeof name !== 'string') return name;
      const target = input.target === undefined ? channel.target : checkChannelTarget(channel.kind, input.target);
      if (typeof target !== 'string') return target;
      return (
        (await store.updateChannel(channelId, { name, target })) ??
        refuse('not_found', `no channel with id ${channelId}`)
      );
    },

    async remove(serviceId, channelId) {
      const channel = await channelOf(serviceId, channelId);
      if (isChannelRefusal(channel)) return channel;
      await store.removeChannel(channelId);
      return true;
    },

    async sendTest(serviceId, channelId) {
      const channel = await channelOf(serviceId, channelId);
      if (isChannelRefusal(channel)) return channel;
      const service = await deps.services.findServiceById(serviceId);
      if (service === null) return refuse('not_found', `no service with id ${serviceId}`);
      const now = deps.clock();
      const notification = buildTestNotification({
        at: now,
        service: { id: service.id, name: service.name },
        channelName: channel.name,
        publicUrl: deps.publicUrl,
      });
      const delivery = await store.insertTestDelivery({
        channelId,
        messageId: generateMessageId(),
        payload: JSON.stringify(notification),
        now,
      });
      deps.wake();
      return delivery;
    },

    async deliveryLog(serviceId, channelId, limit = MAX_LOG_DELIVERIES) {
      const channel = await channelOf(serviceId, channelId);
      if (isChannelRefusal(channel)) return channel;
      return store.deliveryLog(channelId, Math.max(1, Math.min(limit, MAX_LOG_DELIVERIES)));
    },
  };
}
