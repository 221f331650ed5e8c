/**
 * TmonClient: track() queues, a background loop sends. The caller's path
 * only validates and serialises the event (a few µs) and never throws; the
 * sending — batching, encryption, retries — happens after it returns.
 *
 * Sending starts when `batchSize` events are queued or `flushIntervalMs`
 * after the first one, and then drains the queue with up to `concurrency`
 * requests in flight: under load, batches fill up by themselves while the
 * previous request is out.
 */
import { type DeliveryHooks, type DeliveryTarget, deliver } from './deliver.js';
import { describe, givenUp } from './describe.js';
import { type ExitParticipant, registerForExit, unregisterForExit } from './exit-hooks.js';
import { settingsFrom } from './options.js';
import { prepareEvent } from './prepare-event.js';
import { eventsPerRequest } from './protocols/encode.js';
import { V2_MAX_PLAINTEXT_BYTES } from './protocols/v2.js';
import { BoundedQueue } from './queue.js';
import { collectUrl } from './transport.js';
import { type CollectAnswer, type TmonClientOptions, TmonError, type TmonEvent, type TmonStats } from './types.js';

interface Sleeper {
  timer: NodeJS.Timeout;
  wake: () => void;
}

export class TmonClient implements ExitParticipant {
  private readonly target: DeliveryTarget;
  private readonly hooks: DeliveryHooks;
  private readonly queue: BoundedQueue;
  private readonly batchSize: number;
  private readonly perRequest: number;
  private readonly flushIntervalMs: number;
  private readonly concurrency: number;
  private readonly closeTimeoutMs: number;
  private readonly onError: (error: TmonError) => void;

  private readonly counts = { sent: 0, retried: 0, dropped: 0, failed: 0 };
  private inFlightRequests = 0;
  private inFlightEvents = 0;
  /** send now rather than wait for a full batch: the timer fired, flush() or close() was called */
  private urgent = false;
  private timer: NodeJS.Timeout | null = null;
  private pumpScheduled = false;
  private queueFull = false;
  private closing: Promise<void> | null = null;
  private closeDeadline: number | null = null;
  private readonly sleepers = new Set<Sleeper>();
  private idleWaiters: (() => void)[] = [];

  constructor(options: TmonClientOptions) {
    const settings = settingsFrom(options);
    this.target = {
      url: collectUrl(settings.server),
      protocol: settings.protocol,
      wsid: settings.wsid,
      secret: settings.secret,
      timeoutMs: settings.timeoutMs,
      fetch: settings.fetch,
      policy: { maxRetries: settings.maxRetries, baseMs: settings.retryBaseMs, maxMs: settings.retryMaxMs },
    };
    this.hooks = {
      onRetry: (events) => {
        this.counts.retried += events;
      },
      sleep: (ms) => this.sleep(ms, false),
      deadline: () => this.closeDeadline,
    };
    this.queue = new BoundedQueue(settings.maxQueue);
    this.batchSize = settings.batchSize;
    this.perRequest = Math.min(settings.batchSize, eventsPerRequest(settings.protocol));
    this.flushIntervalMs = settings.flushIntervalMs;
    this.concurrency = settings.concurrency;
    this.closeTimeoutMs = settings.closeTimeoutMs;
    this.onError = settings.onError ?? ((error) => console.warn(`tmon client: ${error.message}`));
    if (settings.exitHooks !== false) registerForExit(this);
  }

  /** Queues one event. Never blocks, never throws: problems go to `onError` and `stats()`. */
  track(event: TmonEvent): void {
    try {
      if (this.closing !== null) {
        this.counts.dropped += 1;
        return;
      }
      const prepared = prepareEvent(event, Date.now());
      if (!prepared.ok) {
        this.counts.dropped += 1;
        this.report(new TmonError('invalid_event', `event dropped: ${prepared.reason}`, 1));
        return;
      }
      const dropped = this.queue.push({ json: prepared.json, bytes: Buffer.byteLength(prepared.json) });
      if (dropped > 0) {
        this.counts.dropped += dropped;
        if (!this.queueFull) {
          this.queueFull = true;
          const message = `the queue holds ${this.queue.capacity} events: dropping the oldest until tmon catches up`;
          this.report(new TmonError('queue_full', message, dropped));
        }
      }
      if (this.queue.length >= this.batchSize) this.urgent = true;
      this.schedulePump();
    } catch (error) {
      this.report(
        new TmonError('invalid_event', `event dropped: ${(error as Error).message}`, 1, null, { cause: error }),
      );
    }
  }

  /** Sends everything queued now; resolves when all of it is answered (or given up: see onError). */
  flush(): Promise<void> {
    this.urgent = true;
    this.pump();
    return this.idle();
  }

  /**
   * Sends what is queued, for at most `closeTimeoutMs` (events still queued
   * then are dropped and counted), and stops: later track() calls are dropped.
   */
  close(): Promise<void> {
    return this.closeWithin(this.closeTimeoutMs);
  }

  /** @internal exit handling: close() with a shorter limit */
  closeWithin(timeoutMs: number): Promise<void> {
    if (this.closing !== null) return this.closing;
    this.closeDeadline = Date.now() + Math.min(timeoutMs, this.closeTimeoutMs);
    unregisterForExit(this);
    // a batch waiting out a backoff retries now: close() has little time
    for (const sleeper of this.sleepers) sleeper.wake();
    this.closing = this.drainUntilDeadline();
    return this.closing;
  }

  /**
   * Sends one event at once, outside the queue (with the same retries), and
   * resolves with tmon's answer — accepted or refused. Rejects with a
   * TmonError only when no answer came (network errors, 429/5xx to the end).
   * For scripts and smoke tests (`tmon send`); services should use track().
   */
  async send(event: TmonEvent): Promise<CollectAnswer> {
    const prepared = prepareEvent(event, Date.now());
    if (!prepared.ok) throw new TmonError('invalid_event', prepared.reason, 1);
    this.inFlightEvents += 1;
    // the caller awaits this answer: its backoff must keep the process alive, or a script
    // whose only work is this send ends mid-wait with the promise pending (exit code 13)
    const hooks: DeliveryHooks = { ...this.hooks, sleep: (ms) => this.sleep(ms, true) };
    try {
      const outcome = await deliver([prepared.json], this.target, hooks);
      if (outcome.kind === 'gave_up') {
        this.counts.failed += 1;
        throw givenUp(outcome.answer, outcome.error, 1);
      }
      this.counts[outcome.kind === 'accepted' ? 'sent' : 'failed'] += 1;
      return { status: outcome.answer.status, body: outcome.answer.body };
    } finally {
      this.inFlightEvents -= 1;
    }
  }

  stats(): TmonStats {
    return { queued: this.queue.length, inFlight: this.inFlightEvents, ...this.counts };
  }

  private async drainUntilDeadline(): Promise<void> {
    this.urgent = true;
    this.pump();
    let timer: NodeJS.Timeout | undefined;
    // referenced on purpose: the process waits (at most the deadline) for the events
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, (this.closeDeadline ?? 0) - Date.now()));
    });
    await Promise.race([this.idle(), deadline]);
    clearTimeout(timer);
    const left = this.queue.clear();
    if (left > 0) {
      this.counts.dropped += left;
      this.report(new TmonError('gave_up', `closed with ${left} events still queued: dropped`, left));
    }
    this.clearTimer();
  }

  private schedulePump(): void {
    if (this.urgent) {
      if (this.pumpScheduled) return;
      this.pumpScheduled = true;
      // not in track() itself: encrypting a batch belongs off the caller's path
      setImmediate(() => {
        this.pumpScheduled = false;
        this.pump();
      }).unref();
    } else {
      this.armTimer();
    }
  }

  private pump(): void {
    if (!this.urgent) {
      if (this.queue.length > 0) this.armTimer();
      return;
    }
    while (this.inFlightRequests < this.concurrency && this.queue.length > 0) {
      const batch = this.queue.take(this.perRequest, V2_MAX_PLAINTEXT_BYTES).map((event) => event.json);
      this.inFlightRequests += 1;
      this.inFlightEvents += batch.length;
      void this.sendBatch(batch).finally(() => {
        this.inFlightRequests -= 1;
        this.inFlightEvents -= batch.length;
        this.pump();
        this.notifyIfIdle();
      });
    }
    if (this.queue.length === 0) {
      this.urgent = this.closing !== null;
      this.queueFull = false;
      this.clearTimer();
    }
  }

  private async sendBatch(events: string[]): Promise<void> {
    try {
      const outcome = await deliver(events, this.target, this.hooks);
      for (const { answer } of outcome.rejected) {
        this.counts.failed += 1;
        this.report(new TmonError('refused', `tmon refused an event: ${describe(answer)}`, 1, answer));
      }
      const count = events.length - outcome.rejected.length;
      if (outcome.kind === 'accepted') {
        this.counts.sent += count;
      } else if (outcome.kind === 'refused') {
        this.counts.failed += count;
        const what = `tmon refused ${count} event${count === 1 ? '' : 's'}: ${describe(outcome.answer)}`;
        this.report(new TmonError('refused', what, count, outcome.answer));
      } else {
        this.counts.failed += count;
        this.report(givenUp(outcome.answer, outcome.error, count));
      }
    } catch (error) {
      // a bug of ours must not become an unhandled rejection in the caller's process
      this.counts.failed += events.length;
      this.report(new TmonError('gave_up', `sending failed: ${(error as Error).message}`, events.length, null));
    }
  }

  private armTimer(): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.urgent = true;
      this.pump();
    }, this.flushIntervalMs);
    // a pending batch must not keep the process alive: beforeExit sends it
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private sleep(ms: number, keepProcessAlive: boolean): Promise<void> {
    return new Promise((resolve) => {
      const sleeper: Sleeper = {
        timer: setTimeout(() => sleeper.wake(), ms),
        wake: () => {
          clearTimeout(sleeper.timer);
          this.sleepers.delete(sleeper);
          resolve();
        },
      };
      // a background batch's backoff does not keep the process alive, except while close() waits for it
      if (!keepProcessAlive && this.closing === null) sleeper.timer.unref();
      this.sleepers.add(sleeper);
    });
  }

  private idle(): Promise<void> {
    if (this.queue.length === 0 && this.inFlightRequests === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private notifyIfIdle(): void {
    if (this.queue.length > 0 || this.inFlightRequests > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private report(error: TmonError): void {
    try {
      this.onError(error);
    } catch {
      // the hook is the caller's code: its failure must not reach the caller's request path
    }
  }
}
