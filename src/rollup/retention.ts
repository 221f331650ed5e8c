import { RESOLUTION_MS } from './buckets.js';
import type { Resolution } from './vocabulary.js';

const HOUR = RESOLUTION_MS.hour;
const DAY = RESOLUTION_MS.day;

/**
 * How long rollup buckets are kept. Each is longer than anything that reads
 * it: second rows serve series of at most 3,600 s; minute rows serve series and
 * the expiry of windows up to 24 h (events may arrive 24 h late); hour rows of
 * dimensions serve the expiry of the 30 d window; hour rows of requests serve
 * series of up to 3,600 hours (150 days). Minute rows of requests (and of
 * alert prefixes' requests) are kept 8 days: an alert baseline reads the same
 * minutes on each of the previous 7 days. Day rows are kept for ever.
 */
export const ROLLUP_RETENTION_MS = Object.freeze({
  second: 2 * HOUR,
  minute: 3 * DAY,
  requestsMinute: 8 * DAY,
  requestsHour: 160 * DAY,
  dimensionsHour: 31 * DAY,
});

/**
 * Whether a rollup row is still kept at `now`: the rule pruning applies
 * (maintenance drops a row once its bucket is older than now − its keep).
 * Day rows are kept for ever.
 */
export function rollupRowKept(res: Resolution, isRequests: boolean, bucket: number, now: number): boolean {
  switch (res) {
    case 'second':
      return bucket >= now - ROLLUP_RETENTION_MS.second;
    case 'minute':
      return bucket >= now - (isRequests ? ROLLUP_RETENTION_MS.requestsMinute : ROLLUP_RETENTION_MS.minute);
    case 'hour':
      return bucket >= now - (isRequests ? ROLLUP_RETENTION_MS.requestsHour : ROLLUP_RETENTION_MS.dimensionsHour);
    case 'day':
      return true;
  }
}
