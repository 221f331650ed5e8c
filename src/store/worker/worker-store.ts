/**
 * A Store whose SQLite writer connection lives in a worker thread. Every method is
 * forwarded as a message and answered in order; the interface is the same as
 * the inline store's, so callers cannot tell. Ingestion gains a core: the
 * HTTP thread decrypts, validates and enriches while the writer thread
 * inserts, commits and rolls up, and a third thread copies the committed
 * pages from the WAL into the database file.
 */

import type { AccountStore } from '../account-store.js';
import { StoreConflictError, StoreNotFoundError } from '../errors.js';
import type { EventStore } from '../event-store.js';
import { type PackedSeries, unpackSeries } from '../sqlite/packed-series.js';
import { type CompactWriteResult, packWrites, unpackResults } from '../sqlite/packed-writes.js';
import { openSqliteStore, type SqliteOpenOptions } from '../sqlite/sqlite-store.js';
import type { EventWrite, EventWriteResult, Resolution, Store } from '../store.js';
import { startCheckpointer } from './checkpointer.js';
import type { CallTarget, ReplyMessage, SerializedError } from './protocol.js';
import { describeThreadError, startWorker } from './start-worker.js';

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
  // the name and code say what went wrong for errors of no class here (DataDirectoryBusyError, EACCES)
  revived.name = error.name;
  if (error.code !== undefined) Object.assign(revived, { code: error.code });
  return revived;
}

/**
 * Point lookups of accounts and services (a session, a token, a user, a
 * service, a share), made on every API and dashboard request, are answered on
 * the calling thread from a connection of its own: one costs SQLite less
 * than a hop to the writer thread and back, whose p99 reaches milliseconds,
 * and none waits behind group commits under ingest load. WAL
 * lets them read beside the writer, and a write made through the writer
 * thread has committed before its promise resolves, so a lookup after it
 * sees it.
 */
const LOOKUPS_ON_THIS_THREAD = new Set<keyof AccountStore>([
  'findUserByName',
  'findUserById',
  'countUsers',
  'findSession',
  'findTokenByHash',
  'findServiceById',
  'findServiceByName',
  'canUserSeeService',
]);

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export interface WorkerStoreOptions {
  /** the checkpointer thread failed (checkpoints then fall back to the writer): for the log */
  onBackgroundError?: (error: Error) => void;
}

export async function openWorkerSqliteStore(
  options: SqliteOpenOptions,
  { onBackgroundError = (error) => console.error(`tmon: ${error.message}`) }: WorkerStoreOptions = {},
): Promise<Store> {
  const worker = startWorker('store-worker', options);
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

  // started once the writer has opened (and if need be created) the database in WAL mode
  const checkpointer = startCheckpointer(options, onBackgroundError);
  const lookups = await openSqliteStore({ dataDir: options.dataDir, synchronous: options.synchronous });

  worker.on('message', (message: ReplyMessage) => {
    const waiting = pending.get(message.id);
    if (!waiting) return;
    pending.delete(message.id);
    if ('ok' in message && message.ok) waiting.resolve(message.value);
    else if ('error' in message) waiting.reject(revive(message.error));
  });
  worker.on('error', (error) => failAll(new Error(`the store thread failed: ${describeThreadError(error)}`)));
  worker.on('exit', (code) => failAll(new Error(`the store thread exited (code ${code})`)));

  function call(target: CallTarget, method: string, args: unknown[]): Promise<unknown> {
    if (failure) return Promise.reject(failure);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, target, method, args });
    });
  }

  async function requestSeries(serviceId: number, resolution: Resolution, limit: number, now: number) {
    // counts cross the thread boundary, points are rebuilt here (packed-series.ts)
    const packed = await call('events', 'requestSeriesPacked', [serviceId, resolution, limit, now]);
    return unpackSeries(packed as PackedSeries);
  }

  async function writeEvents(writes: EventWrite[], now: number): Promise<EventWriteResult[]> {
    // packed here, on the calling thread: the hop copies flat values instead of event objects
    const compact = (await call('events', 'writePackedEvents', [packWrites(writes, now)])) as CompactWriteResult[];
    return unpackResults(writes, compact, now);
  }

  /** Every method of a half, forwarded to the thread; `local` answers some here instead. */
  function forwarded<T extends object>(target: CallTarget, local: (method: string) => unknown): T {
    return new Proxy({} as T, {
      get(_target, method: string) {
        const here = local(method);
        if (here !== undefined) return here;
        if (method === 'then') return undefined; // not a thenable: `await store.accounts` must not call the worker
        return (...args: unknown[]) => call(target, method, args);
      },
    });
  }

  const accounts = forwarded<AccountStore>('accounts', (method) =>
    LOOKUPS_ON_THIS_THREAD.has(method as keyof AccountStore)
      ? lookups.accounts[method as keyof AccountStore]
      : undefined,
  );
  const events = forwarded<EventStore>('events', (method) => {
    if (method === 'writeEvents') return writeEvents;
    if (method === 'requestSeries') return requestSeries;
    // two: while one group commits, the next already waits in the writer thread's queue, so the writer goes on
    // at once instead of waiting for this thread, often busy parsing a request, to hand it over (the thread still
    // runs them one at a time, in order; an import of 1M log lines: 14.9–15.8 s → 12.9–13.8 s)
    if (method === 'writeConcurrency') return 2;
    return undefined;
  });
  return {
    accounts,
    events,
    // on this thread's own connection, as the lookups: a delivery's few rows are no work for the writer thread
    alertChannels: lookups.alertChannels,
    // the same: an evaluation's compare-and-set is a few rows; the readings it needs go to the writer thread
    alertRules: lookups.alertRules,
    migrate: () => call('store', 'migrate', []) as Promise<void>,
    pendingMigrations: () => call('store', 'pendingMigrations', []) as ReturnType<Store['pendingMigrations']>,
    async close() {
      // first: the writer's close then is the last connection's, which checkpoints and removes the WAL
      await lookups.close();
      await checkpointer.stop();
      if (failure) return;
      await call('store', 'close', []);
      await worker.terminate();
    },
  };
}
