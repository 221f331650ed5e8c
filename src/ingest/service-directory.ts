/**
 * Service lookups on the collect path, cached for a few seconds: at thousands
 * of requests per second the same few services are asked for again and again.
 * A rotation made by another process is seen within `ttlMs`; this process's
 * own changes call `forget` and are seen at once.
 */
import { LRUCache } from 'lru-cache';
import type { AccountStore } from '../store/account-store.js';
import type { Service } from '../store/store.js';

export interface ServiceDirectory {
  find(id: number): Promise<Service | null>;
  forget(id: number): void;
}

export function createServiceDirectory(store: Pick<AccountStore, 'findServiceById'>, ttlMs = 5_000): ServiceDirectory {
  // unknown ids are cached too (as null) so a flood of bad wsids does not reach the database
  const cache = new LRUCache<number, { service: Service | null }>({ max: 10_000, ttl: ttlMs });
  return {
    async find(id: number): Promise<Service | null> {
      const hit = cache.get(id);
      if (hit) return hit.service;
      const service = await store.findServiceById(id);
      cache.set(id, { service });
      return service;
    },
    forget(id: number): void {
      cache.delete(id);
    },
  };
}
