/** Events per second over the last minute, in a ring of 60 one-second slots. */
export class RateCounter {
  readonly #slots = new Float64Array(60);
  #slotSecond = 0;

  add(count: number, now: number): void {
    this.#advance(now);
    this.#slots[this.#slotSecond % 60]! += count;
  }

  /** events in the last full second and in the last 60 seconds */
  read(now: number): { lastSecond: number; lastMinute: number } {
    this.#advance(now);
    let lastMinute = 0;
    for (const slot of this.#slots) lastMinute += slot;
    return { lastSecond: this.#slots[(this.#slotSecond + 59) % 60]!, lastMinute };
  }

  #advance(now: number): void {
    const second = Math.floor(now / 1000);
    if (second <= this.#slotSecond) return;
    // clear every slot skipped since the last event, at most the whole ring
    for (let s = Math.max(this.#slotSecond + 1, second - 59); s <= second; s++) this.#slots[s % 60] = 0;
    this.#slotSecond = second;
  }
}
