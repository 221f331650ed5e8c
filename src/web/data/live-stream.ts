/**
 * One open live stream: it writes the snapshot, then its service's frames and heartbeats, and it ends in
 * one place, close(reason), however it ends: it leaves the channel, gives its slot back and ends the
 * response, once. A client that cannot keep up loses frames (counted in `skipped`), never memory.
 */
import type { ServerResponse } from 'node:http';
import type { LiveChannels, LiveFrame } from '../../live/live-channels.js';
import type { StoredEvent } from '../../store/store.js';
import { frameText, type SharedFrameTexts, snapshotText } from './live-frame-text.js';

const HEARTBEAT_MS = 15_000;
/** the browser's EventSource waits this long before reconnecting after a server restart */
const RETRY_MS = 1_000;

const ACCESS_ENDED_TEXT = `event: access-ended\ndata: ${JSON.stringify({
  message: 'your access to this service has ended (logged out, revoked, or no longer shared)',
})}\n\n`;

export type LiveStreamEnd = 'client_left' | 'server_closing' | 'snapshot_failed' | 'access_ended';

export interface LiveStreamOptions {
  res: ServerResponse;
  channels: LiveChannels;
  serviceId: number;
  texts: SharedFrameTexts;
  /** gives the stream's slot back (live/stream-slots.ts) */
  releaseSlot: () => void;
  /** told once, when the stream has ended */
  onClose: (stream: LiveStream, reason: LiveStreamEnd) => void;
}

export class LiveStream {
  readonly #options: LiveStreamOptions;
  readonly #leave: () => void;
  /** frames that came before the snapshot was sent; null once it was */
  #early: LiveFrame[] | null = [];
  #started = false;
  #closed = false;
  #congested = false;
  /** events of the frames this stream could not be sent while congested, told in its next frame */
  #skipped = 0;
  #heartbeat: NodeJS.Timeout | undefined;

  /** Joins the service's channel at once: call it before the snapshot is read. */
  constructor(options: LiveStreamOptions) {
    this.#options = options;
    // Joined before the snapshot is read: an event committed while it is read is then in the snapshot, in a
    // frame, or in both (the dashboard drops a seq it has), never in neither. Frames wait until it is sent.
    this.#leave = options.channels.join(options.serviceId, (frame) => this.#onFrame(frame));
    // the client leaves, even while the snapshot is read
    options.res.on('close', () => this.close('client_left'));
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Writes the head and the snapshot, then the frames that came meanwhile; later frames as they come. */
  start(latest: readonly StoredEvent[], counts: LiveFrame['counts']): void {
    // gone while the snapshot was read: the client left (nobody to write to), or the server is closing (it
    // drops every connection once its preClose hooks ran)
    if (this.#closed) return;
    const { res } = this.#options;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx would otherwise buffer the stream and the dashboard would stop being live
      'x-accel-buffering': 'no',
    });
    this.#started = true;
    res.on('drain', () => {
      this.#congested = false;
    });
    this.#write(`retry: ${RETRY_MS}\n\n`);
    this.#write(snapshotText(latest, counts));
    const early = this.#early ?? [];
    this.#early = null;
    for (const frame of early) this.#onFrame(frame);
    this.#heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    this.#heartbeat.unref();
  }

  close(reason: LiveStreamEnd): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    this.#leave();
    this.#options.releaseSlot();
    // before start() the response is still fastify's: it answers whatever error closed the stream
    if (this.#started && !this.#options.res.destroyed) {
      // told first, even to a congested stream, so the dashboard does not reconnect into a refusal
      if (reason === 'access_ended') this.#options.res.write(ACCESS_ENDED_TEXT);
      this.#options.res.end();
    }
    this.#options.onClose(this, reason);
  }

  #onFrame(frame: LiveFrame): void {
    if (this.#early) {
      this.#early.push(frame);
      return;
    }
    if (this.#congested) {
      this.#skipped += frame.events.length + frame.skipped;
      return;
    }
    // the shared text, unless this stream has skipped events of its own to tell (rare: it was congested)
    const text = this.#skipped === 0 ? this.#options.texts.of(frame) : frameText(frame, this.#skipped);
    this.#skipped = 0;
    this.#write(text);
  }

  #write(text: string | Buffer): void {
    if (this.#congested) return;
    this.#congested = !this.#options.res.write(text);
  }
}
