import { bucketStart, RESOLUTION_MS } from './buckets.js';
import type { Resolution, Window } from './vocabulary.js';

/** A window that slides: the bucket holding `now` and the `buckets − 1` whole buckets before it. */
export interface SlidingWindowSpec {
  granularity: Extract<Resolution, 'minute' | 'hour'>;
  buckets: number;
}

export type SlidingWindow = Exclude<Window, 'all'>;

/**
 * 5m … 24h slide by the minute, 7d and 30d by the hour: the rollups kept for
 * expiry are then minute rows for 24 h (1,440 buckets) and hour rows for 30 days
 * (720 buckets), instead of 43,200 minute buckets for 30 days.
 */
export const SLIDING_WINDOWS: Readonly<Record<SlidingWindow, SlidingWindowSpec>> = Object.freeze({
  '5m': { granularity: 'minute', buckets: 5 },
  '10m': { granularity: 'minute', buckets: 10 },
  '1h': { granularity: 'minute', buckets: 60 },
  '24h': { granularity: 'minute', buckets: 1_440 },
  '7d': { granularity: 'hour', buckets: 168 },
  '30d': { granularity: 'hour', buckets: 720 },
});

export const SLIDING_WINDOW_NAMES = Object.keys(SLIDING_WINDOWS) as SlidingWindow[];

export function isSlidingWindow(window: Window): window is SlidingWindow {
  return window !== 'all';
}

/** The first bucket start that is inside `window` at `now`. */
export function windowStart(window: SlidingWindow, now: number): number {
  const spec = SLIDING_WINDOWS[window];
  return bucketStart(spec.granularity, now) - (spec.buckets - 1) * RESOLUTION_MS[spec.granularity];
}

/** The window's nominal length in ms (null for `all`), for queries on raw events. */
export function windowLengthMs(window: Window): number | null {
  if (!isSlidingWindow(window)) return null;
  const spec = SLIDING_WINDOWS[window];
  return spec.buckets * RESOLUTION_MS[spec.granularity];
}
