/**
 * The requests series the chart shows, kept live between API fetches: the
 * window slides forward with the clock and each pushed event is counted in
 * its bucket, so the chart moves every frame without re-querying. The API
 * re-syncs it every few seconds (it also counts events the page never saw).
 * Import-free (tested under node).
 */

export type Resolution = 'second' | 'minute' | 'hour' | 'day';

export const BUCKET_MS: Record<Resolution, number> = {
  second: 1_000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

export interface Series {
  resolution: Resolution;
  /** bucket starts, ms, oldest first, evenly spaced */
  ts: number[];
  requests: number[];
}

export function bucketStart(resolution: Resolution, ts: number): number {
  const size = BUCKET_MS[resolution];
  return Math.floor(ts / size) * size;
}

/** slide the window so that its last bucket is the one holding `now`, zero-filling new buckets */
export function advanceSeries(series: Series, now: number): Series {
  const size = BUCKET_MS[series.resolution];
  const last = series.ts[series.ts.length - 1];
  const current = bucketStart(series.resolution, now);
  if (last === undefined || current <= last) return series;
  const steps = Math.round((current - last) / size);
  const n = series.ts.length;
  if (steps >= n) {
    const ts = Array.from({ length: n }, (_, i) => current - (n - 1 - i) * size);
    return { resolution: series.resolution, ts, requests: new Array(n).fill(0) };
  }
  const ts = series.ts.slice(steps);
  const requests = series.requests.slice(steps);
  for (let i = 1; i <= steps; i++) {
    ts.push(last + i * size);
    requests.push(0);
  }
  return { resolution: series.resolution, ts, requests };
}

/** count `n` requests at `ts` if it falls inside the window (mutates: the caller owns the series) */
export function countInSeries(series: Series, ts: number, n = 1): boolean {
  const first = series.ts[0];
  if (first === undefined) return false;
  const index = Math.floor((ts - first) / BUCKET_MS[series.resolution]);
  if (index < 0 || index >= series.ts.length) return false;
  series.requests[index] = (series.requests[index] ?? 0) + n;
  return true;
}
