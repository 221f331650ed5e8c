import type { Dimension, Window } from '../store/store.js';
import type { RollupDelta } from './deltas.js';
import { SLIDING_WINDOW_NAMES, SLIDING_WINDOWS, type SlidingWindow } from './windows.js';

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

/**
 * Which rollup deltas a window takes, by one rule: a window adds a delta whose
 * bucket (at the window's granularity) is after the window's `expired_through`.
 * Expiry later subtracts exactly the rollup rows of buckets after
 * `expired_through`, so every count added is subtracted once and only once —
 * including late events (bucket already expired: never added, never
 * subtracted) and early ones (bucket ahead of now: added now, subtracted when
 * the window passes it). `all` takes everything and never expires.
 */
export function windowDeltas(deltas: readonly RollupDelta[], expiredThrough: ExpiredThrough): WindowDelta[] {
  const merged = new Map<string, WindowDelta>();
  const add = (delta: RollupDelta, dim: Dimension, win: Window) => {
    const id = `${win}\u001f${delta.serviceId}\u001f${dim}\u001f${delta.key}`;
    const existing = merged.get(id);
    if (existing) existing.requests += delta.requests;
    else merged.set(id, { serviceId: delta.serviceId, dim, win, key: delta.key, requests: delta.requests });
  };
  for (const delta of deltas) {
    if (delta.dim === 'requests') continue;
    const dim = delta.dim;
    // every event is in exactly one minute delta: `all` counts those
    if (delta.res === 'minute') add(delta, dim, 'all');
    for (const win of SLIDING_WINDOW_NAMES) {
      if (SLIDING_WINDOWS[win].granularity !== delta.res) continue;
      const through = expiredThrough.get(win);
      // a window that was never advanced has no expiry point to add against
      if (through === undefined) throw new Error(`window ${win} has not been advanced yet`);
      if (through < delta.bucket) add(delta, dim, win);
    }
  }
  return [...merged.values()];
}
