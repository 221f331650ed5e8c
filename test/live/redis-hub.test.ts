/**
 * The Redis live bus: events collected by one tmon reach the live streams of
 * another within a second. Runs when Redis answers on TMON_TEST_REDIS_URL
 * (default redis://127.0.0.1:6379), else skips saying why.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { redisMissing, TEST_REDIS_URL } from '../support/redis-probe.js';
import { FORM, gen2Body } from '../support/senders.js';
import { suiteOrSkip } from '../support/suite-or-skip.js';
import { startTestTmon, type TestTmon, VECTOR_SECRET } from '../support/test-tmon.js';

const skip = await redisMissing();

suiteOrSkip('the Redis live bus between two tmon processes', skip, () => {
  let a: TestTmon;
  let b: TestTmon;
  let bUrl: string;

  before(async () => {
    // trusting X-Forwarded-For lets each login attempt come from its own address (the per-IP limit stays out of the way)
    const env = { TMON_REDIS_URL: TEST_REDIS_URL, TMON_TRUST_PROXY: '1' };
    a = await startTestTmon({ env });
    b = await startTestTmon({ env });
    await b.app.listen({ port: 0, host: '127.0.0.1' });
    const address = b.app.server.address();
    bUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  after(async () => {
    await a?.close();
    await b?.close();
  });

  it('delivers an event collected by A to a stream opened on B within a second', async () => {
    const controller = new AbortController();
    const res = await fetch(`${bUrl}/1/live`, {
      headers: { authorization: `Bearer ${b.aliceToken}` },
      signal: controller.signal,
    });
    assert.equal(res.status, 200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    // the snapshot first: B's stream is subscribed from here on
    while (!text.includes('event: snapshot')) text += decoder.decode((await reader.read()).value, { stream: true });

    const marker = `/from-a-${Date.now()}`;
    const sentAt = Date.now();
    const collected = await a.app.inject({
      method: 'POST',
      url: '/data/collect',
      headers: FORM,
      payload: gen2Body(1, VECTOR_SECRET, { url: marker, ip: '8.8.8.8', useragent: 'x' }),
    });
    assert.equal(collected.statusCode, 200);
    while (!text.includes(marker)) {
      text += decoder.decode((await reader.read()).value, { stream: true });
      assert.ok(Date.now() - sentAt < 1_000, 'the event did not reach B within 1 s');
    }
    assert.ok(Date.now() - sentAt < 1_000);
    controller.abort();
  });

  it('counts login attempts in Redis, so the per-user limit holds across processes', async () => {
    // Redis keeps counts between runs: a fresh user name and fresh addresses each time
    const name = `limited-${Date.now()}`;
    const net = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const attempt = (tmon: TestTmon, i: number) =>
      tmon.app.inject({
        method: 'POST',
        url: '/login',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `${net}.${i}` },
        payload: JSON.stringify({ username: name, password: 'wrong-password' }),
      });
    const statuses: number[] = [];
    // 10 attempts per user name are allowed in all: alternate between the two processes
    for (let i = 0; i < 12; i++) statuses.push((await attempt(i % 2 === 0 ? a : b, i)).statusCode);
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(401));
    assert.deepEqual(statuses.slice(10), [429, 429]);
  });
});
