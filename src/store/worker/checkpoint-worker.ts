/**
 * The SQLite checkpointer thread. In WAL mode every commit appends pages to
 * the WAL; a checkpoint copies them into the database file. Left to SQLite's
 * auto-checkpoint, the writer thread does it after a commit, and every write
 * queued behind it waits (~100 ms once per ~10,000 pages). Here a connection of
 * its own runs PASSIVE checkpoints, which never wait for or block the writer,
 * every CHECKPOINT_INTERVAL_MS. The writer keeps its auto-checkpoint as a
 * backstop: it then finds most pages copied already, and its pass lets SQLite
 * start the WAL over from its beginning, so the file does not grow without
 * bound under continuous writes. It cuts collect answers' p99 under a steady
 * load (`npm run bench:ingest -- --rate …`).
 */
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { openCheckpointConnection } from '../sqlite/database.js';
import type { CheckpointerMessage, WorkerInit } from './protocol.js';

/** Short enough that the writer's backstop pass has little left to copy. */
const CHECKPOINT_INTERVAL_MS = 100;

const port = parentPort;
if (!port) throw new Error('checkpoint-worker.ts runs only as a worker thread');

const db = openOrExplain();
// On Linux a thread has its own nice value (pid 0 = this thread): on a busy core the HTTP and writer threads
// come first, and copying pages waits for idle time. Starved, it leaves the copying to the writer's backstop.
// Elsewhere pid 0 means the whole process, which must keep its priority.
if (process.platform === 'linux') os.setPriority(0, os.constants.priority.PRIORITY_LOW);
let failing = false;

const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    failing = false;
  } catch (error) {
    // reported once per run of failures, not every 100 ms; the writer's auto-checkpoint still runs
    if (!failing) port.postMessage({ failed: (error as Error).message } satisfies CheckpointerMessage);
    failing = true;
  }
}, CHECKPOINT_INTERVAL_MS);

port.on('message', (message: CheckpointerMessage) => {
  if (!('stop' in message)) return;
  clearInterval(timer);
  db.close();
  port.close();
});

/**
 * better-sqlite3's SqliteError loses its message when it crosses to the
 * parent thread (its 'error' event): rethrown as a plain Error, which keeps it.
 */
function openOrExplain() {
  try {
    return openCheckpointConnection(workerData as WorkerInit);
  } catch (error) {
    throw new Error(`cannot open the database: ${(error as Error).message}`);
  }
}
