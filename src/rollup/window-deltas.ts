import { bucketStart } from './buckets.js';
import type { RollupAccumulator } from './deltas.js';
import { type Dimension, WINDOWS, type Window } from './vocabulary.js';
import { SLIDING_WINDOWS, type SlidingWindow } from './windows.js';

/** Counts to add to one materialized window row. */
export interface WindowDelta {
  serviceId: number;
  dim: Dimension;
  win: Window;
  key: string;
  requests: number;
}

/** Per sliding window, the start of the last bucket already subtracted from it. */
export type ExpiredThrough = ReadonlyMap<SlidingWindow, number>;

/** Windows in name order, so the deltas come out in window_counts primary-key order. */
const WINDOW_ORDER = [...WINDOWS].sort();

/**
 * Which counts a window takes, by one rule: a window adds a count whose
 * bucket (at the window's granularity) is after the window's
 * `expired_through`. Expiry later subtracts exactly the rollup rows of
 * buckets after `expired_through`, so every count added is subtracted once
 * and only once — including late events (bucket already expired: never added,
 * never subtracted) and early ones (bucket ahead of now: added now,
 * subtracted when the window passes it). `all` takes everything and never
 * expires. Deltas come out in (service, dim, win, key) order.
 */
export function windowDeltas(accumulator: RollupAccumulator, expiredThrough: ExpiredThrough): WindowDelta[] {
  const deltas: WindowDelta[] = [];
  const thresholds = WINDOW_ORDER.map((win) => {
    if (win === 'all') return { win, granularity: null, after: Number.NEGATIVE_INFINITY };
    const after = expiredThrough.get(win);
    // a window that was never advanced has no expiry point to add against
    if (after === undefined) throw new Error(`window ${win} has not been advanced yet`);
    return { win, granularity: SLIDING_WINDOWS[win].granularity, after };
  });
  for (const { serviceId, dim, values } of accumulator.serviceCounts()) {
    for (const { win, granularity, after } of thresholds) {
      for (const [key, { minutes, counts }] of values) {
        let requests = 0;
        for (let i = 0; i < minutes.length; i++) {
          const minute = minutes[i] as number;
          const bucket = granularity === 'hour' ? bucketStart('hour', minute) : minute;
          if (bucket > after) requests += counts[i] as number;
        }
        if (requests > 0) deltas.push({ serviceId, dim, win, key, requests });
      }
    }
  }
  return deltas;
}
