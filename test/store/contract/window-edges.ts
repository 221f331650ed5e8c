import type { Window } from '../../../src/store/store.js';
import { HOUR, MINUTE } from './context.js';

/** The rollup resolution each window is counted in: hours for 7d and 30d, minutes for the others. */
export function granularityMs(window: Window): number {
  return window === '7d' || window === '30d' ? HOUR : MINUTE;
}

export function bucketFor(window: Window, ts: number): number {
  const size = granularityMs(window);
  return Math.floor(ts / size) * size;
}

/** The first bucket a window read at `now` holds: it ends with the bucket holding `now`. */
export function windowStartFor(window: Window, now: number): number {
  const buckets = { '5m': 5, '10m': 10, '1h': 60, '24h': 1_440, '7d': 168, '30d': 720, all: Number.POSITIVE_INFINITY };
  if (window === 'all') return Number.NEGATIVE_INFINITY;
  return bucketFor(window, now) - (buckets[window] - 1) * granularityMs(window);
}
