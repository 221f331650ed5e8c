/**
 * Decides when an async refresh runs. Three rules:
 * - never two at once: asking during one runs one more after it ends, however
 *   often it was asked;
 * - `poke` (something changed) starts at most one refresh per `intervalMs`,
 *   counted between pokes' refreshes only, so a steady stream of changes costs
 *   one refresh per interval;
 * - `now` (a snapshot, a window change) runs at once and does not count, so the
 *   first change after it is not held back by it: the refresh it asks for waits
 *   at most for the one in flight, not for a whole interval on top.
 *
 * Imports only the import-free coalescer, so node:test can drive it with a
 * fake scheduler.
 */
import { defaultSchedule, type Schedule } from '../live/coalescer.js';

export class RefreshThrottle {
  private inFlight = false;
  private again = false;
  private lastPokeStart = Number.NEGATIVE_INFINITY;
  private cancel: (() => void) | null = null;

  constructor(
    /** reports its own errors (ResyncFeed puts them in its state): a rejection here would go unhandled */
    private readonly refresh: () => Promise<void>,
    private readonly intervalMs: number,
    private readonly schedule: Schedule = defaultSchedule,
    private readonly clock: () => number = () => Date.now(),
  ) {}

  /** something changed: refresh soon, but not more often than every `intervalMs` */
  poke(): void {
    if (this.cancel !== null) return;
    const wait = Math.max(0, this.lastPokeStart + this.intervalMs - this.clock());
    this.cancel = this.schedule(() => {
      this.cancel = null;
      this.lastPokeStart = this.clock();
      this.now();
    }, wait);
  }

  /** refresh at once, or right after the refresh in flight */
  now(): void {
    if (this.inFlight) {
      this.again = true;
      return;
    }
    this.inFlight = true;
    void this.refresh().finally(() => {
      this.inFlight = false;
      if (this.again) {
        this.again = false;
        this.now();
      }
    });
  }

  dispose(): void {
    this.cancel?.();
    this.cancel = null;
  }
}
