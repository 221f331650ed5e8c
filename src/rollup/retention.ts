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
 * How far back a minute row of a dimension other than requests is ever read:
 * the expiry of windows up to 24 h, and alert rules' windows (24 h at most).
 * Such a row of an older minute is not written (rollupRowWritten), an hour
 * of margin included; those pruning keeps (ROLLUP_RETENTION_MS.minute) were
 * written while their minute was younger.
 */
const DIMENSION_MINUTES_READ_MS = DAY;
const DIMENSION_MINUTES_WRITTEN_MS = DIMENSION_MINUTES_READ_MS + HOUR;

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

/**
 * Whether a rollup row is written at `now`: it is kept (rollupRowKept), and
 * for a dimension's minute row, something may still read it.
 */
export function rollupRowWritten(res: Resolution, isRequests: boolean, bucket: number, now: number): boolean {
  if (res === 'minute' && !isRequests && bucket < now - DIMENSION_MINUTES_WRITTEN_MS) return false;
  return rollupRowKept(res, isRequests, bucket, now);
}

/**
 * The times from which an event is still counted in its second, and in its
 * minute (for dimensions, and for requests and prefix requests), at `now`.
 * An older event's second or minute row would not be written
 * (rollupRowWritten, RollupAccumulator.deltas), so it is counted in the next
 * coarser bucket its rows still need: an import of old logs then keeps a few
 * counts per value and hour instead of one per value and minute. The hour of
 * margin keeps that true for a flush at a slightly earlier `now` than the
 * write's.
 */
export interface DetailHorizons {
  second: number;
  minute: number;
  requestsMinute: number;
}

export const NO_HORIZONS: DetailHorizons = Object.freeze({
  second: Number.NEGATIVE_INFINITY,
  minute: Number.NEGATIVE_INFINITY,
  requestsMinute: Number.NEGATIVE_INFINITY,
});

export function detailHorizons(now: number): DetailHorizons {
  return {
    second: now - ROLLUP_RETENTION_MS.second - HOUR,
    minute: now - DIMENSION_MINUTES_WRITTEN_MS - HOUR,
    requestsMinute: now - ROLLUP_RETENTION_MS.requestsMinute - HOUR,
  };
}
