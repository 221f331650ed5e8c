/**
 * The store of @fastify/rate-limit's counts with TMON_REDIS_URL: in Redis, so
 * login limits hold across processes — and in this process while Redis
 * cannot be reached, so logins go on being answered and limited through a
 * Redis outage instead of failing. The plugin's own
 * `skipOnError` would let every attempt through instead. The switch is
 * logged once each way, and Redis is tried again by itself.
 */
import { createRequire } from 'node:module';
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor, RateLimitOptions } from '@fastify/rate-limit';
import type { Redis } from 'ioredis';

type Counts = { current: number; ttl: number };
type CountsCallback = (error: Error | null, result?: Counts) => void;

/** what the plugin's own two stores have in common (they ship without types of their own) */
interface CountStore {
  incr(key: string, callback: CountsCallback, timeWindow: number, max: number): void;
  child(routeOptions: unknown): CountStore;
}

// the plugin's stores, reused rather than copied: its Redis Lua script and its local LRU
const require = createRequire(import.meta.url);
const RedisStore = require('@fastify/rate-limit/store/RedisStore.js') as new (
  continueExceeding: boolean,
  exponentialBackoff: boolean,
  redis: Redis,
) => CountStore;
const LocalStore = require('@fastify/rate-limit/store/LocalStore.js') as new (
  continueExceeding: boolean,
  exponentialBackoff: boolean,
) => CountStore;

/**
 * After Redis failed, counts stay in this process this long before Redis is
 * tried again: a login then never waits on a Redis that is down (a stalled
 * one costs its command timeout once per 5 s, not on every attempt).
 */
export const RETRY_REDIS_AFTER_MS = 5_000;

/** both switches are warnings: the end of a degraded state belongs beside its start in a log filtered to warn */
export interface RateLimitStoreLog {
  warn(message: string): void;
}

/** Where counts go now, shared by a store and its children, so the switch is seen and logged once. */
class CountingPlace {
  /** when Redis last failed; null while counts go to Redis */
  #failedAt: number | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly log: RateLimitStoreLog,
  ) {}

  /** Redis when it is connected and has not failed in the last RETRY_REDIS_AFTER_MS (real time, as the plugin's windows). */
  useRedis(): boolean {
    if (this.redis.status !== 'ready') {
      // reconnecting (or not yet connected): a command would wait for the connection
      this.failed(`Redis is ${this.redis.status}`);
      return false;
    }
    return this.#failedAt === null || Date.now() - this.#failedAt >= RETRY_REDIS_AFTER_MS;
  }

  failed(reason: string): void {
    if (this.#failedAt === null) {
      this.log.warn(
        `rate limits: Redis cannot be reached (${reason}); login attempts are counted in this process ` +
          'until it answers, so the limits hold per process instead of across all of them',
      );
    }
    this.#failedAt = Date.now();
  }

  succeeded(): void {
    if (this.#failedAt === null) return;
    this.#failedAt = null;
    this.log.warn('rate limits: Redis answers again; login attempts are counted across processes again');
  }
}

class RedisWithLocalFallback implements CountStore, FastifyRateLimitStore {
  constructor(
    private readonly place: CountingPlace,
    private readonly shared: CountStore,
    private readonly local: CountStore,
  ) {}

  incr(key: string, callback: CountsCallback, timeWindow: number, max: number): void {
    if (!this.place.useRedis()) {
      this.local.incr(key, callback, timeWindow, max);
      return;
    }
    this.shared.incr(
      key,
      (error, counts) => {
        if (error) {
          this.place.failed(error.message);
          this.local.incr(key, callback, timeWindow, max);
          return;
        }
        this.place.succeeded();
        callback(null, counts);
      },
      timeWindow,
      max,
    );
  }

  child(routeOptions: unknown): RedisWithLocalFallback {
    return new RedisWithLocalFallback(this.place, this.shared.child(routeOptions), this.local.child(routeOptions));
  }
}

/** The plugin's `store` option: a class, which the plugin constructs with its merged options. */
export function redisWithLocalFallback(redis: Redis, log: RateLimitStoreLog): FastifyRateLimitStoreCtor {
  const place = new CountingPlace(redis, log);
  return class extends RedisWithLocalFallback {
    // the plugin passes its merged options; its types declare them as an empty interface
    constructor({ continueExceeding = false, exponentialBackoff = false }: RateLimitOptions) {
      super(
        place,
        new RedisStore(continueExceeding, exponentialBackoff, redis),
        new LocalStore(continueExceeding, exponentialBackoff),
      );
    }
  };
}
