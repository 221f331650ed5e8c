/** TMON_DEBUG, as the original's DEBUG: every event committed on its own, same answers. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { JSON_TYPE, v2Body } from '../support/senders.js';
import { startTestTmon, type TestTmon, VECTOR_SECRET } from '../support/test-tmon.js';

describe('TMON_DEBUG', () => {
  let tmon: TestTmon;
  before(async () => {
    tmon = await startTestTmon({ env: { TMON_DEBUG: '1' } });
  });
  after(() => tmon.close());

  it('stores a batch event by event, keeping idempotency and replay protection', async () => {
    const events = [1, 2, 3, 3, 4].map((n) => ({ url: `/d/${n}`, ip: '8.8.8.8', useragent: 'x', id: `debug-${n}` }));
    const body = v2Body(1, VECTOR_SECRET, events, tmon.clock.now);
    const res = await tmon.app.inject({ method: 'POST', url: '/data/collect', headers: JSON_TYPE, payload: body });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().accepted, 5);
    assert.equal(await tmon.runtime.eventStore.countEvents(1), 4);
    const replay = await tmon.app.inject({ method: 'POST', url: '/data/collect', headers: JSON_TYPE, payload: body });
    assert.equal(replay.statusCode, 403);
    assert.equal(replay.json().error, 'replayed');
    assert.equal(await tmon.runtime.eventStore.countEvents(1), 4);
  });
});
