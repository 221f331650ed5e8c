import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { EnrichedEvent } from '../../src/enrich/enriched-event.js';
import type { AccountStore } from '../../src/store/account-store.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Service, Store, User } from '../../src/store/store.js';
import { openWorkerSqliteStore } from '../../src/store/worker/worker-store.js';

export interface TempStore {
  store: Store;
  dataDir: string;
  cleanup(): Promise<void>;
}

/** A migrated SQLite store in a fresh directory under the OS temp dir; cleanup closes it and removes the directory. */
export function withTempSqliteStore(): Promise<TempStore> {
  return withTempStore((dataDir) => openSqliteStore({ dataDir }));
}

/** The same, through the writer thread as the server opens it (worker-store.ts). */
export function withTempWorkerStore(): Promise<TempStore> {
  return withTempStore((dataDir) => openWorkerSqliteStore({ dataDir, writesEvents: true }));
}

async function withTempStore(open: (dataDir: string) => Promise<Store>): Promise<TempStore> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tmon-store-'));
  const store = await open(dataDir);
  await store.migrate();
  return {
    store,
    dataDir,
    async cleanup() {
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** 2025-11-24T12:00:00.000Z: a fixed, minute- and hour-aligned instant for tests. */
export const T0 = Date.UTC(2025, 10, 24, 12, 0, 0);

/** The user `ann` and her service `shop`, made at T0: what most store tests write events into. */
export async function addOwnedService(accounts: AccountStore): Promise<{ user: User; service: Service }> {
  const user = await accounts.createUser({ name: 'ann', passwordHash: 'h', admin: false, now: T0 });
  const service = await accounts.createService({ name: 'shop', ownerId: user.id, secret: 'a'.repeat(32), now: T0 });
  return { user, service };
}

export type EventOverrides = Partial<Omit<EnrichedEvent, 'geo' | 'agent'>> & {
  geo?: Partial<NonNullable<EnrichedEvent['geo']>> | null;
  agent?: Partial<EnrichedEvent['agent']>;
};

/**
 * A realistic enriched event (Chrome on Windows in Berlin, at T0), with any
 * field overridden; `geo: null` makes an event from a private address.
 */
export function makeEvent(overrides: EventOverrides = {}): EnrichedEvent {
  const { geo, agent, ...rest } = overrides;
  return {
    url: '/products/42',
    ip: '93.184.216.34',
    useragent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    username: null,
    ts: T0,
    method: 'GET',
    status: 200,
    durationMs: 12,
    referrer: null,
    id: null,
    extra: null,
    ...rest,
    geo:
      geo === null
        ? null
        : {
            country: 'DE',
            countryName: 'Germany',
            region: 'Berlin',
            city: 'Berlin',
            lat: 52.52,
            lng: 13.405,
            ...geo,
          },
    agent: {
      browser: 'Chrome',
      browserVersion: '131',
      os: 'Windows',
      osVersion: '10',
      device: 'desktop',
      vendor: null,
      model: null,
      bot: false,
      ...agent,
    },
  };
}
