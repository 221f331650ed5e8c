/**
 * Sends the spool's batches to tmon, oldest first, one at a time (their order
 * is the log's), and removes each once tmon acknowledged it. While tmon
 * cannot be reached the batch stays at the head of the spool and is tried
 * again about every second; the follower says once that tmon is unreachable
 * and once that it answers again. A request tmon refuses as a whole (a wrong,
 * revoked or expired token) ends the follower: the same request would be
 * refused forever, and the batches stay in the spool for the next run.
 */
import { CommandFailed } from '../args.js';
import { BatchNotSent, type EventRefusal, sendBatch } from './batch-sender.js';
import type { Spool } from './spool.js';

/** how long one call of the batch sender retries before this loop reports and waits */
const GIVE_UP_AFTER_MS = 2_000;
/** one try's limit: a server that accepts the connection but never answers is retried */
const TRY_TIMEOUT_MS = 10_000;
const PAUSE_WHILE_UNREACHABLE_MS = 1_000;

export interface SpoolSenderOptions {
  readonly server: string;
  readonly token: string;
  /** reasons to print, one per line */
  readonly report: (message: string) => void;
  /** an event tmon refused on its own: the rest of its batch is stored */
  readonly onRefusedEvent: (refusal: EventRefusal) => void;
  readonly onStored: (accepted: number) => void;
}

export interface SpoolSenderStop {
  /** set when the follower stops reading: return once the spool is empty */
  readonly stopping: AbortSignal;
  /** set when the follower must stop now: the batch on its way is abandoned (it stays in the spool) */
  readonly deadline: AbortSignal;
}

export async function sendSpooled(spool: Spool, options: SpoolSenderOptions, stop: SpoolSenderStop): Promise<void> {
  let unreachable = false;
  // made once: a listener per wait would pile up on the signals
  const stopping = aborted(stop.stopping);
  const overdue = aborted(stop.deadline);
  while (!stop.deadline.aborted) {
    const batch = spool.oldest();
    if (batch === null) {
      if (stop.stopping.aborted) return;
      await Promise.race([spool.nextBatch(), stopping, overdue]);
      continue;
    }
    try {
      const result = await sendBatch(await spool.events(batch), {
        server: options.server,
        token: options.token,
        giveUpAfterMs: GIVE_UP_AFTER_MS,
        tryTimeoutMs: TRY_TIMEOUT_MS,
        signal: stop.deadline,
      });
      await spool.remove(batch);
      for (const refusal of result.refused) options.onRefusedEvent(refusal);
      options.onStored(result.accepted);
      if (unreachable) {
        unreachable = false;
        options.report(`tmon answers again: sending what waited in ${spool.directory}`);
      }
    } catch (error) {
      // stopped mid-send: the batch stays at the spool's head for the next run
      if (stop.deadline.aborted) return;
      if (!(error instanceof BatchNotSent)) throw error;
      if (error.kind === 'refused') {
        throw new CommandFailed(`${error.message}; the unsent batches stay in ${spool.directory}`);
      }
      if (!unreachable) {
        unreachable = true;
        options.report(`${error.message}; batches wait in ${spool.directory} until it answers`);
      }
      await pause(PAUSE_WHILE_UNREACHABLE_MS, stop.deadline);
    }
  }
}

function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
