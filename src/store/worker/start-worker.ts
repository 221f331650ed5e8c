import { Worker } from 'node:worker_threads';
import type { SqliteOpenOptions } from '../sqlite/database.js';

/**
 * A worker thread running `name` (store-worker or checkpoint-worker): from the
 * build, the compiled .js. From sources (tests, `npm run dev`) the .ts file:
 * Node 20 does not apply the parent's tsx loader to a worker's entry, so a
 * two-line bootstrap registers tsx in the worker first.
 */
export function startWorker(name: string, options: SqliteOpenOptions): Worker {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL(`./${name}.js`, import.meta.url), { workerData: options });
  const entry = new URL(`./${name}.ts`, import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
    .then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: options });
}

/**
 * What a worker's 'error' event carries, as text. An Error thrown in the
 * thread is cloned to the parent; one it cannot clone (better-sqlite3's
 * SqliteError) arrives as a plain object with only its own fields — `code`,
 * no message.
 */
export function describeThreadError(error: unknown): string {
  if (error instanceof Error) return error.message;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string'
    ? `${code} (the thread's error message was lost crossing to this thread)`
    : String(error);
}
