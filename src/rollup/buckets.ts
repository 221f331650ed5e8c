import type { Resolution } from './vocabulary.js';

/** Bucket sizes in ms. Buckets are aligned to the Unix epoch, so they are UTC (no leap seconds in ms time). */
export const RESOLUTION_MS: Readonly<Record<Resolution, number>> = Object.freeze({
  second: 1_000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
});

/** The start (ms since epoch, UTC) of the bucket at `resolution` that holds `ts`. */
export function bucketStart(resolution: Resolution, ts: number): number {
  const size = RESOLUTION_MS[resolution];
  return Math.floor(ts / size) * size;
}

/** The starts of exactly `count` consecutive buckets, oldest first, the last one holding `now`. */
export function bucketStartsEndingAt(resolution: Resolution, count: number, now: number): number[] {
  const size = RESOLUTION_MS[resolution];
  const last = bucketStart(resolution, now);
  const starts: number[] = new Array(count);
  for (let i = 0; i < count; i++) starts[i] = last - (count - 1 - i) * size;
  return starts;
}
