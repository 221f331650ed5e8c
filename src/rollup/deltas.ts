import type { EnrichedEvent } from '../enrich/enriched-event.js';
import { bucketStart } from './buckets.js';
import { dimensionKey, type RankedFields } from './dimension-keys.js';
import { type Place, placeOf } from './places.js';
import { rollupRowKept } from './retention.js';
import {
  durationBucket,
  NO_WATCHED_PREFIXES,
  PREFIX_KEY_SEPARATOR,
  SIGNAL_DIMENSIONS,
  type SignalDimension,
  type WatchedPrefixes,
} from './signals.js';
import { DIMENSIONS, type Dimension, type Resolution } from './vocabulary.js';

/** `requests` is the per-resolution request series (key ''); dimensions rank values; signals feed alerts (signals.ts). */
export type RollupDimension = Dimension | 'requests' | SignalDimension;

/** Counts to add to one rollup row. */
export interface RollupDelta {
  serviceId: number;
  dim: RollupDimension;
  res: Resolution;
  bucket: number;
  key: string;
  requests: number;
}

/** What the rollups read of a stored event: its service, time, ranked fields, and what alerts read. */
export type ServiceEvent = RankedFields &
  Pick<EnrichedEvent, 'ts'> &
  Partial<Pick<EnrichedEvent, 'status' | 'durationMs'>> & { serviceId: number };

/** One value's counts per minute bucket (nearly always one or two buckets). */
export interface ValueCounts {
  minutes: number[];
  counts: number[];
}

/**
 * One service's counts as plain JSON data, for counts that must outlive the
 * process before they are applied (PostgreSQL's rollup queue).
 */
export interface ServiceCountsData {
  serviceId: number;
  events: number;
  /** [second bucket, requests] */
  seconds: [number, number][];
  /** indexed like DIMENSIONS: [value, minute buckets, counts] */
  values: [string, number[], number[]][][];
  /** the first place seen for each city of the service */
  places: [string, Place][];
  /** indexed like SIGNAL_DIMENSIONS: [key, minute buckets, counts]; absent in rows queued by an older tmon */
  signals?: [string, number[], number[]][][];
}

/** One service's counts: requests per second, and per dimension value per minute. */
export interface ServiceCounts {
  serviceId: number;
  seconds: Map<number, number>;
  /** indexed like DIMENSIONS */
  values: Map<string, ValueCounts>[];
  /** indexed like SIGNAL_DIMENSIONS */
  signals: Map<string, ValueCounts>[];
}

const DIMENSION_ORDER = DIMENSIONS.map((dim, index) => ({ dim, index })).sort((a, b) => compareText(a.dim, b.dim));

/**
 * Aggregates events into counts per (service, dimension, value, minute), so
 * the upserts that follow scale with distinct values, not events. Adding an
 * event costs a handful of Map increments (~1 µs); minute, hour and day rows
 * are derived when the counts are drained, in primary-key order.
 */
export class RollupAccumulator {
  private readonly services = new Map<number, ServiceCounts>();
  private readonly seenPlaces = new Map<string, Place>();
  private count = 0;

  /** `watched`: the URL prefixes whose events also get prefix_* signal rows. */
  constructor(private readonly watched: WatchedPrefixes = NO_WATCHED_PREFIXES) {}

  /** Events added so far. */
  get events(): number {
    return this.count;
  }

  /** The first place seen for each city key among the events added. */
  get places(): ReadonlyMap<string, Place> {
    return this.seenPlaces;
  }

  add(event: ServiceEvent): void {
    this.count++;
    let service = this.services.get(event.serviceId);
    if (!service) {
      service = newServiceCounts(event.serviceId);
      this.services.set(event.serviceId, service);
    }
    const second = bucketStart('second', event.ts);
    service.seconds.set(second, (service.seconds.get(second) ?? 0) + 1);
    const minute = bucketStart('minute', event.ts);
    for (let i = 0; i < DIMENSIONS.length; i++) {
      const dim = DIMENSIONS[i] as Dimension;
      const key = dimensionKey(event, dim);
      if (key === null) continue;
      const values = service.values[i] as Map<string, ValueCounts>;
      const counts = values.get(key);
      if (counts === undefined) {
        values.set(key, { minutes: [minute], counts: [1] });
        if (dim === 'city' && event.geo && !this.seenPlaces.has(key)) {
          const place = placeOf(event.geo);
          if (place) this.seenPlaces.set(key, place);
        }
      } else {
        increment(counts, minute);
      }
    }
    this.addSignals(service, event, minute);
  }

  /** Status and duration counts, for the service and each watched prefix the url starts with (~0.2 µs). */
  private addSignals(service: ServiceCounts, event: ServiceEvent, minute: number): void {
    const [status, duration, prefixRequests, prefixStatus, prefixDuration] = service.signals as [
      Map<string, ValueCounts>,
      Map<string, ValueCounts>,
      Map<string, ValueCounts>,
      Map<string, ValueCounts>,
      Map<string, ValueCounts>,
    ];
    const statusKey = event.status == null ? null : String(event.status);
    const durationKey = event.durationMs == null ? null : String(durationBucket(event.durationMs));
    if (statusKey !== null) count(status, statusKey, minute);
    if (durationKey !== null) count(duration, durationKey, minute);
    const prefixes = this.watched.prefixesOf(event.serviceId);
    for (let i = 0; i < prefixes.length; i++) {
      const prefix = prefixes[i] as string;
      if (!event.url.startsWith(prefix)) continue;
      count(prefixRequests, prefix, minute);
      if (statusKey !== null) count(prefixStatus, prefix + PREFIX_KEY_SEPARATOR + statusKey, minute);
      if (durationKey !== null) count(prefixDuration, prefix + PREFIX_KEY_SEPARATOR + durationKey, minute);
    }
  }

  addAll(events: Iterable<ServiceEvent>): void {
    for (const event of events) this.add(event);
  }

  /** Each service's counts as JSON data (see addData). */
  toData(): ServiceCountsData[] {
    const cityIndex = DIMENSIONS.indexOf('city');
    return [...this.services.values()].map((service) => {
      let events = 0;
      for (const n of service.seconds.values()) events += n;
      const places: [string, Place][] = [];
      for (const key of (service.values[cityIndex] as Map<string, ValueCounts>).keys()) {
        const place = this.seenPlaces.get(key);
        if (place) places.push([key, place]);
      }
      return {
        serviceId: service.serviceId,
        events,
        seconds: [...service.seconds],
        values: service.values.map((values) => [...values].map(([key, c]) => [key, c.minutes, c.counts])),
        places,
        signals: service.signals.map((values) => [...values].map(([key, c]) => [key, c.minutes, c.counts])),
      };
    });
  }

  /** Adds counts taken with toData (of this or another accumulator, in this or another process). */
  addData(data: ServiceCountsData): void {
    this.count += data.events;
    let service = this.services.get(data.serviceId);
    if (!service) {
      service = newServiceCounts(data.serviceId);
      this.services.set(data.serviceId, service);
    }
    for (const [second, n] of data.seconds) service.seconds.set(second, (service.seconds.get(second) ?? 0) + n);
    for (let i = 0; i < DIMENSIONS.length; i++) {
      addValueCounts(service.values[i] as Map<string, ValueCounts>, data.values[i] ?? []);
    }
    for (let i = 0; i < SIGNAL_DIMENSIONS.length; i++) {
      addValueCounts(service.signals[i] as Map<string, ValueCounts>, data.signals?.[i] ?? []);
    }
    for (const [key, place] of data.places) if (!this.seenPlaces.has(key)) this.seenPlaces.set(key, place);
  }

  /** The services with counts added. */
  get serviceIds(): number[] {
    return [...this.services.keys()];
  }

  /** Drops everything added for the service (its events were removed). */
  removeService(serviceId: number): void {
    const service = this.services.get(serviceId);
    if (!service) return;
    for (const n of service.seconds.values()) this.count -= n;
    this.services.delete(serviceId);
  }

  /** The services' counts, by service id, dimensions by name (primary-key order). */
  *serviceCounts(): Generator<{ serviceId: number; dim: Dimension; values: [string, ValueCounts][] }> {
    for (const service of [...this.services.values()].sort((a, b) => a.serviceId - b.serviceId)) {
      for (const { dim, index } of DIMENSION_ORDER) {
        const values = [...(service.values[index] as Map<string, ValueCounts>)];
        values.sort((a, b) => compareText(a[0], b[0]));
        yield { serviceId: service.serviceId, dim, values };
      }
    }
  }

  /** The services' signal counts (not rankings: no window takes them). */
  *signalCounts(): Generator<{ serviceId: number; dim: SignalDimension; values: [string, ValueCounts][] }> {
    for (const service of this.services.values()) {
      for (let i = 0; i < SIGNAL_DIMENSIONS.length; i++) {
        const values = service.signals[i] as Map<string, ValueCounts>;
        if (values.size > 0)
          yield { serviceId: service.serviceId, dim: SIGNAL_DIMENSIONS[i] as SignalDimension, values: [...values] };
      }
    }
  }

  /**
   * The rollup rows to add: requests at every resolution, dimensions per
   * minute and hour. Given `now`, rows pruning would already drop at `now` are
   * left out: no query reaches them, and an import of old logs would
   * otherwise write a second and a minute row per event only to delete them.
   */
  deltas(now?: number): RollupDelta[] {
    const kept = (res: Resolution, isRequests: boolean, bucket: number) =>
      now === undefined || rollupRowKept(res, isRequests, bucket, now);
    const deltas: RollupDelta[] = [];
    for (const service of this.services.values()) {
      const { serviceId } = service;
      const requests = new Map<Resolution, Map<number, number>>([
        ['second', service.seconds],
        ['minute', new Map()],
        ['hour', new Map()],
        ['day', new Map()],
      ]);
      for (const [second, n] of service.seconds) {
        for (const res of ['minute', 'hour', 'day'] as const) {
          const byBucket = requests.get(res) as Map<number, number>;
          const bucket = bucketStart(res, second);
          byBucket.set(bucket, (byBucket.get(bucket) ?? 0) + n);
        }
      }
      for (const [res, byBucket] of requests) {
        for (const [bucket, n] of byBucket) {
          if (kept(res, true, bucket)) deltas.push({ serviceId, dim: 'requests', res, bucket, key: '', requests: n });
        }
      }
    }
    for (const { serviceId, dim, values } of [...this.serviceCounts(), ...this.signalCounts()]) {
      for (const [key, { minutes, counts }] of values) {
        const hours = new Map<number, number>();
        // prefix_requests minute rows are kept as long as those of requests: the baseline reads a week back
        const minutesLikeRequests = dim === 'prefix_requests';
        for (let i = 0; i < minutes.length; i++) {
          const minute = minutes[i] as number;
          const n = counts[i] as number;
          if (kept('minute', minutesLikeRequests, minute))
            deltas.push({ serviceId, dim, res: 'minute', bucket: minute, key, requests: n });
          const hour = bucketStart('hour', minute);
          hours.set(hour, (hours.get(hour) ?? 0) + n);
        }
        for (const [hour, n] of hours) {
          if (kept('hour', false, hour)) deltas.push({ serviceId, dim, res: 'hour', bucket: hour, key, requests: n });
        }
      }
    }
    return deltas;
  }
}

function newServiceCounts(serviceId: number): ServiceCounts {
  return {
    serviceId,
    seconds: new Map(),
    values: DIMENSIONS.map(() => new Map()),
    signals: SIGNAL_DIMENSIONS.map(() => new Map()),
  };
}

function count(values: Map<string, ValueCounts>, key: string, minute: number): void {
  const counts = values.get(key);
  if (counts === undefined) values.set(key, { minutes: [minute], counts: [1] });
  else increment(counts, minute);
}

function addValueCounts(values: Map<string, ValueCounts>, data: readonly [string, number[], number[]][]): void {
  for (const [key, minutes, counts] of data) {
    const existing = values.get(key);
    if (existing === undefined) {
      values.set(key, { minutes: [...minutes], counts: [...counts] });
      continue;
    }
    for (let j = 0; j < minutes.length; j++) increment(existing, minutes[j] as number, counts[j] as number);
  }
}

function increment(counts: ValueCounts, minute: number, by = 1): void {
  const { minutes } = counts;
  // events arrive nearly in time order: the last minute is the likely one
  for (let i = minutes.length - 1; i >= 0; i--) {
    if (minutes[i] === minute) {
      (counts.counts[i] as number) += by;
      return;
    }
  }
  minutes.push(minute);
  counts.counts.push(by);
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The rollup deltas of one batch of events. */
export function rollupDeltas(events: Iterable<ServiceEvent>): RollupDelta[] {
  const accumulator = new RollupAccumulator();
  accumulator.addAll(events);
  return accumulator.deltas();
}
