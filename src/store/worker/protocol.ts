/** Messages between the server thread and the SQLite writer and checkpointer threads. */
import type { SqliteOpenOptions } from '../sqlite/sqlite-store.js';

export type WorkerInit = SqliteOpenOptions;

/** Which object of the store a call is for: a half, or the store itself (close). */
export type CallTarget = 'accounts' | 'events' | 'store';

export interface CallMessage {
  id: number;
  target: CallTarget;
  method: string;
  args: unknown[];
}

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  /** a system error's code (EACCES, SQLITE_BUSY…): tmon serve tells the operator what to fix from it */
  code?: string;
}

export type ReplyMessage =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: SerializedError }
  | { id: 0; ready: true }
  | { id: 0; ready: false; error: SerializedError };

/** To the checkpointer: stop (it closes its connection and exits). From it: a checkpoint failed. */
export type CheckpointerMessage = { stop: true } | { failed: string };
