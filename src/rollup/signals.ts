/**
 * What alert rules read besides the request series: per minute (and hour),
 * requests by status code and by duration, for the whole service and for the
 * URL prefixes its rules watch. These rollup rows are not rankings: they are
 * in no window and no dashboard list.
 *
 * - `status`: key the status code ("503").
 * - `duration`: key a log-scale bucket of duration_ms (durationBucket).
 * - `prefix_requests`: key the prefix; every event whose url starts with it.
 * - `prefix_status`, `prefix_duration`: key `${prefix}\t${status or bucket}`.
 *
 * Prefix rows are counted only for the prefixes a rule watches when the
 * event is rolled up, so a prefix's history starts when its rule exists; a
 * service has at most as many as its rules (100), so they stay bounded.
 */

export type SignalDimension = 'status' | 'duration' | 'prefix_requests' | 'prefix_status' | 'prefix_duration';
export const SIGNAL_DIMENSIONS: readonly SignalDimension[] = [
  'status',
  'duration',
  'prefix_requests',
  'prefix_status',
  'prefix_duration',
];

/** Separates a prefix from the status or bucket in prefix_* keys; rule validation refuses it in a prefix. */
export const PREFIX_KEY_SEPARATOR = '\t';

/**
 * Bucket i holds durations in (GROWTH^(i−1), GROWTH^i] ms (bucket 0: ≤ 1 ms):
 * reading a percentile as its bucket's upper bound overstates it by under
 * 10 %, with ~170 buckets up to 3 hours.
 */
const GROWTH = 1.1;
const LOG_GROWTH = Math.log(GROWTH);

export function durationBucket(durationMs: number): number {
  if (!(durationMs > 1)) return 0;
  return Math.ceil(Math.log(durationMs) / LOG_GROWTH - 1e-9);
}

/** The largest duration (ms) bucket `index` holds. */
export function durationBucketUpperBound(index: number): number {
  return index <= 0 ? 1 : GROWTH ** index;
}

/** Which URL prefixes the rules of each service watch (by service id). */
export interface WatchedPrefixes {
  prefixesOf(serviceId: number): readonly string[];
}

/** Watched prefixes that can be replaced whole (each process refreshes them from its rules). */
export class WatchedPrefixList implements WatchedPrefixes {
  #byService = new Map<number, readonly string[]>();

  prefixesOf(serviceId: number): readonly string[] {
    return this.#byService.get(serviceId) ?? NONE;
  }

  replace(byService: ReadonlyMap<number, readonly string[]>): void {
    const next = new Map<number, readonly string[]>();
    for (const [serviceId, prefixes] of byService) if (prefixes.length > 0) next.set(serviceId, [...new Set(prefixes)]);
    this.#byService = next;
  }
}

const NONE: readonly string[] = Object.freeze([]);
export const NO_WATCHED_PREFIXES: WatchedPrefixes = { prefixesOf: () => NONE };
