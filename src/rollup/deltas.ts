import type { EnrichedEvent } from '../enrich/enriched-event.js';
import { DIMENSIONS, type Dimension, type Resolution } from '../store/store.js';
import { bucketStart } from './buckets.js';
import { dimensionKey } from './dimension-keys.js';

/** `requests` is the per-resolution request series (key ''); the others rank values. */
export type RollupDimension = Dimension | 'requests';

/** Counts to add to one rollup row. */
export interface RollupDelta {
  serviceId: number;
  dim: RollupDimension;
  res: Resolution;
  bucket: number;
  key: string;
  requests: number;
}

/** The request series is kept at every resolution; dimensions only where window expiry needs them. */
export const REQUEST_RESOLUTIONS: readonly Resolution[] = ['second', 'minute', 'hour', 'day'];
export const DIMENSION_RESOLUTIONS: readonly Resolution[] = ['minute', 'hour'];

/** A stored event: the event and the service it belongs to. */
export type ServiceEvent = EnrichedEvent & { serviceId: number };

/** One service's events within one minute, counted per second and per dimension value. */
interface MinuteGroup {
  serviceId: number;
  minute: number;
  requests: number;
  seconds: Map<number, number>;
  values: Map<string, number>[];
}

/**
 * Aggregates a batch of stored events into rollup deltas, so the number of
 * upserts follows the distinct (service, bucket, value) triples, not the
 * events: 1,000 events of one minute hit ~6 dimension maps each, then each
 * distinct value becomes one delta per resolution.
 */
export function rollupDeltas(events: Iterable<ServiceEvent>): RollupDelta[] {
  const groups = groupByServiceMinute(events);
  const deltas: RollupDelta[] = [];
  // coarser buckets are folded from the minute groups: few entries, string keys are fine here
  const coarse = new Map<string, RollupDelta>();
  const addCoarse = (
    serviceId: number,
    dim: RollupDimension,
    res: Resolution,
    bucket: number,
    key: string,
    n: number,
  ) => {
    const id = `${serviceId}\u001f${dim}\u001f${res}\u001f${bucket}\u001f${key}`;
    const delta = coarse.get(id);
    if (delta) delta.requests += n;
    else coarse.set(id, { serviceId, dim, res, bucket, key, requests: n });
  };

  for (const group of groups) {
    const { serviceId, minute } = group;
    const hour = bucketStart('hour', minute);
    const day = bucketStart('day', minute);
    for (const [second, n] of group.seconds) {
      deltas.push({ serviceId, dim: 'requests', res: 'second', bucket: second, key: '', requests: n });
    }
    deltas.push({ serviceId, dim: 'requests', res: 'minute', bucket: minute, key: '', requests: group.requests });
    addCoarse(serviceId, 'requests', 'hour', hour, '', group.requests);
    addCoarse(serviceId, 'requests', 'day', day, '', group.requests);
    DIMENSIONS.forEach((dim, i) => {
      for (const [key, n] of group.values[i] ?? []) {
        deltas.push({ serviceId, dim, res: 'minute', bucket: minute, key, requests: n });
        addCoarse(serviceId, dim, 'hour', hour, key, n);
      }
    });
  }
  for (const delta of coarse.values()) deltas.push(delta);
  return deltas;
}

function groupByServiceMinute(events: Iterable<ServiceEvent>): MinuteGroup[] {
  const byService = new Map<number, Map<number, MinuteGroup>>();
  const groups: MinuteGroup[] = [];
  for (const event of events) {
    const serviceId = event.serviceId;
    let byMinute = byService.get(serviceId);
    if (!byMinute) {
      byMinute = new Map();
      byService.set(serviceId, byMinute);
    }
    const minute = bucketStart('minute', event.ts);
    let group = byMinute.get(minute);
    if (!group) {
      group = { serviceId, minute, requests: 0, seconds: new Map(), values: DIMENSIONS.map(() => new Map()) };
      byMinute.set(minute, group);
      groups.push(group);
    }
    group.requests++;
    const second = bucketStart('second', event.ts);
    group.seconds.set(second, (group.seconds.get(second) ?? 0) + 1);
    for (let i = 0; i < DIMENSIONS.length; i++) {
      const key = dimensionKey(event, DIMENSIONS[i] as Dimension);
      if (key === null) continue;
      const counts = group.values[i] as Map<string, number>;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return groups;
}
