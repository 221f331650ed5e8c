/**
 * The SQLite writer thread: owns the database connection, so commits, fsyncs
 * and rollup flushes never stall the thread that answers HTTP. It runs the
 * store's methods in the order they arrive.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteStore } from '../sqlite/sqlite-store.js';
import type { EventWrite, EventWriteResult, Store } from '../store.js';
import type { CallMessage, CompactWriteResult, ReplyMessage, SerializedError, WorkerInit } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('store-worker.ts runs only as a worker thread');

function serialize(error: unknown): SerializedError {
  const e = error instanceof Error ? error : new Error(String(error));
  return { name: e.name, message: e.message, stack: e.stack };
}

/** Which event of each write got which seq: stored events are that write's events in order, minus known ids. */
function compact(writes: EventWrite[], results: EventWriteResult[]): CompactWriteResult[] {
  return results.map((result, w) => {
    if (!result.ok) return result;
    const seqs: (number | null)[] = [];
    let k = 0;
    for (const event of writes[w]!.events) {
      const stored = result.stored[k];
      // an event without an id is always stored; one with an id is stored only if it is the next stored one
      if (stored && (event.id === null || stored.id === event.id)) {
        seqs.push(stored.seq);
        k++;
      } else seqs.push(null);
    }
    return { ok: true, accepted: result.accepted, seqs };
  });
}

let store: Store;
try {
  store = await openSqliteStore(workerData as WorkerInit);
  port.postMessage({ id: 0, ready: true } satisfies ReplyMessage);
} catch (error) {
  port.postMessage({ id: 0, ready: false, error: serialize(error) } satisfies ReplyMessage);
  process.exit(1);
}

port.on('message', async ({ id, method, args }: CallMessage) => {
  let reply: ReplyMessage;
  try {
    const fn = (store as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method];
    if (typeof fn !== 'function') throw new TypeError(`the store has no method ${method}`);
    const value = await fn.apply(store, args);
    const shaped = method === 'writeEvents' ? compact(args[0] as EventWrite[], value as EventWriteResult[]) : value;
    reply = { id, ok: true, value: shaped };
  } catch (error) {
    reply = { id, ok: false, error: serialize(error) };
  }
  port.postMessage(reply);
  if (method === 'close') port.close();
});
