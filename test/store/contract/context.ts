import { afterEach, beforeEach } from 'node:test';
import type { EnrichedEvent } from '../../../src/enrich/enriched-event.js';
import type { AccountStore } from '../../../src/store/account-store.js';
import type { EventStore } from '../../../src/store/event-store.js';
import type { EventWrite, Service, Store, User } from '../../../src/store/store.js';
import { T0 } from '../../support/temp-store.js';

export type OpenStore = () => Promise<{ store: Store; cleanup(): Promise<void> }>;

export interface Context {
  /** the whole store, for what concerns both halves (migrations) */
  store: Store;
  accounts: AccountStore;
  events: EventStore;
  user: User;
  service: Service;
}

/**
 * Gives each test a fresh store with one user (`ann`) owning one service
 * (`shop`). Read the context inside the test, after beforeEach ran.
 */
export function useStore(open: OpenStore): () => Context {
  let context: Context | null = null;
  let cleanup: (() => Promise<void>) | null = null;
  beforeEach(async () => {
    const opened = await open();
    cleanup = opened.cleanup;
    const { accounts, events } = opened.store;
    const user = await accounts.createUser({ name: 'ann', passwordHash: 'hash-ann', admin: false, now: T0 });
    const service = await accounts.createService({
      name: 'shop',
      ownerId: user.id,
      secret: 'a'.repeat(32),
      now: T0,
    });
    context = { store: opened.store, accounts, events, user, service };
  });
  afterEach(async () => {
    await cleanup?.();
    context = null;
    cleanup = null;
  });
  return () => {
    if (!context) throw new Error('the store is only open inside a test');
    return context;
  };
}

/** A write without replay protection (Gen 1/2 requests). */
export function plainWrite(serviceId: number, events: EnrichedEvent[]): EventWrite {
  return { serviceId, events, replayKey: null, replayKeyExpiresAt: null };
}

/** pruneRollups with no bound on the rows: everything prunable goes in one call */
export const ALL_ROWS = Number.MAX_SAFE_INTEGER;

export const SECOND = 1_000;
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** A small seeded PRNG (mulberry32), so randomized tests replay exactly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
