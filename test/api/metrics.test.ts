import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FORM, JSON_TYPE, v2Body } from '../support/senders.js';
import { addTestToken, startTestTmon, type TestTmon, VECTOR_SECRET } from '../support/test-tmon.js';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 30);

/** The value of an exposition line `name{labels} value`. */
function metric(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  assert.ok(line, `no ${name} in\n${text}`);
  return Number(line.slice(name.length + 1));
}

describe('GET /metrics', () => {
  let tmon: TestTmon;
  let adminToken: string;
  const get = (token?: string) =>
    tmon.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });

  before(async () => {
    tmon = await startTestTmon({ now: NOW });
    adminToken = await addTestToken(tmon.runtime, 'admin');
  });
  after(() => tmon.close());

  it('counts accepted events, group commits and refusals by reason, in the Prometheus text format', async () => {
    const before = (await get(adminToken)).body;
    const event = (id: string) => ({ url: '/', ip: '8.8.8.8', useragent: 'x', id });
    const ok = await tmon.app.inject({
      method: 'POST',
      url: '/data/collect',
      headers: JSON_TYPE,
      payload: v2Body(1, VECTOR_SECRET, [event('m-1'), event('m-2')], NOW),
    });
    assert.equal(ok.statusCode, 200, ok.body);
    const bad = await tmon.app.inject({ method: 'POST', url: '/data/collect', headers: FORM, payload: 'wsid=1' });
    assert.equal(bad.statusCode, 400);

    const res = await get(adminToken);
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    const after = res.body;
    const grew = (name: string) => metric(after, name) - metric(before, name);
    assert.equal(grew('tmon_collect_accepted_requests_total'), 1);
    assert.equal(grew('tmon_collect_accepted_events_total'), 2);
    assert.equal(grew('tmon_collect_stored_events_total'), 2);
    assert.equal(grew('tmon_group_commits_total'), 1, 'one request, one group commit');
    assert.equal(metric(after, 'tmon_collect_refused_total{reason="missing_field"}'), 1);
    assert.equal(metric(after, 'tmon_write_queue_events'), 0);
  });

  it('answers 401 without credentials and 403 to a user who is not an admin', async () => {
    assert.equal((await get()).statusCode, 401);
    assert.equal((await get(tmon.aliceToken)).statusCode, 403);
  });
});
