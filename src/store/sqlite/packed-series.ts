/**
 * A request series in the shape that crosses from the writer thread: the
 * counts alone, since every bucket start is `first + i × size`. Measured for
 * the 3,600-point second series: structured clone of the point objects
 * ~4.7 ms, of the counts ~0.2 ms, and rebuilding the points ~0.1 ms.
 */
import type { SeriesPoint } from '../store.js';

export interface PackedSeries {
  /** the first bucket's start (ms); meaningless when counts is empty */
  first: number;
  /** bucket length (ms) */
  size: number;
  /** requests per bucket, oldest first */
  counts: number[];
}

export function unpackSeries({ first, size, counts }: PackedSeries): SeriesPoint[] {
  return counts.map((requests, i) => ({ ts: first + i * size, requests }));
}
