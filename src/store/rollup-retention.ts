import { RESOLUTION_MS } from '../rollup/buckets.js';

const HOUR = RESOLUTION_MS.hour;
const DAY = RESOLUTION_MS.day;

/**
 * How long rollup buckets are kept. Each is longer than anything that reads
 * it: second rows serve series of at most 3,600 s; minute rows serve series and
 * the expiry of windows up to 24 h (events may arrive 24 h late); hour rows of
 * dimensions serve the expiry of the 30 d window; hour rows of requests serve
 * series of up to 3,600 hours (150 days). Day rows are kept for ever.
 */
export const ROLLUP_RETENTION_MS = Object.freeze({
  second: 2 * HOUR,
  minute: 3 * DAY,
  requestsHour: 160 * DAY,
  dimensionsHour: 31 * DAY,
});
