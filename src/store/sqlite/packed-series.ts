/**
 * A request series in the shape that crosses from the writer thread: the
 * counts alone, since every bucket start is `first + i × size`: structured
 * clone of point objects costs ~20× as much as of the counts plus rebuilding
 * the points.
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
