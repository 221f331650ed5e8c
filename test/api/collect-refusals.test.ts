/**
 * What each kind of bad input gets: its status, its error code, the JSON body
 * of docs/protocol.md, nothing stored, a count under its reason (`/metrics`), and
 * the process keeps serving.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { RefusalCode } from '../../src/errors/refusal.js';
import { COLLECT_TRANSPORTS, type CollectTmon } from '../support/collect-transports.js';
import { FORM, gen1Body, gen2Body, JSON_TYPE, v2Body } from '../support/senders.js';
import { VECTOR_SECRET } from '../support/test-tmon.js';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const OK_EVENT = { url: '/', ip: '8.8.8.8', useragent: 'x' };
const OTHER_SECRET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

interface Case {
  name: string;
  status: number;
  error: RefusalCode;
  body: () => string;
  headers?: Record<string, string>;
  method?: 'POST' | 'GET' | 'PUT' | 'DELETE';
}

const v2 = (events: object[], sentAt = NOW) => v2Body(1, VECTOR_SECRET, events, sentAt);

const CASES: Case[] = [
  { name: 'a GET', method: 'GET', status: 405, error: 'method_not_allowed', body: () => '' },
  {
    name: 'a PUT',
    method: 'PUT',
    status: 405,
    error: 'method_not_allowed',
    body: () => gen2Body(1, VECTOR_SECRET, OK_EVENT),
  },
  {
    name: 'a POST with neither body nor content type',
    status: 400,
    error: 'bad_request',
    body: () => '',
    headers: {},
  },
  { name: 'a form without wsid', status: 400, error: 'missing_field', body: () => 'data=abc' },
  { name: 'a form without data', status: 400, error: 'missing_field', body: () => 'wsid=1' },
  {
    name: 'a signed Gen 2 form with its signature field twice',
    status: 400,
    error: 'bad_request',
    body: () => `${gen2Body(1, VECTOR_SECRET, OK_EVENT)}&signature=00`,
  },
  { name: 'a non-numeric wsid', status: 400, error: 'invalid_field', body: () => 'wsid=abc&data=abc' },
  { name: 'bad base64', status: 400, error: 'bad_base64', body: () => 'wsid=1&data=%%%not-base64&signature=00' },
  {
    name: 'Gen 2 JSON that is not an object',
    status: 400,
    error: 'not_an_object',
    body: () => gen2BodyRaw('[1,2,3]'),
  },
  {
    name: 'an event without url',
    status: 400,
    error: 'missing_field',
    body: () => gen2Body(1, VECTOR_SECRET, { ip: '8.8.8.8', useragent: 'x' }),
  },
  {
    name: 'an event without ip',
    status: 400,
    error: 'missing_field',
    body: () => gen2Body(1, VECTOR_SECRET, { url: '/', useragent: 'x' }),
  },
  {
    name: 'an event without useragent',
    status: 400,
    error: 'missing_field',
    body: () => gen2Body(1, VECTOR_SECRET, { url: '/', ip: '8.8.8.8' }),
  },
  {
    name: 'an invalid ip',
    status: 400,
    error: 'invalid_field',
    body: () => gen2Body(1, VECTOR_SECRET, { ...OK_EVENT, ip: '999.1.1.1' }),
  },
  {
    name: 'an over-long url',
    status: 400,
    error: 'field_too_long',
    body: () => gen2Body(1, VECTOR_SECRET, { ...OK_EVENT, url: `/${'a'.repeat(2048)}` }),
  },
  {
    name: 'too-deep extra properties',
    status: 400,
    error: 'extra_too_deep',
    body: () => gen2Body(1, VECTOR_SECRET, { ...OK_EVENT, extra: { a: { b: { c: { d: 1 } } } } }),
  },
  {
    name: 'too-large extra properties',
    status: 400,
    error: 'extra_too_large',
    body: () => gen2Body(1, VECTOR_SECRET, { ...OK_EVENT, blob: 'x'.repeat(5000) }),
  },
  { name: 'a v2 batch of 0 events', status: 400, error: 'bad_batch_size', body: () => v2([]), headers: JSON_TYPE },
  {
    name: 'a v2 batch of 1001 events',
    status: 400,
    error: 'bad_batch_size',
    body: () => v2(Array.from({ length: 1001 }, () => OK_EVENT)),
    headers: JSON_TYPE,
  },
  {
    name: 'a v2 batch with one bad event',
    status: 400,
    error: 'bad_event',
    body: () => v2([OK_EVENT, OK_EVENT, { ...OK_EVENT, ip: 'nope' }]),
    headers: JSON_TYPE,
  },
  {
    name: 'v2 JSON that is not an object',
    status: 400,
    error: 'not_an_object',
    body: () => '"hello"',
    headers: JSON_TYPE,
  },
  { name: 'v2 body that is not JSON', status: 400, error: 'bad_json', body: () => '{"v":2,', headers: JSON_TYPE },
  {
    name: 'an unknown wsid',
    status: 403,
    error: 'unknown_service',
    body: () => gen2BodyRaw(JSON.stringify(OK_EVENT), 999),
  },
  {
    name: 'a wrong signature',
    status: 403,
    error: 'bad_signature',
    body: () => gen2Body(1, VECTOR_SECRET, OK_EVENT).replace(/signature=[0-9a-f]{4}/, 'signature=0000'),
  },
  {
    name: 'a Gen 1 request with the wrong key',
    status: 403,
    error: 'decryption_failed',
    body: () => gen1Body(1, OTHER_SECRET, OK_EVENT),
  },
  {
    name: 'a v2 request with the wrong key',
    status: 403,
    error: 'decryption_failed',
    body: () => v2Body(1, OTHER_SECRET, [OK_EVENT], NOW),
    headers: JSON_TYPE,
  },
  {
    name: 'a tampered v2 ciphertext',
    status: 403,
    error: 'decryption_failed',
    body: () => {
      const envelope = JSON.parse(v2([OK_EVENT]));
      const bytes = Buffer.from(envelope.data, 'base64');
      bytes[3]! ^= 1;
      return JSON.stringify({ ...envelope, data: bytes.toString('base64') });
    },
    headers: JSON_TYPE,
  },
  {
    name: 'a stale sent_at',
    status: 403,
    error: 'stale',
    body: () => v2([OK_EVENT], NOW - 301_000),
    headers: JSON_TYPE,
  },
  {
    name: 'a sent_at from the future',
    status: 403,
    error: 'stale',
    body: () => v2([OK_EVENT], NOW + 301_000),
    headers: JSON_TYPE,
  },
  {
    name: 'a legacy request to a service that refuses legacy',
    status: 403,
    error: 'legacy_refused',
    body: () => gen2BodyRaw(JSON.stringify(OK_EVENT), 2),
  },
  {
    name: 'a legacy body over 64 KiB',
    status: 413,
    error: 'body_too_large',
    body: () => `wsid=1&data=${'A'.repeat(70 * 1024)}`,
  },
  {
    name: 'a v2 body over 1 MiB',
    status: 413,
    error: 'body_too_large',
    body: () => JSON.stringify({ v: 2, wsid: 1, iv: 'AAECAwQFBgcICQoL', data: 'A'.repeat(1100 * 1024) }),
    headers: JSON_TYPE,
  },
  {
    name: 'a text/plain body',
    status: 415,
    error: 'unsupported_media_type',
    body: () => v2([OK_EVENT]),
    headers: { 'content-type': 'text/plain' },
  },
];

function gen2BodyRaw(json: string, wsid = 1): string {
  const data = Buffer.from(json).toString('base64');
  const signature = createHmac('sha1', VECTOR_SECRET).update(json).digest('hex');
  return new URLSearchParams({ wsid: String(wsid), data, signature }).toString();
}

for (const transport of COLLECT_TRANSPORTS) {
  describe(`bad input on /data/collect, ${transport.name}`, () => {
    let tmon: CollectTmon;

    before(async () => {
      tmon = await transport.start({ now: NOW });
      // service 2 speaks only v2, with the same secret so only the protocol differs
      const v2Only = await tmon.runtime.accounts.addService({
        name: 'modern',
        ownerName: 'alice',
        id: 2,
        secret: VECTOR_SECRET,
      });
      await tmon.runtime.accountStore.updateServiceSettings(v2Only.id, { allowLegacy: false });
    });
    after(() => tmon.close());

    for (const c of CASES) {
      it(`answers ${c.status} ${c.error} to ${c.name}, storing nothing, counted by reason`, async () => {
        const before = await tmon.runtime.eventStore.countEvents();
        const counted = tmon.runtime.counters.refusals.get(c.error) ?? 0;
        const res = await tmon.send({ method: c.method, headers: c.headers ?? FORM, payload: c.body() });
        assert.equal(res.statusCode, c.status, res.body);
        const body = res.json();
        assert.equal(body.status, c.status);
        assert.equal(body.status_code, c.status);
        assert.equal(body.error, c.error);
        assert.equal(typeof body.message, 'string');
        assert.ok(body.message.length > 0);
        assert.equal(await tmon.runtime.eventStore.countEvents(), before);
        assert.equal(tmon.runtime.counters.refusals.get(c.error), counted + 1);
      });
    }

    it('names the index of the bad event in a refused batch', async () => {
      const res = await tmon.send({
        headers: JSON_TYPE,
        payload: v2([OK_EVENT, OK_EVENT, { ...OK_EVENT, ip: 'nope' }]),
      });
      assert.match(res.json().message, /event 2/);
    });

    it('keeps its event count still under a concurrent flood of bad input, then accepts a good request', async () => {
      const before = await tmon.runtime.eventStore.countEvents();
      const flood = Array.from({ length: 300 }, (_, i) => CASES[i % CASES.length]!).map((c) =>
        tmon.send({ method: c.method, headers: c.headers ?? FORM, payload: c.body() }),
      );
      const answers = await Promise.all(flood);
      for (const res of answers)
        assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${res.statusCode} ${res.body}`);
      assert.equal(await tmon.runtime.eventStore.countEvents(), before);
      const good = await tmon.send({ headers: FORM, payload: gen2Body(1, VECTOR_SECRET, OK_EVENT) });
      assert.equal(good.statusCode, 200);
      assert.equal(await tmon.runtime.eventStore.countEvents(), before + 1);
    });

    it('counts refusals by reason', () => {
      const refused = tmon.runtime.counters.snapshot().refused;
      assert.ok((refused.bad_signature ?? 0) >= 1);
      assert.ok((refused.stale ?? 0) >= 2);
    });
  });
}
