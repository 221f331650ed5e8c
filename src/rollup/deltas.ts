import type { EnrichedEvent } from '../enrich/enriched-event.js';
import { bucketStart } from './buckets.js';
import { pushRequestRows, pushValueRows } from './delta-rows.js';
import { dimensionKey, type RankedFields } from './dimension-keys.js';
import { type Place, placeOf } from './places.js';
import { type DetailHorizons, detailHorizons, NO_HORIZONS, rollupRowWritten } from './retention.js';
import {
  durationBucket,
  NO_WATCHED_PREFIXES,
  PREFIX_KEY_SEPARATOR,
  SIGNAL_DIMENSIONS,
  type SignalDimension,
  type WatchedPrefixes,
} from './signals.js';
import { addValueCounts, countMinute, increment, type ValueCounts } from './value-counts.js';
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
 * are derived when the counts are drained, in primary-key order. Given a
 * `now` (coarsenBefore), an event older than any reader of its minute rows
 * is counted in its hour: its minute row would never be written.
 */
export class RollupAccumulator {
  private readonly services = new Map<number, ServiceCounts>();
  private readonly seenPlaces = new Map<string, Place>();
  private count = 0;
  #horizons: DetailHorizons = NO_HORIZONS;
  /** each dimension's values in key order, as last sorted (re-sorted when values were added since) */
  #sorted = new WeakMap<Map<string, ValueCounts>, [string, ValueCounts][]>();

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
    const { ts } = event;
    const horizons = this.#horizons;
    // each count in the finest bucket whose rows are still kept (retention.ts: detailHorizons)
    const inMinute = bucketStart('minute', ts);
    const inHour = bucketStart('hour', ts);
    const minute = ts >= horizons.minute ? inMinute : inHour;
    const requestsMinute = ts >= horizons.requestsMinute ? inMinute : inHour;
    const second = ts >= horizons.second ? bucketStart('second', ts) : requestsMinute;
    service.seconds.set(second, (service.seconds.get(second) ?? 0) + 1);
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
    this.addSignals(service, event, minute, requestsMinute);
  }

  /**
   * Counts the events added from now on whose second and minute rows would
   * not be written at `now` in coarser buckets (detailHorizons).
   * Horizons only move forward.
   */
  coarsenBefore(now: number): void {
    const next = detailHorizons(now);
    if (next.second > this.#horizons.second) this.#horizons = next;
  }

  /** Status and duration counts, for the service and each watched prefix the url starts with (~0.2 µs). */
  private addSignals(service: ServiceCounts, event: ServiceEvent, minute: number, requestsMinute: number): void {
    const [status, duration, prefixRequests, prefixStatus, prefixDuration] = service.signals as [
      Map<string, ValueCounts>,
      Map<string, ValueCounts>,
      Map<string, ValueCounts>,
      Map<string, ValueCounts>,
      Map<string, ValueCounts>,
    ];
    const statusKey = event.status == null ? null : String(event.status);
    const durationKey = event.durationMs == null ? null : String(durationBucket(event.durationMs));
    if (statusKey !== null) countMinute(status, statusKey, minute);
    if (durationKey !== null) countMinute(duration, durationKey, minute);
    const prefixes = this.watched.prefixesOf(event.serviceId);
    for (let i = 0; i < prefixes.length; i++) {
      const prefix = prefixes[i] as string;
      if (!event.url.startsWith(prefix)) continue;
      countMinute(prefixRequests, prefix, requestsMinute);
      if (statusKey !== null) countMinute(prefixStatus, prefix + PREFIX_KEY_SEPARATOR + statusKey, minute);
      if (durationKey !== null) countMinute(prefixDuration, prefix + PREFIX_KEY_SEPARATOR + durationKey, minute);
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
    for (const service of this.#servicesInOrder()) {
      for (const { dim, index } of DIMENSION_ORDER) {
        yield { serviceId: service.serviceId, dim, values: this.#inKeyOrder(service.values[index]) };
      }
    }
  }

  /**
   * The rollup rows to add, in the table's primary-key order (service, dim,
   * res, bucket, key): requests at every resolution, the other dimensions
   * per minute and hour. Given `now`, rows nothing reads any more (pruning
   * would drop them, or no window or alert reaches back to them) are left
   * out: an import of old logs would otherwise write a second and a minute
   * row per event for nothing.
   */
  deltas(now?: number): RollupDelta[] {
    const kept = (res: Resolution, isRequests: boolean, bucket: number) =>
      now === undefined || rollupRowWritten(res, isRequests, bucket, now);
    const deltas: RollupDelta[] = [];
    for (const service of this.#servicesInOrder()) {
      const { serviceId } = service;
      for (const { dim, index, signal } of ROLLUP_DIMENSION_ORDER) {
        if (dim === 'requests') {
          pushRequestRows(deltas, serviceId, service.seconds, kept);
          continue;
        }
        const values = (signal ? service.signals : service.values)[index] as Map<string, ValueCounts>;
        if (values.size === 0) continue;
        // prefix_requests minute rows are kept as long as those of requests: the baseline reads a week back
        const minutesLikeRequests = dim === 'prefix_requests';
        pushValueRows(deltas, serviceId, dim, this.#inKeyOrder(values), (res, bucket) =>
          kept(res, res === 'minute' && minutesLikeRequests, bucket),
        );
      }
    }
    return deltas;
  }

  #servicesInOrder(): ServiceCounts[] {
    return [...this.services.values()].sort((a, b) => a.serviceId - b.serviceId);
  }

  /** A dimension's values sorted by key, sorted once for both the rollup and the window rows of a flush. */
  #inKeyOrder(values: Map<string, ValueCounts> | undefined): [string, ValueCounts][] {
    if (values === undefined) return [];
    let sorted = this.#sorted.get(values);
    if (sorted === undefined || sorted.length !== values.size) {
      sorted = [...values].sort((a, b) => compareText(a[0], b[0]));
      this.#sorted.set(values, sorted);
    }
    return sorted;
  }
}

/** Every rollup dimension by name, as the primary key orders them, with where its counts are kept. */
const ROLLUP_DIMENSION_ORDER: { dim: RollupDimension; index: number; signal: boolean }[] = [
  ...DIMENSIONS.map((dim, index) => ({ dim: dim as RollupDimension, index, signal: false })),
  ...SIGNAL_DIMENSIONS.map((dim, index) => ({ dim: dim as RollupDimension, index, signal: true })),
  { dim: 'requests' as RollupDimension, index: -1, signal: false },
].sort((a, b) => compareText(a.dim, b.dim));

function newServiceCounts(serviceId: number): ServiceCounts {
  return {
    serviceId,
    seconds: new Map(),
    values: DIMENSIONS.map(() => new Map()),
    signals: SIGNAL_DIMENSIONS.map(() => new Map()),
  };
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
