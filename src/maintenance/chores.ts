/**
 * Background work on timers: slide the ranking windows every second, delete
 * raw events past the retention period, prune rollup buckets no query can
 * reach, and drop expired sessions. Each chore logs its failures and tries
 * again on its next tick; none blocks ingestion for long (retention and
 * pruning delete in chunks).
 */
import type { Clock } from '../clock.js';
import type { AccountStore } from '../store/account-store.js';
import type { EventStore } from '../store/event-store.js';

const WINDOW_TICK_MS = 1_000;
const HOUSEKEEPING_MS = 60_000;
/** rows per retention or prune step: small enough to keep each transaction to a few ms */
const CHUNK_ROWS = 5_000;
/** steps per housekeeping tick and chore: a backlog (after a large import) is worked off over ticks */
const MAX_CHUNKS_PER_TICK = 200;

export interface ChoreDeps {
  events: Pick<EventStore, 'advanceWindows' | 'pruneRollups' | 'deleteEventsBefore'>;
  /** for expired sessions */
  accounts: Pick<AccountStore, 'deleteExpiredSessions'>;
  clock: Clock;
  retentionDays: number;
  log: { error(message: string, error?: unknown): void; info(message: string): void };
}

export function startChores({ events, accounts, clock, retentionDays, log }: ChoreDeps): { stop(): void } {
  let running = true;

  const windows = every(WINDOW_TICK_MS, 'sliding the ranking windows', () => events.advanceWindows(clock()));
  const housekeeping = every(HOUSEKEEPING_MS, 'housekeeping', async () => {
    const now = clock();
    await inChunks((maxRows) => events.pruneRollups(now, maxRows));
    await accounts.deleteExpiredSessions(now);
    if (retentionDays > 0) {
      const before = now - retentionDays * 86_400_000;
      const deleted = await inChunks((maxRows) => events.deleteEventsBefore(before, maxRows));
      if (deleted > 0) log.info(`retention: deleted ${deleted} events older than ${retentionDays} days`);
    }
  });

  /** Runs `step` (which takes at most maxRows rows) until it takes fewer, or the tick's budget is spent. */
  async function inChunks(step: (maxRows: number) => Promise<number>): Promise<number> {
    let total = 0;
    for (let chunk = 0; chunk < MAX_CHUNKS_PER_TICK && running; chunk++) {
      const n = await step(CHUNK_ROWS);
      total += n;
      if (n < CHUNK_ROWS) break;
      // let requests in between chunks
      await new Promise((resolve) => setImmediate(resolve));
    }
    return total;
  }

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
