/**
 * How many live streams are open in this process, per user and in all, so that no caller can hold enough
 * of them to slow collection for everyone. A stream takes a slot before anything else is set up
 * for it and gives it back once, however it ends; a refused stream takes none.
 *
 * Per process: the counts are this process's own, so behind a load balancer a user may hold `perUser`
 * streams on each process.
 */

export interface StreamLimits {
  perUser: number;
  total: number;
}

/** Why a slot was refused: the user holds all of theirs, or the process holds all it may. */
export type SlotRefusal = 'user' | 'process';

/** What take() answers: a slot with `release` to give it back (calling it again does nothing), or why not. */
export type StreamSlot = { granted: true; release: () => void } | { granted: false; refusal: SlotRefusal };

export class StreamSlots {
  readonly #byUser = new Map<number, number>();
  #total = 0;

  constructor(private readonly limits: StreamLimits) {}

  take(userId: number): StreamSlot {
    const held = this.#byUser.get(userId) ?? 0;
    if (held >= this.limits.perUser) return { granted: false, refusal: 'user' };
    if (this.#total >= this.limits.total) return { granted: false, refusal: 'process' };
    this.#byUser.set(userId, held + 1);
    this.#total++;
    let released = false;
    return {
      granted: true,
      release: () => {
        // a stream may end in more than one way at once (an error, then its socket's close): count it once
        if (released) return;
        released = true;
        this.#total--;
        const left = (this.#byUser.get(userId) ?? 1) - 1;
        if (left === 0) this.#byUser.delete(userId);
        else this.#byUser.set(userId, left);
      },
    };
  }

  /** streams open: of this user, or in all */
  held(userId?: number): number {
    return userId === undefined ? this.#total : (this.#byUser.get(userId) ?? 0);
  }
}
