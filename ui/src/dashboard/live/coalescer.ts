/**
 * Collects what the live stream delivers and hands it on in batches, at most
 * once per `intervalMs`. At 2,000 events/s the server sends ~500 events per
 * 250 ms frame; rendering per event would mean thousands of DOM updates a
 * second, so the page renders per batch instead (≤ 4 a second at 250 ms).
 *
 * The pending queue is bounded: if the tab is throttled (background tabs get
 * one timer a minute) only the newest `capacity` items are kept and the rest
 * are counted in `dropped`. Import-free so node:test can drive it with a fake
 * scheduler.
 */

export interface Batch<T> {
  /** oldest first, at most `capacity` */
  items: T[];
  /** items that arrived but were left out to respect the bound, plus what the server reported as skipped */
  dropped: number;
  /** everything that arrived in this batch's span, kept or not */
  arrived: number;
}

export type Schedule = (run: () => void, ms: number) => () => void;

export const defaultSchedule: Schedule = (run, ms) => {
  const id = setTimeout(run, ms);
  return () => clearTimeout(id);
};

export class Coalescer<T> {
  private pending: T[] = [];
  private dropped = 0;
  private arrived = 0;
  private cancel: (() => void) | null = null;
  private lastFlush = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly capacity: number,
    private readonly intervalMs: number,
    private readonly onFlush: (batch: Batch<T>) => void,
    private readonly schedule: Schedule = defaultSchedule,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** queue items (oldest first); `skipped` counts items the sender already dropped */
  add(items: readonly T[], skipped = 0): void {
    for (const item of items) this.pending.push(item);
    this.arrived += items.length + skipped;
    this.dropped += skipped;
    // trim in chunks, not per item: amortised O(1), and never more than 2×capacity held
    if (this.pending.length > this.capacity * 2) this.trim();
    this.arm();
  }

  /** pending items right now (for tests and diagnostics) */
  get pendingCount(): number {
    return this.pending.length;
  }

  flush(): void {
    this.cancel?.();
    this.cancel = null;
    this.trim();
    const batch: Batch<T> = { items: this.pending, dropped: this.dropped, arrived: this.arrived };
    this.pending = [];
    this.dropped = 0;
    this.arrived = 0;
    this.lastFlush = this.now();
    this.onFlush(batch);
  }

  dispose(): void {
    this.cancel?.();
    this.cancel = null;
    this.pending = [];
  }

  private trim(): void {
    const excess = this.pending.length - this.capacity;
    if (excess > 0) {
      this.pending.splice(0, excess);
      this.dropped += excess;
    }
  }

  private arm(): void {
    if (this.cancel !== null) return;
    // the first batch after a quiet spell goes out at once; later ones wait out the interval
    const wait = Math.max(0, this.lastFlush + this.intervalMs - this.now());
    this.cancel = this.schedule(() => {
      this.cancel = null;
      this.flush();
    }, wait);
  }
}
