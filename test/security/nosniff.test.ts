/**
 * JSON answers carry `X-Content-Type-Options: nosniff` as pages do:
 * successes and error bodies of the API, answers of hooks and of
 * the not-found handler, and collect's answers on each of its ways in.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions } from 'fastify';
import { type ListeningTmon, startListeningTmon } from '../support/client-helpers.js';
import { FORM, JSON_TYPE, v2Body } from '../support/senders.js';
import { VECTOR_SECRET } from '../support/test-tmon.js';

describe('nosniff on JSON answers', () => {
  let tmon: ListeningTmon;
  const bearer = () => ({ authorization: `Bearer ${tmon.aliceToken}` });

  before(async () => {
    tmon = await startListeningTmon();
  });
  after(() => tmon.close());

  const cases: [string, () => InjectOptions, number][] = [
    ['a query answer', () => ({ method: 'GET', url: '/1/data/latest', headers: bearer() }), 200],
    ['the health check', () => ({ method: 'GET', url: '/healthz' }), 200],
    ['the services list', () => ({ method: 'GET', url: '/api/services', headers: bearer() }), 200],
    ['a 401 without credentials', () => ({ method: 'GET', url: '/1/data/latest' }), 401],
    [
      'a 401 for a malformed Authorization',
      () => ({ method: 'GET', url: '/api/me', headers: { authorization: 'x' } }),
      401,
    ],
    ['a 404 for another service', () => ({ method: 'GET', url: '/999/data/latest', headers: bearer() }), 404],
    ['a 404 for no route', () => ({ method: 'GET', url: '/no/such/route' }), 404],
    [
      'a 400 for a body that is not JSON',
      () => ({ method: 'POST', url: '/api/services', headers: { ...bearer(), ...JSON_TYPE }, payload: '{' }),
      400,
    ],
    [
      'a failed JSON login',
      () => ({
        method: 'POST',
        url: '/login',
        headers: JSON_TYPE,
        payload: JSON.stringify({ username: 'alice', password: 'wrong-password' }),
      }),
      401,
    ],
    [
      'a collect answer (injected: fastify route)',
      () => ({
        method: 'POST',
        url: '/data/collect',
        headers: JSON_TYPE,
        payload: v2Body(1, VECTOR_SECRET, [{ url: '/a', ip: '8.8.8.8', useragent: 'x' }], tmon.clock.read()),
      }),
      200,
    ],
    ['a collect refusal', () => ({ method: 'POST', url: '/data/collect', headers: FORM, payload: 'wsid=1' }), 400],
    ['a collect 405', () => ({ method: 'GET', url: '/data/collect' }), 405],
  ];

  for (const [what, request, status] of cases) {
    it(`sends nosniff on ${what}`, async () => {
      const res = await tmon.app.inject(request());
      assert.equal(res.statusCode, status, res.body);
      assert.match(String(res.headers['content-type']), /^application\/json/);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
    });
  }

  it('sends nosniff on collect answers written by the socket front, with and without gzip', async () => {
    for (const encoding of ['identity', 'gzip']) {
      const res = await fetch(`${tmon.url}/data/collect`, {
        method: 'POST',
        headers: { ...JSON_TYPE, 'accept-encoding': encoding },
        body: v2Body(1, VECTOR_SECRET, [{ url: '/b', ip: '8.8.8.8', useragent: 'x' }], tmon.clock.read()),
      });
      assert.equal(res.status, 200, await res.text());
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    }
  });

  it('sends nosniff on a collect refusal written by the socket front', async () => {
    const res = await fetch(`${tmon.url}/data/collect`, { method: 'POST', headers: FORM, body: 'wsid=1' });
    assert.equal(res.status, 400);
    await res.body?.cancel();
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  });
});
