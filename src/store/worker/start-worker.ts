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
