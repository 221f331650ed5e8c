import type { StoredEvent } from '../store/store.js';
import type { LiveHub, LiveListener } from './hub.js';

/** In-process fan-out: publish calls each subscriber of the service synchronously. */
export function createLocalHub(onListenerError: (error: unknown) => void): LiveHub {
  const listeners = new Map<number, Set<LiveListener>>();

  return {
    publish(serviceId: number, events: readonly StoredEvent[]): void {
      const set = listeners.get(serviceId);
      if (!set || events.length === 0) return;
      for (const listener of set) {
        try {
          listener(events);
        } catch (error) {
          // one broken stream must not stop the others or the ingest path
          onListenerError(error);
        }
      }
    },

    subscribe(serviceId: number, listener: LiveListener): () => void {
      let set = listeners.get(serviceId);
      if (!set) {
        set = new Set();
        listeners.set(serviceId, set);
      }
      set.add(listener);
      return () => {
        const current = listeners.get(serviceId);
        current?.delete(listener);
        if (current?.size === 0) listeners.delete(serviceId);
      };
    },

    async close(): Promise<void> {
      listeners.clear();
    },
  };
}
