/**
 * One timer for every connection's deadline. Each watched connection keeps
 * the instant its current deadline passes (a performance.now() reading, 0 for
 * none) and the sweep expires those past it, once per interval. Moving a
 * deadline is then a field write: no timer armed per request, and none
 * re-armed on every read and write as socket.setTimeout's is. A deadline is
 * late by at most one interval (connection-limits.ts picks it).
 */

export interface Deadline {
  /** performance.now() milliseconds after which expire() is called; 0: none */
  readonly deadline: number;
  /** the deadline has passed */
  expire(): void;
}

export class DeadlineSweep {
  readonly #watched = new Set<Deadline>();
  #timer: NodeJS.Timeout | null = null;

  constructor(private readonly intervalMs: number) {}

  watch(connection: Deadline): void {
    this.#watched.add(connection);
  }

  unwatch(connection: Deadline): void {
    this.#watched.delete(connection);
  }

  /** Sweeps every interval from now on, without keeping the process alive for it. */
  start(): void {
    if (this.#timer !== null) return;
    this.#timer = setInterval(() => this.sweep(performance.now()), this.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Expires every watched connection whose deadline is before `now`. */
  sweep(now: number): void {
    // a Set may lose members while it is iterated: expire() closing a connection may unwatch it
    for (const connection of this.#watched) {
      if (connection.deadline !== 0 && connection.deadline < now) connection.expire();
    }
  }
}
