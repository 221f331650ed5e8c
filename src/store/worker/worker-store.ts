/**
 * A Store whose SQLite connection lives in a worker thread. Every method is
 * forwarded as a message and answered in order; the interface is the same as
 * the inline store's, so callers cannot tell. Ingestion gains a core: the
 * HTTP thread decrypts, validates and enriches while the writer thread
 * inserts, commits and rolls up.
 */
import { Worker } from 'node:worker_threads';
import { StoreConflictError, StoreNotFoundError } from '../errors.js';
import { type CompactWriteResult, packWrites, unpackResults } from '../sqlite/packed-writes.js';
import type { SqliteOpenOptions } from '../sqlite/sqlite-store.js';
import type { EventWrite, EventWriteResult, Store } from '../store.js';
import type { ReplyMessage, SerializedError } from './protocol.js';

const KNOWN_ERRORS: Record<string, new (message: string) => Error> = {
  StoreConflictError,
  StoreNotFoundError,
  TypeError,
  RangeError,
};

function revive(error: SerializedError): Error {
  const Kind = KNOWN_ERRORS[error.name] ?? Error;
  const revived = new Kind(error.message);
  if (error.stack) revived.stack = error.stack;
  return revived;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * From the build, the compiled store-worker.js. From sources (tests, `npm run
 * dev`) the .ts file: Node 20 does not apply the parent's tsx loader to a
 * worker's entry, so a two-line bootstrap registers tsx in the worker first.
 */
function startWorker(options: SqliteOpenOptions): Worker {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./store-worker.js', import.meta.url), { workerData: options });
  const entry = new URL('./store-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
    .then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: options });
}

export async function openWorkerSqliteStore(options: SqliteOpenOptions): Promise<Store> {
  const worker = startWorker(options);
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let failure: Error | null = null;

  const failAll = (error: Error) => {
    failure ??= error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };

  await new Promise<void>((resolve, reject) => {
    worker.once('message', (message: ReplyMessage) => {
      if ('ready' in message && message.ready) resolve();
      else reject('error' in message ? revive(message.error) : new Error('the store thread did not start'));
    });
    worker.once('error', reject);
  });

  worker.on('message', (message: ReplyMessage) => {
    const waiting = pending.get(message.id);
    if (!waiting) return;
    pending.delete(message.id);
    if ('ok' in message && message.ok) waiting.resolve(message.value);
    else if ('error' in message) waiting.reject(revive(message.error));
  });
  worker.on('error', (error) => failAll(new Error(`the store thread failed: ${error.message}`)));
  worker.on('exit', (code) => failAll(new Error(`the store thread exited (code ${code})`)));

  function call(method: string, args: unknown[]): Promise<unknown> {
    if (failure) return Promise.reject(failure);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, method, args });
    });
  }

  async function writeEvents(writes: EventWrite[], now: number): Promise<EventWriteResult[]> {
    // packed here, on the calling thread: the hop copies flat values instead of event objects
    const compact = (await call('writePackedEvents', [packWrites(writes, now)])) as CompactWriteResult[];
    return unpackResults(writes, compact, now);
  }

  const proxy = new Proxy({} as Store, {
    get(_target, method: string) {
      if (method === 'writeEvents') return writeEvents;
      if (method === 'writeConcurrency') return 1; // one SQLite writer
      if (method === 'close') {
        return async () => {
          if (failure) return;
          await call('close', []);
          await worker.terminate();
        };
      }
      if (method === 'then') return undefined; // not a thenable: `await store` must not call the worker
      return (...args: unknown[]) => call(method, args);
    },
  });
  return proxy;
}
