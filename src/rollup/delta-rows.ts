/**
 * The rollup rows of accumulated counts, in the rollups table's primary-key
 * order (service, dim, res, bucket, key), for RollupAccumulator.deltas.
 */
import { bucketStart } from './buckets.js';
import type { RollupDelta, RollupDimension } from './deltas.js';
import { increment, type ValueCounts } from './value-counts.js';
import type { Resolution } from './vocabulary.js';

/** Resolutions as the primary key orders them (text: day < hour < minute < second). */
const RESOLUTION_ORDER: readonly Resolution[] = ['day', 'hour', 'minute', 'second'];

/** The request series rows of one service (key ''), every resolution derived from the per-second counts. */
export function pushRequestRows(
  deltas: RollupDelta[],
  serviceId: number,
  seconds: Map<number, number>,
  kept: (res: Resolution, isRequests: boolean, bucket: number) => boolean,
): void {
  for (const res of RESOLUTION_ORDER) {
    const byBucket = new Map<number, number>();
    for (const [second, n] of seconds) {
      const bucket = bucketStart(res, second);
      byBucket.set(bucket, (byBucket.get(bucket) ?? 0) + n);
    }
    for (const bucket of [...byBucket.keys()].sort((a, b) => a - b)) {
      if (kept(res, true, bucket))
        deltas.push({ serviceId, dim: 'requests', res, bucket, key: '', requests: byBucket.get(bucket) as number });
    }
  }
}

/** Keys (in key order) and their counts in one bucket. */
interface BucketRows {
  keys: string[];
  counts: number[];
}

/**
 * One dimension's hour and minute rows, bucket by bucket: the values come in
 * key order, so each bucket's rows do too. An upsert next to the previous
 * one finds its B-tree page in cache; a history import spans many hours per
 * flush, and going value by value would jump between them at every row.
 */
export function pushValueRows(
  deltas: RollupDelta[],
  serviceId: number,
  dim: RollupDimension,
  values: [string, ValueCounts][],
  kept: (res: Resolution, bucket: number) => boolean,
): void {
  const byHour = new Map<number, BucketRows>();
  const byMinute = new Map<number, BucketRows>();
  const hours: ValueCounts = { minutes: [], counts: [] };
  for (const [key, { minutes, counts }] of values) {
    hours.minutes.length = 0;
    hours.counts.length = 0;
    for (let i = 0; i < minutes.length; i++) {
      const minute = minutes[i] as number;
      const n = counts[i] as number;
      if (kept('minute', minute)) addRow(byMinute, minute, key, n);
      increment(hours, bucketStart('hour', minute), n);
    }
    for (let i = 0; i < hours.minutes.length; i++) {
      const hour = hours.minutes[i] as number;
      if (kept('hour', hour)) addRow(byHour, hour, key, hours.counts[i] as number);
    }
  }
  for (const [res, byBucket] of [
    ['hour', byHour],
    ['minute', byMinute],
  ] as const) {
    for (const bucket of [...byBucket.keys()].sort((a, b) => a - b)) {
      const { keys, counts } = byBucket.get(bucket) as BucketRows;
      for (let i = 0; i < keys.length; i++) {
        deltas.push({ serviceId, dim, res, bucket, key: keys[i] as string, requests: counts[i] as number });
      }
    }
  }
}

function addRow(byBucket: Map<number, BucketRows>, bucket: number, key: string, n: number): void {
  let rows = byBucket.get(bucket);
  if (rows === undefined) {
    rows = { keys: [], counts: [] };
    byBucket.set(bucket, rows);
  }
  rows.keys.push(key);
  rows.counts.push(n);
}
