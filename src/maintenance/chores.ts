/**
 * Background work on timers: slide the ranking windows every second, delete
 * raw events past the retention period, prune rollup buckets no query can
 * reach, and drop expired sessions. Each chore logs its failures and tries
 * again on its next tick; none blocks ingestion for long (retention deletes
 * in chunks).
 */
import type { Clock } from '../clock.js';
import type { Store } from '../store/store.js';

const WINDOW_TICK_MS = 1_000;
const HOUSEKEEPING_MS = 60_000;
/** rows per retention delete: small enough to keep each transaction to a few ms */
const RETENTION_CHUNK = 5_000;
const RETENTION_MAX_CHUNKS_PER_TICK = 200;

export interface ChoreDeps {
  store: Store;
  clock: Clock;
  retentionDays: number;
  log: { error(message: string, error?: unknown): void; info(message: string): void };
}

export function startChores({ store, clock, retentionDays, log }: ChoreDeps): { stop(): void } {
  let running = true;

  const windows = every(WINDOW_TICK_MS, 'sliding the ranking windows', () => store.advanceWindows(clock()));
  const housekeeping = every(HOUSEKEEPING_MS, 'housekeeping', async () => {
    await store.pruneRollups(clock());
    await store.deleteExpiredSessions(clock());
    if (retentionDays > 0) {
      const before = clock() - retentionDays * 86_400_000;
      let deleted = 0;
      for (let chunk = 0; chunk < RETENTION_MAX_CHUNKS_PER_TICK && running; chunk++) {
        const n = await store.deleteEventsBefore(before, RETENTION_CHUNK);
        deleted += n;
        if (n < RETENTION_CHUNK) break;
        // let requests in between chunks
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (deleted > 0) log.info(`retention: deleted ${deleted} events older than ${retentionDays} days`);
    }
  });

  function every(ms: number, what: string, chore: () => Promise<unknown>): NodeJS.Timeout {
    let busy = false;
    const timer = setInterval(async () => {
      if (busy || !running) return;
      busy = true;
      try {
        await chore();
      } catch (error) {
        log.error(`${what} failed (will retry)`, error);
      } finally {
        busy = false;
      }
    }, ms);
    timer.unref();
    return timer;
  }

  return {
    stop() {
      running = false;
      clearInterval(windows);
      clearInterval(housekeeping);
    },
  };
}
