/**
 * Error rate and p95 duration from the recent events the page holds (≤ 500).
 * The server keeps no rollup of status or duration, so these describe the
 * latest requests only; the headline tooltip says so. Import-free (tested
 * under node).
 */

export interface StatusAndDuration {
  status: number | null;
  duration_ms: number | null;
}

export interface RecentStats {
  /** events that reported a status; the error rate's denominator */
  withStatus: number;
  /** share of those with status ≥ 500, or null when none reported a status */
  errorRate: number | null;
  /** events that reported a duration */
  withDuration: number;
  /** 95th percentile duration in ms (nearest rank), or null when none reported one */
  p95: number | null;
}

export function recentStats(events: readonly StatusAndDuration[]): RecentStats {
  let withStatus = 0;
  let errors = 0;
  const durations: number[] = [];
  for (const e of events) {
    if (typeof e.status === 'number' && e.status > 0) {
      withStatus++;
      if (e.status >= 500) errors++;
    }
    if (typeof e.duration_ms === 'number' && Number.isFinite(e.duration_ms) && e.duration_ms >= 0) {
      durations.push(e.duration_ms);
    }
  }
  return {
    withStatus,
    errorRate: withStatus === 0 ? null : errors / withStatus,
    withDuration: durations.length,
    p95: percentile(durations, 0.95),
  };
}

/** nearest-rank percentile: the smallest value with at least p of the values at or below it */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil(p * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? null;
}
