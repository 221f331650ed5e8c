/**
 * When each sent event first reached the dashboard. A live frame carries the
 * newest events of its 250 ms (at most 200) and a count of the older ones it
 * skipped; a skipped event reached the dashboard as part of that count, with
 * that frame. So a frame covers the events it names, and as many of the
 * oldest events not yet covered as it skipped (publish order is taken for
 * send order: they differ by the few ms a group commit takes).
 */
export class FrameCoverage {
  /** send time of request n (performance.now()), for the requests sent */
  readonly #sentAt: number[] = [];
  readonly #covered: boolean[] = [];
  /** every request below this is covered */
  #oldestUncovered = 0;
  /** latency (ms) of each covered request sent at or after `measureFrom` */
  readonly latencies: number[] = [];
  /** frames whose skipped count found nothing left to cover */
  unmatchedSkips = 0;
  covered = 0;

  constructor(private readonly measureFrom: number) {}

  sent(n: number, at: number): void {
    this.#sentAt[n] = at;
  }

  /** A frame received at `at`: the request numbers it names, and how many older events it skipped. */
  frame(at: number, shown: readonly number[], skipped: number): void {
    for (const n of shown) this.#cover(n, at);
    let left = skipped;
    while (left > 0) {
      while (this.#oldestUncovered < this.#sentAt.length && this.#covered[this.#oldestUncovered])
        this.#oldestUncovered++;
      if (this.#oldestUncovered >= this.#sentAt.length) {
        this.unmatchedSkips += left;
        break;
      }
      this.#cover(this.#oldestUncovered, at);
      left--;
    }
  }

  /** Requests sent but never covered (lost on the way to the dashboard, or still in flight). */
  uncovered(): number {
    let n = 0;
    for (let i = 0; i < this.#sentAt.length; i++) if (this.#sentAt[i] !== undefined && !this.#covered[i]) n++;
    return n;
  }

  #cover(n: number, at: number): void {
    const sentAt = this.#sentAt[n];
    if (sentAt === undefined || this.#covered[n]) return;
    this.#covered[n] = true;
    this.covered++;
    if (sentAt >= this.measureFrom) this.latencies.push(at - sentAt);
  }
}
