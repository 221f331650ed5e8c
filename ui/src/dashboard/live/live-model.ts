/**
 * What the page knows of the live stream: the latest ≤ 500 events, the
 * server's current counts and the connection state. Frames go through the
 * coalescer, so listeners (map, log, chart, headline) hear about new events
 * at most every 250 ms, with every event in between in one batch.
 */
import { ApiError, api } from '../../shared/api';
import { RingBuffer } from '../../shared/ring-buffer';
import { createStore } from '../../shared/store';
import type { LiveCounts, LiveEvent } from '../types';
import { type Batch, Coalescer } from './coalescer';
import { type ConnectionState, openLiveStream } from './live-stream';

/** the bound: the page holds the latest 500 requests, no more */
export const LATEST_CAPACITY = 500;
const FLUSH_MS = 250;

export interface LiveState {
  connection: ConnectionState;
  counts: LiveCounts;
  /** newest first */
  latest: LiveEvent[];
  /** events seen since the page opened, including those only counted (skipped) */
  received: number;
}

export class LiveModel {
  readonly state = createStore<LiveState>({
    connection: 'connecting',
    counts: { last_second: 0, last_minute: 0 },
    latest: [],
    received: 0,
  });
  private readonly ring = new RingBuffer<LiveEvent>(LATEST_CAPACITY);
  private readonly batchListeners = new Set<(batch: Batch<LiveEvent>) => void>();
  private readonly resyncListeners = new Set<() => void>();
  private readonly coalescer = new Coalescer<LiveEvent>(LATEST_CAPACITY, FLUSH_MS, (b) => this.apply(b));
  private lastSeq = 0;
  private pendingCounts: LiveCounts | null = null;
  private stop: (() => void) | null = null;

  constructor(private readonly wsid: number) {}

  start(): void {
    this.stop = openLiveStream(this.wsid, {
      state: (connection) => this.state.update((s) => (s.connection === connection ? s : { ...s, connection })),
      // a logout or revoked session sends the page to the login (api answers 401 and redirects); a share taken
      // away while the login stays sends it to the chooser of the services still visible
      accessEnded: () => {
        api.get('/api/me').then(
          () => window.location.assign('/view/dashboard'),
          (error) => {
            // on 401 api has sent the page to the login already
            if (!(error instanceof ApiError && error.status === 401)) window.location.assign('/view/dashboard');
          },
        );
      },
      snapshot: (frame) => {
        // a new connection (first load or after a restart): start over from what the server holds
        this.lastSeq = 0;
        this.ring.clear();
        this.ring.pushAll([...frame.events].reverse());
        this.lastSeq = Math.max(0, ...frame.events.map((e) => e.seq));
        this.state.update((s) => ({ ...s, counts: frame.counts, latest: this.ring.newest() }));
        for (const listener of this.resyncListeners) listener();
        void this.backfill();
      },
      events: (frame) => {
        this.pendingCounts = frame.counts;
        const fresh = frame.events.filter((e) => e.seq > this.lastSeq);
        const last = fresh[fresh.length - 1];
        if (last !== undefined) this.lastSeq = last.seq;
        this.coalescer.add(fresh, frame.skipped);
        if (fresh.length === 0 && frame.skipped === 0) this.coalescer.flush();
      },
    });
  }

  dispose(): void {
    this.stop?.();
    this.coalescer.dispose();
  }

  /** called with every coalesced batch (≤ 4 a second) */
  onBatch(listener: (batch: Batch<LiveEvent>) => void): () => void {
    this.batchListeners.add(listener);
    return () => this.batchListeners.delete(listener);
  }

  /** called on every (re)connection: time to re-fetch what is not pushed */
  onResync(listener: () => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  /** the snapshot carries 50 events; the map and log want the latest 500 */
  private async backfill(): Promise<void> {
    try {
      const older = await api.get<LiveEvent[]>(`/${this.wsid}/data/latest?limit=${LATEST_CAPACITY}`);
      const known = new Set(this.ring.toArray().map((e) => e.seq));
      const merged = [...older.filter((e) => !known.has(e.seq)), ...this.ring.toArray()].sort((a, b) => a.seq - b.seq);
      this.ring.clear();
      this.ring.pushAll(merged);
      this.lastSeq = Math.max(this.lastSeq, ...merged.map((e) => e.seq));
      this.state.update((s) => ({ ...s, latest: this.ring.newest() }));
    } catch {
      // the snapshot's 50 events still show; the next reconnection tries again
    }
  }

  private apply(batch: Batch<LiveEvent>): void {
    this.ring.pushAll(batch.items);
    const counts = this.pendingCounts;
    this.pendingCounts = null;
    this.state.update((s) => ({
      ...s,
      counts: counts ?? s.counts,
      latest: batch.items.length > 0 ? this.ring.newest() : s.latest,
      received: s.received + batch.arrived,
    }));
    for (const listener of this.batchListeners) listener(batch);
  }
}
