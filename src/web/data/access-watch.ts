/**
 * Keeps checking that the callers of open live streams may still see their
 * service, and closes the streams of those who may not: a logout, an expired
 * or revoked token or session, a password change or reset, a removed user or
 * share. Access is checked in the database, which every tmon process shares,
 * so a change made through any process ends streams on all of them within
 * one interval plus one check. Streams with the same credential and service
 * share one check, so many viewers on one login cost one.
 *
 * A check that fails (the database is unreachable) confirms nothing: a stream
 * whose access has gone unconfirmed for `failClosedMs` is closed too, rather
 * than left open on a revocation that could not be read.
 */
import { type Caller, credentialKey } from '../../accounts/caller.js';
import type { Clock } from '../../clock.js';

export interface WatchedStream {
  caller: Caller;
  serviceId: number;
  /** ends the stream; called once */
  endAccess(): void;
}

export interface AccessWatchOptions {
  /** true while the caller may still read the service */
  mayStillSee(caller: Caller, serviceId: number): Promise<boolean>;
  clock: Clock;
  intervalMs: number;
  failClosedMs: number;
  /** once per round in which checks failed: the first error, and how many failed */
  onCheckFailed(error: unknown, failedChecks: number): void;
}

interface Group {
  streams: Set<WatchedStream>;
  lastConfirmed: number;
}

export class AccessWatch {
  readonly #groups = new Map<string, Group>();
  readonly #options: AccessWatchOptions;
  #timer: NodeJS.Timeout | undefined;
  #sweeping = false;

  constructor(options: AccessWatchOptions) {
    this.#options = options;
  }

  /** Watches a stream from now on; returns the function that stops watching it. */
  watch(stream: WatchedStream): () => void {
    const key = `${credentialKey(stream.caller.credential)}|${stream.serviceId}`;
    let group = this.#groups.get(key);
    if (!group) {
      group = { streams: new Set(), lastConfirmed: this.#options.clock() };
      this.#groups.set(key, group);
    }
    group.streams.add(stream);
    this.#timer ??= setInterval(() => void this.sweep(), this.#options.intervalMs).unref();
    const watched = group;
    return () => {
      watched.streams.delete(stream);
      if (watched.streams.size === 0 && this.#groups.get(key) === watched) this.#groups.delete(key);
      if (this.#groups.size === 0) this.stop();
    };
  }

  get watchedStreams(): number {
    let n = 0;
    for (const group of this.#groups.values()) n += group.streams.size;
    return n;
  }

  /** One round of checks: one per credential and service. A round still running is not started again. */
  async sweep(): Promise<void> {
    if (this.#sweeping) return;
    this.#sweeping = true;
    try {
      const failures = (await Promise.all([...this.#groups.values()].map((group) => this.#check(group)))).filter(
        (failure) => failure !== null,
      );
      if (failures.length > 0) this.#options.onCheckFailed(failures[0]!.error, failures.length);
    } finally {
      this.#sweeping = false;
    }
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** null, or the check's failure when it could not be made */
  async #check(group: Group): Promise<{ error: unknown } | null> {
    const [first] = group.streams;
    if (!first) return null;
    const { mayStillSee, clock, failClosedMs } = this.#options;
    let failure: { error: unknown } | null = null;
    try {
      if (await mayStillSee(first.caller, first.serviceId)) {
        group.lastConfirmed = clock();
        return null;
      }
    } catch (error) {
      failure = { error };
      if (clock() - group.lastConfirmed < failClosedMs) return failure;
    }
    for (const stream of [...group.streams]) stream.endAccess();
    return failure;
  }
}
