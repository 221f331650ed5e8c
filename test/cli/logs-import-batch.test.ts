/** An import batch's body, and the lines of its events when tmon refuses one. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ImportBatch } from '../../src/cli/logs/import-batch.js';

function bodyOf(batch: { body(): string | Uint8Array }): unknown {
  const body = batch.body();
  return JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));
}

describe('the import batch of tmon logs', () => {
  it('sends its events as one JSON body, encoded as UTF-8, past its first buffer', async () => {
    const batch = new ImportBatch(2_000);
    const events = Array.from({ length: 2_000 }, (_, i) => ({ url: `/ü/${'x'.repeat(i % 300)}`, id: `e-${i}` }));
    for (const [i, event] of events.entries()) batch.add(JSON.stringify(event), 'access.log', i + 1);
    assert.ok(batch.full);
    assert.equal(batch.bytes, Buffer.byteLength(`{"events":[${events.map((e) => JSON.stringify(e)).join(',')}`));
    assert.deepEqual(bodyOf(batch), { events });
    assert.deepEqual(bodyOf(batch), { events }, 'the same body when sent again');
  });

  it('names the source and line of any event, and leaves a refused one out', async () => {
    const batch = new ImportBatch(10);
    batch.add('{"id":"a"}', 'access.log.1', 7);
    batch.add('{"id":"b"}', 'access.log.1', 9);
    batch.add('{"id":"c"}', 'access.log', 1);
    assert.equal(batch.size, 3);
    assert.ok(!batch.full);
    assert.deepEqual(batch.lineOf(1), { source: 'access.log.1', line: 9 });
    assert.deepEqual(batch.lineOf(2), { source: 'access.log', line: 1 });

    const rest = batch.without(1);
    assert.equal(rest.size, 2);
    assert.deepEqual(bodyOf(rest), { events: [{ id: 'a' }, { id: 'c' }] });
    assert.deepEqual(rest.lineOf(1), { source: 'access.log', line: 1 });
    assert.deepEqual(bodyOf(rest.without(1)), { events: [{ id: 'a' }] });
  });
});
