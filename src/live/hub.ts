import type { StoredEvent } from '../store/store.js';

export type LiveListener = (events: readonly StoredEvent[]) => void;

/**
 * Carries freshly stored events to the live streams. The local hub serves one
 * process; a Redis hub (TMON_REDIS_URL) carries them between processes.
 */
export interface LiveHub {
  publish(serviceId: number, events: readonly StoredEvent[]): void;
  /** returns the unsubscribe function */
  subscribe(serviceId: number, listener: LiveListener): () => void;
  close(): Promise<void>;
}
