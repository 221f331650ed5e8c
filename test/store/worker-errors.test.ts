import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { describeThreadError } from '../../src/store/worker/start-worker.js';

/** The 'error' event of a worker that throws `throwing` (JavaScript run in the thread) once started. */
function errorOfThread(throwing: string): Promise<unknown> {
  const worker = new Worker(throwing, { eval: true });
  return new Promise((resolve) => worker.once('error', resolve));
}

describe('errors of the store threads', () => {
  it('keeps the message of an Error thrown in the thread', async () => {
    const error = await errorOfThread(`throw new RangeError('disk full')`);
    assert.equal(describeThreadError(error), 'disk full');
  });

  it("names better-sqlite3's SqliteError by its code: its message does not cross", async () => {
    const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
    const error = await errorOfThread(`const Database = require(${JSON.stringify(sqlite)});
      new Database(':memory:').exec('SELEC nonsense');`);
    assert.equal((error as Error).message, undefined, 'if the message crosses now, describeThreadError can be simpler');
    assert.match(describeThreadError(error), /^SQLITE_ERROR \(the thread's error message was lost/);
  });
});
