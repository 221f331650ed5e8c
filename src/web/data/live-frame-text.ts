/**
 * The text a live stream writes: SSE messages (`event: …\ndata: <JSON>\n\n`) of the snapshot and of each
 * frame. A frame goes to every stream of its service, so its text is made once and shared: N dashboards
 * on a service cost one serialisation per 250 ms frame, not N.
 */
import type { LiveFrame } from '../../live/live-channels.js';
import type { StoredEvent } from '../../store/store.js';
import type { EventsFrame, SnapshotFrame } from './answers.js';
import { presentEvent } from './present.js';

export function sseMessage(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export function snapshotText(latest: readonly StoredEvent[], counts: LiveFrame['counts']): string {
  const snapshot: SnapshotFrame = { events: latest.map(presentEvent), counts: presentCounts(counts) };
  return sseMessage('snapshot', snapshot);
}

/**
 * A frame's `events` message, with `skipped` its own count plus `ownSkipped`: the events of frames a
 * congested stream could not be sent (that stream's text is its own, made only then).
 */
export function frameText(frame: LiveFrame, ownSkipped = 0): string {
  const events: EventsFrame = {
    events: frame.events.map(presentEvent),
    skipped: frame.skipped + ownSkipped,
    counts: presentCounts(frame.counts),
  };
  return sseMessage('events', events);
}

/**
 * Each frame's text as bytes, made by the first stream that writes it and reused by the others: the
 * encoding to UTF-8 is shared too. Held weakly: gone with the frame.
 */
export class SharedFrameTexts {
  readonly #bytes = new WeakMap<LiveFrame, Buffer>();

  of(frame: LiveFrame): Buffer {
    let bytes = this.#bytes.get(frame);
    if (bytes === undefined) {
      bytes = Buffer.from(frameText(frame));
      this.#bytes.set(frame, bytes);
    }
    return bytes;
  }
}

function presentCounts(counts: LiveFrame['counts']) {
  return { last_second: counts.lastSecond, last_minute: counts.lastMinute };
}
