/**
 * Coalesces a service's live events into frames: whatever arrived in the last
 * 250 ms goes out in one frame, capped, so a dashboard receiving 5,000 events/s
 * gets 4 small frames a second instead of 5,000 messages. One channel per
 * watched service, shared by all its streams; it stops when the last leaves.
 */
import type { Clock } from '../clock.js';
import type { StoredEvent } from '../store/store.js';
import type { LiveHub } from './hub.js';
import { RateCounter } from './rate-counter.js';

export const FRAME_INTERVAL_MS = 250;
/** newest events kept per frame; older ones in the same 250 ms are counted as `skipped` */
export const MAX_EVENTS_PER_FRAME = 200;

export interface LiveFrame {
  events: readonly StoredEvent[];
  skipped: number;
  counts: { lastSecond: number; lastMinute: number };
}

export type FrameSink = (frame: LiveFrame) => void;

interface Channel {
  sinks: Set<FrameSink>;
  pending: StoredEvent[];
  skipped: number;
  rate: RateCounter;
  timer: NodeJS.Timeout;
  unsubscribe: () => void;
}

export class LiveChannels {
  readonly #channels = new Map<number, Channel>();

  constructor(
    private readonly hub: LiveHub,
    private readonly clock: Clock,
  ) {}

  /** returns the function that stops this sink (once: calling it again does nothing) */
  join(serviceId: number, sink: FrameSink): () => void {
    const channel = this.#channels.get(serviceId) ?? this.#open(serviceId);
    channel.sinks.add(sink);
    let joined = true;
    return () => {
      // a second call must not close a channel opened since for the same service
      if (!joined) return;
      joined = false;
      channel.sinks.delete(sink);
      if (channel.sinks.size === 0) this.#close(serviceId, channel);
    };
  }

  counts(serviceId: number): LiveFrame['counts'] {
    return this.#channels.get(serviceId)?.rate.read(this.clock()) ?? { lastSecond: 0, lastMinute: 0 };
  }

  closeAll(): void {
    for (const [id, channel] of this.#channels) this.#close(id, channel);
  }

  #open(serviceId: number): Channel {
    const channel: Channel = {
      sinks: new Set(),
      pending: [],
      skipped: 0,
      rate: new RateCounter(),
      timer: setInterval(() => this.#emit(channel), FRAME_INTERVAL_MS),
      unsubscribe: () => {},
    };
    channel.timer.unref();
    channel.unsubscribe = this.hub.subscribe(serviceId, (events) => {
      channel.rate.add(events.length, this.clock());
      channel.pending.push(...events);
      const excess = channel.pending.length - MAX_EVENTS_PER_FRAME;
      if (excess > 0) {
        channel.pending.splice(0, excess);
        channel.skipped += excess;
      }
    });
    this.#channels.set(serviceId, channel);
    return channel;
  }

  #emit(channel: Channel): void {
    const frame: LiveFrame = {
      events: channel.pending,
      skipped: channel.skipped,
      counts: channel.rate.read(this.clock()),
    };
    channel.pending = [];
    channel.skipped = 0;
    for (const sink of channel.sinks) sink(frame);
  }

  #close(serviceId: number, channel: Channel): void {
    clearInterval(channel.timer);
    channel.unsubscribe();
    this.#channels.delete(serviceId);
  }
}
