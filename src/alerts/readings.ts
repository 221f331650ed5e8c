/**
 * What a rule reads, from rollups only: the queries for each rule, and the
 * reading made of their answers. One alertCounts call serves every rule of
 * an evaluation round.
 *
 * A window is the `window_seconds / bucket` buckets ending with the one that
 * holds `now` (the current bucket counts as far as it has come), as the
 * dashboard's sliding windows are.
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

/** The queries a rule needs at `now`; `readingOf` turns their answers (same order) into its reading. */
export function ruleQueries(rule: RuleFields, now: number): AlertCountQuery[] {
  const minutes = readsMinutes(rule.kind, rule.urlPrefix, rule.windowSeconds);
  const res = minutes ? 'minute' : 'second';
  const size = RESOLUTION_MS[res];
  const buckets = Math.ceil((rule.windowSeconds * 1000) / size);
  const span = (shift: number) => {
    const to = bucketStart(res, now - shift);
    return { serviceId: rule.serviceId, res, from: to - (buckets - 1) * size, to } as const;
  };
  const prefix = rule.urlPrefix;
  const requests = (shift: number): AlertCountQuery =>
    prefix === null
      ? { ...span(shift), dim: 'requests', ...ALL_KEYS, byKey: false }
      : // exactly the prefix: no key has a character below U+0001 after it
        { ...span(shift), dim: 'prefix_requests', keyFrom: prefix, keyTo: `${prefix}\u0001`, byKey: false };
  const histogram = (dim: 'status' | 'duration'): AlertCountQuery =>
    prefix === null
      ? { ...span(0), dim, ...ALL_KEYS, byKey: true }
      : {
          ...span(0),
          dim: dim === 'status' ? 'prefix_status' : 'prefix_duration',
          keyFrom: prefix + PREFIX_KEY_SEPARATOR,
          keyTo: `${prefix}${PREFIX_KEY_SEPARATOR}\uffff`,
          byKey: true,
        };
  switch (rule.kind) {
    case 'spike':
    case 'silence':
      return [requests(0)];
    case 'error_share':
      return [histogram('status')];
    case 'p95':
      return [histogram('duration')];
    case 'baseline':
      return [requests(0), ...Array.from({ length: BASELINE_DAYS }, (_, d) => requests((d + 1) * DAY_MS))];
  }
}

/** The reading of a rule from the answers to its ruleQueries, in their order. */
export function readingOf(rule: RuleFields, answers: readonly AlertCountRows[]): RuleReading {
  const total = (i: number) => answers[i]?.[0]?.[1] ?? 0;
  const keyed = (i: number) => {
    const skip = rule.urlPrefix === null ? 0 : rule.urlPrefix.length + PREFIX_KEY_SEPARATOR.length;
    return (answers[i] ?? []).map(([key, n]) => [Number(key.slice(skip)), n] as const);
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
      const rank = Math.ceil(0.95 * requests);
      let seen = 0;
      for (const [bucket, n] of histogram) {
        seen += n;
        if (seen >= rank) return { value: durationBucketUpperBound(bucket), requests, baseline: null };
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
