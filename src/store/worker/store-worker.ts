/**
 * The SQLite writer thread: owns the database connection, so commits, fsyncs
 * and rollup flushes never stall the thread that answers HTTP. It runs the
 * store's methods in the order they arrive.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteStore, type SqliteStore } from '../sqlite/sqlite-store.js';
import type { CallMessage, ReplyMessage, SerializedError, WorkerInit } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('store-worker.ts runs only as a worker thread');

function serialize(error: unknown): SerializedError {
  const e = error instanceof Error ? error : new Error(String(error));
  const code = (e as { code?: unknown }).code;
  return { name: e.name, message: e.message, stack: e.stack, ...(typeof code === 'string' ? { code } : {}) };
}

let store: SqliteStore;
try {
  store = await openSqliteStore(workerData as WorkerInit);
  port.postMessage({ id: 0, ready: true } satisfies ReplyMessage);
} catch (error) {
  port.postMessage({ id: 0, ready: false, error: serialize(error) } satisfies ReplyMessage);
  process.exit(1);
}

port.on('message', async ({ id, target, method, args }: CallMessage) => {
  let reply: ReplyMessage;
  try {
    const object = target === 'store' ? store : store[target];
    const fn = (object as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method];
    if (typeof fn !== 'function') throw new TypeError(`the store has no method ${target}.${method}`);
    reply = { id, ok: true, value: await fn.apply(object, args) };
  } catch (error) {
    reply = { id, ok: false, error: serialize(error) };
  }
  port.postMessage(reply);
  if (target === 'store' && method === 'close') port.close();
});
