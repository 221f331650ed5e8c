import type { SqliteOpenOptions } from '../sqlite/database.js';
import type { CheckpointerMessage } from './protocol.js';
import { describeThreadError, startWorker } from './start-worker.js';

export interface Checkpointer {
  /** resolves once the thread has closed its connection and exited */
  stop(): Promise<void>;
}

/**
 * The checkpointer thread (checkpoint-worker.ts), for a database the writer
 * has opened. Its failures are reported, never fatal: the writer's own
 * auto-checkpoint goes on without it. `stop()` resolves once it has closed
 * its connection.
 */
export function startCheckpointer(options: SqliteOpenOptions, onError: (error: Error) => void): Checkpointer {
  const worker = startWorker('checkpoint-worker', options);
  let stopping = false;
  let crashed = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.on('message', (message: CheckpointerMessage) => {
    if ('failed' in message) onError(new Error(`checkpointing the SQLite WAL failed: ${message.failed}`));
  });
  worker.on('error', (error) => {
    crashed = true;
    onError(
      new Error(`the SQLite checkpointer thread failed, the writer checkpoints alone: ${describeThreadError(error)}`),
    );
  });
  worker.once('exit', (code) => {
    if (!stopping && !crashed)
      onError(new Error(`the SQLite checkpointer thread exited (code ${code}); the writer checkpoints alone`));
  });
  return {
    async stop() {
      stopping = true;
      worker.postMessage({ stop: true } satisfies CheckpointerMessage);
      await exited;
    },
  };
}
