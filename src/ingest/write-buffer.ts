/**
 * Group commit. Requests that arrive in the same turn of the event loop share
 * one transaction: one commit per ~thousands of events instead of one per
 * request. Each caller's promise settles only after the commit that holds its
 * events, so a 200 always means "durably stored". Up to the store's
 * writeConcurrency flushes run at once (event-store.ts); writes submitted
 * while none can start form the next group — or, if a flush fails, are
 * refused with it.
 */
import type { Clock } from '../clock.js';
import type { EventStore } from '../store/event-store.js';
import type { EventWrite, EventWriteResult } from '../store/store.js';

export interface WriteBufferOptions {
  store: Pick<EventStore, 'writeEvents' | 'writeConcurrency'>;
  clock: Clock;
  /** a group is flushed at once when it reaches this many events */
  maxGroupEvents: number;
  /** beyond this many queued events, submit refuses: the store is not keeping up */
  maxQueuedEvents: number;
  /** TMON_DEBUG: every event in its own transaction */
  commitEachEvent: boolean;
  onCommitted(writes: readonly EventWrite[], results: readonly EventWriteResult[]): void;
}

interface Pending {
  write: EventWrite;
  resolve(result: EventWriteResult): void;
  reject(error: unknown): void;
}

export class OverloadedError extends Error {
  constructor() {
    super('the write queue is full');
    this.name = 'OverloadedError';
  }
}

export class WriteBuffer {
  #queue: Pending[] = [];
  #queuedEvents = 0;
  readonly #flushing = new Set<Promise<void>>();
  #scheduled = false;
  #closed = false;

  constructor(private readonly options: WriteBufferOptions) {}

  get queuedEvents(): number {
    return this.#queuedEvents;
  }

  submit(write: EventWrite): Promise<EventWriteResult> {
    if (this.#closed) return Promise.reject(new Error('tmon is shutting down'));
    if (this.#queuedEvents + write.events.length > this.options.maxQueuedEvents) {
      return Promise.reject(new OverloadedError());
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ write, resolve, reject });
      this.#queuedEvents += write.events.length;
      if (this.#queuedEvents >= this.options.maxGroupEvents) this.#startFlush();
      else this.#schedule();
    });
  }

  /** Commits everything queued so far. */
  async flush(): Promise<void> {
    while (this.#flushing.size > 0 || this.#queue.length > 0) {
      if (this.#queue.length > 0 && this.#canStart()) this.#startFlush();
      else await Promise.race(this.#flushing); // #commit never rejects
    }
  }

  /** Refuses new writes, then commits what is queued: for SIGTERM. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  #canStart(): boolean {
    return this.#flushing.size < this.options.store.writeConcurrency;
  }

  #schedule(): void {
    if (this.#scheduled || !this.#canStart()) return;
    this.#scheduled = true;
    // setImmediate runs after the I/O callbacks of this loop turn: every request parsed in it joins the group
    setImmediate(() => {
      this.#scheduled = false;
      this.#startFlush();
    });
  }

  #startFlush(): void {
    if (!this.#canStart() || this.#queue.length === 0) return;
    const group = this.#takeGroup();
    const flushing: Promise<void> = this.#commit(group).finally(() => {
      this.#flushing.delete(flushing);
      if (this.#queue.length > 0) this.#schedule();
    });
    this.#flushing.add(flushing);
  }

  #takeGroup(): Pending[] {
    let events = 0;
    let count = 0;
    while (count < this.#queue.length) {
      events += this.#queue[count]!.write.events.length;
      count++;
      if (events >= this.options.maxGroupEvents) break;
    }
    const group = this.#queue.splice(0, count);
    this.#queuedEvents -= events;
    return group;
  }

  async #commit(group: Pending[]): Promise<void> {
    const writes = group.map((pending) => pending.write);
    let results: EventWriteResult[];
    try {
      results = this.options.commitEachEvent
        ? await this.#commitOneByOne(writes)
        : await this.options.store.writeEvents(writes, this.options.clock());
    } catch (error) {
      // A store that just failed a commit (database down or stuck) would most likely fail the
      // next group too, after its own timeout: the writes queued behind this one are refused
      // now with the same error (the sender gets its 503 and retries) instead of waiting twice.
      const queued = this.#queue.splice(0);
      this.#queuedEvents = 0;
      for (const pending of [...group, ...queued]) pending.reject(error);
      return;
    }
    for (const [i, pending] of group.entries()) pending.resolve(results[i]!);
    this.options.onCommitted(writes, results);
  }

  /** TMON_DEBUG, as the original's DEBUG flag: one transaction per event (slow, simple to reason about). */
  async #commitOneByOne(writes: EventWrite[]): Promise<EventWriteResult[]> {
    const results: EventWriteResult[] = [];
    for (const write of writes) {
      let accepted = 0;
      const stored: Extract<EventWriteResult, { ok: true }>['stored'] = [];
      let refused: EventWriteResult | null = null;
      for (const [i, event] of write.events.entries()) {
        const single: EventWrite = { ...write, events: [event], replayKey: i === 0 ? write.replayKey : null };
        const [result] = await this.options.store.writeEvents([single], this.options.clock());
        if (!result?.ok) {
          refused = result ?? { ok: false, reason: 'replayed' };
          break;
        }
        accepted += result.accepted;
        stored.push(...result.stored);
      }
      results.push(refused ?? { ok: true, accepted, stored });
    }
    return results;
  }
}
