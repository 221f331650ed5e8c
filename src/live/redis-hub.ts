/**
 * The live hub across processes (TMON_REDIS_URL): every process publishes the
 * events it stored to Redis, and every process's streams receive them from
 * Redis — its own included, so there is one delivery path and no duplicates.
 * Redis pub/sub keeps nothing: a dashboard that was disconnected catches up
 * from the store's snapshot when it reconnects, as with the local hub.
 */
import { Redis } from 'ioredis';
import type { StoredEvent } from '../store/store.js';
import type { LiveHub, LiveListener } from './hub.js';

const CHANNEL_PREFIX = 'tmon:live:';

export interface RedisHubOptions {
  url: string;
  onError(message: string, error?: unknown): void;
}

export async function openRedisHub({ url, onError }: RedisHubOptions): Promise<LiveHub> {
  // a subscribed connection can do nothing else: one to publish, one to listen
  const publisher = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  const subscriber = new Redis(url, { lazyConnect: true });
  for (const [name, connection] of [
    ['publisher', publisher],
    ['subscriber', subscriber],
  ] as const) {
    connection.on('error', (error) => onError(`redis ${name}: ${error.message}`, error));
  }
  await Promise.all([publisher.connect(), subscriber.connect()]);

  const listeners = new Map<number, Set<LiveListener>>();

  subscriber.on('message', (channel: string, message: string) => {
    const serviceId = Number(channel.slice(CHANNEL_PREFIX.length));
    const set = listeners.get(serviceId);
    if (!set) return;
    let events: StoredEvent[];
    try {
      events = JSON.parse(message) as StoredEvent[];
    } catch (error) {
      onError(`redis: unreadable live message on ${channel}`, error);
      return;
    }
    for (const listener of set) {
      try {
        listener(events);
      } catch (error) {
        onError('live listener failed', error);
      }
    }
  });

  return {
    publish(serviceId, events) {
      if (events.length === 0) return;
      // fire and forget: the events are stored already; a lost live frame is caught up by the next snapshot
      publisher.publish(CHANNEL_PREFIX + serviceId, JSON.stringify(events)).catch((error: Error) => {
        onError(`redis publish failed: ${error.message}`, error);
      });
    },

    subscribe(serviceId, listener) {
      let set = listeners.get(serviceId);
      if (!set) {
        set = new Set();
        listeners.set(serviceId, set);
        subscriber.subscribe(CHANNEL_PREFIX + serviceId).catch((error: Error) => {
          onError(`redis subscribe failed: ${error.message}`, error);
        });
      }
      set.add(listener);
      return () => {
        const current = listeners.get(serviceId);
        if (!current) return;
        current.delete(listener);
        if (current.size === 0) {
          listeners.delete(serviceId);
          subscriber.unsubscribe(CHANNEL_PREFIX + serviceId).catch((error: Error) => {
            onError(`redis unsubscribe failed: ${error.message}`, error);
          });
        }
      };
    },

    async close() {
      listeners.clear();
      await Promise.allSettled([publisher.quit(), subscriber.quit()]);
    },
  };
}
