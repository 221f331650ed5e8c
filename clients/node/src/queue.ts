/**
 * The events waiting to be sent, oldest first, bounded: when tmon is down for
 * long, memory stays flat and the newest traffic (the most useful to see when
 * it comes back) is kept, so the oldest are the ones dropped.
 */

export interface QueuedEvent {
  /** the event as JSON text, serialised once at track() */
  json: string;
  /** its UTF-8 size, for the v2 body limit */
  bytes: number;
}

export class BoundedQueue {
  // an array with a moving head: shift() would copy the whole array for every event taken
  private items: (QueuedEvent | undefined)[] = [];
  private head = 0;

  constructor(readonly capacity: number) {}

  get length(): number {
    return this.items.length - this.head;
  }

  /** Appends; returns how many of the oldest events were dropped to make room (0 or 1). */
  push(event: QueuedEvent): number {
    let dropped = 0;
    if (this.length >= this.capacity) {
      this.items[this.head] = undefined;
      this.head += 1;
      dropped = 1;
    }
    this.items.push(event);
    this.compact();
    return dropped;
  }

  /** Takes the oldest events, at most `maxCount` and `maxBytes` together (at least one when not empty). */
  take(maxCount: number, maxBytes: number): QueuedEvent[] {
    const taken: QueuedEvent[] = [];
    let bytes = 0;
    while (this.length > 0 && taken.length < maxCount) {
      const next = this.items[this.head] as QueuedEvent;
      if (taken.length > 0 && bytes + next.bytes > maxBytes) break;
      taken.push(next);
      bytes += next.bytes + 1; // the comma between events
      this.items[this.head] = undefined;
      this.head += 1;
    }
    this.compact();
    return taken;
  }

  /** Empties the queue, returning how many events it held. */
  clear(): number {
    const count = this.length;
    this.items = [];
    this.head = 0;
    return count;
  }

  private compact(): void {
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
