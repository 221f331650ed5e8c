/**
 * What a rule reads, from rollups only: the queries for each rule, and the
 * reading made of their answers. One alertCounts call serves every rule of
 * an evaluation round.
 *
 * A window is the last `window_seconds` before now (windowSpan).
 */
import { bucketStart, RESOLUTION_MS } from '../rollup/buckets.js';
import { durationBucketUpperBound, PREFIX_KEY_SEPARATOR } from '../rollup/signals.js';
import { ALL_KEYS, type AlertCountQuery, type AlertCountRows } from '../store/alert-counts.js';
import { type AlertRule, readsMinutes } from './rules.js';

/** The baseline is the mean over those of the previous 7 days with requests in the window: at least this many. */
export const BASELINE_MIN_DAYS = 3;
export const BASELINE_DAYS = 7;
const DAY_MS = 86_400_000;

export interface RuleReading {
  /**
   * spike, silence, baseline: requests in the window; error_share: percent;
   * p95: ms (the upper bound of the histogram bucket holding it, < 10 % above).
   * Null: too few requests (min_requests) or too little history to judge.
   */
  value: number | null;
  /** the requests the value was made of */
  requests: number;
  /** baseline rules: the mean of the same window on the previous days (null: too little history) */
  baseline: number | null;
}

type RuleFields = Pick<AlertRule, 'serviceId' | 'kind' | 'windowSeconds' | 'urlPrefix' | 'errorsFrom' | 'minRequests'>;

/**
 * A window of W seconds ending at `now` covers the bucket holding `now` (as
 * far as it has come), the whole buckets before it, and part of the bucket
 * holding now − W: that one is counted by the share of it inside the window
 * (its requests taken as spread evenly). Two queries per measure: the whole
 * buckets, and that first one.
 */
function windowSpan(rule: RuleFields, now: number) {
  const res = readsMinutes(rule.kind, rule.urlPrefix, rule.windowSeconds) ? 'minute' : 'second';
  const size = RESOLUTION_MS[res];
  const start = now - rule.windowSeconds * 1000;
  const first = bucketStart(res, start);
  return { res, size, first, last: bucketStart(res, now), firstShare: (first + size - start) / size } as const;
}

/** The measures a rule reads, each the sum of a dimension's rows over a window (shifted back by whole days). */
function measures(rule: RuleFields): { dim: 'requests' | 'status' | 'duration'; shift: number }[] {
  switch (rule.kind) {
    case 'spike':
    case 'silence':
      return [{ dim: 'requests', shift: 0 }];
    case 'error_share':
      return [{ dim: 'status', shift: 0 }];
    case 'p95':
      return [{ dim: 'duration', shift: 0 }];
    case 'baseline':
      return Array.from({ length: BASELINE_DAYS + 1 }, (_, d) => ({ dim: 'requests', shift: d * DAY_MS }));
  }
}

/** The queries a rule needs at `now`; `readingOf` turns their answers (same order) into its reading. */
export function ruleQueries(rule: RuleFields, now: number): AlertCountQuery[] {
  const { res, size, first, last } = windowSpan(rule, now);
  const prefix = rule.urlPrefix;
  const queries: AlertCountQuery[] = [];
  for (const { dim, shift } of measures(rule)) {
    const keys: Pick<AlertCountQuery, 'dim' | 'keyFrom' | 'keyTo' | 'byKey'> =
      dim === 'requests'
        ? prefix === null
          ? { dim, ...ALL_KEYS, byKey: false }
          : // exactly the prefix: no key has a character below U+0001 after it
            { dim: 'prefix_requests', keyFrom: prefix, keyTo: `${prefix}\u0001`, byKey: false }
        : prefix === null
          ? { dim, ...ALL_KEYS, byKey: true }
          : {
              dim: dim === 'status' ? 'prefix_status' : 'prefix_duration',
              keyFrom: prefix + PREFIX_KEY_SEPARATOR,
              keyTo: `${prefix}${PREFIX_KEY_SEPARATOR}\uffff`,
              byKey: true,
            };
    const base = { serviceId: rule.serviceId, res, ...keys };
    queries.push(
      { ...base, from: first + size - shift, to: last - shift },
      { ...base, from: first - shift, to: first - shift },
    );
  }
  return queries;
}

/** The reading of a rule at `now` from the answers to its ruleQueries, in their order. */
export function readingOf(rule: RuleFields, answers: readonly AlertCountRows[], now: number): RuleReading {
  const { firstShare } = windowSpan(rule, now);
  const skip = rule.urlPrefix === null ? 0 : rule.urlPrefix.length + PREFIX_KEY_SEPARATOR.length;
  /** measure m: a total, or counts by numeric key (status, duration bucket) */
  const total = (m: number) => (answers[2 * m]?.[0]?.[1] ?? 0) + firstShare * (answers[2 * m + 1]?.[0]?.[1] ?? 0);
  const keyed = (m: number) => {
    const counts = new Map<number, number>();
    for (const [rows, weight] of [
      [answers[2 * m] ?? [], 1],
      [answers[2 * m + 1] ?? [], firstShare],
    ] as const) {
      for (const [key, n] of rows) {
        const k = Number(key.slice(skip));
        counts.set(k, (counts.get(k) ?? 0) + weight * n);
      }
    }
    return [...counts];
  };
  switch (rule.kind) {
    case 'spike':
    case 'silence': {
      const requests = total(0);
      return { value: requests, requests, baseline: null };
    }
    case 'error_share': {
      let requests = 0;
      let errors = 0;
      for (const [status, n] of keyed(0)) {
        requests += n;
        if (status >= rule.errorsFrom) errors += n;
      }
      const enough = requests > 0 && requests >= rule.minRequests;
      return { value: enough ? (100 * errors) / requests : null, requests, baseline: null };
    }
    case 'p95': {
      const histogram = keyed(0).sort((a, b) => a[0] - b[0]);
      const requests = histogram.reduce((sum, [, n]) => sum + n, 0);
      if (requests === 0 || requests < rule.minRequests) return { value: null, requests, baseline: null };
      // the smallest bucket with at least 95 % of the requests at or below it
      const rank = 0.95 * requests;
      let seen = 0;
      for (const [bucket, n] of histogram) {
        seen += n;
        if (seen >= rank - 1e-9) return { value: durationBucketUpperBound(bucket), requests, baseline: null };
      }
      return { value: null, requests, baseline: null };
    }
    case 'baseline': {
      const requests = total(0);
      const days = Array.from({ length: BASELINE_DAYS }, (_, d) => total(d + 1)).filter((n) => n > 0);
      const baseline = days.length >= BASELINE_MIN_DAYS ? days.reduce((a, b) => a + b, 0) / days.length : null;
      const enough = baseline !== null && requests >= rule.minRequests;
      return { value: enough ? requests : null, requests, baseline };
    }
  }
}
