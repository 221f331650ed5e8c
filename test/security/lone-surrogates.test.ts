/**
 * Issue 21, 9e: a lone UTF-16 surrogate — JSON's `\ud800` escape without its
 * pair — in any text of an event is refused 400 naming where, instead of
 * being stored as U+FFFD. Gen 1, Gen 2 and v2 alike (JSON.stringify writes a
 * lone surrogate as exactly that escape, as a client's JSON encoder would).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { validateEvent } from '../../src/collect/event.js';
import { encryptGen1 } from '../../src/collect/gen1-aes.js';
import { signGen2 } from '../../src/collect/gen2-hmac.js';
import { sealV2 } from '../../src/collect/v2-gcm.js';
import { isRefusal } from '../../src/errors/refusal.js';
import { FORM, JSON_TYPE } from '../support/senders.js';
import { startTestTmon, type TestTmon, VECTOR_SECRET } from '../support/test-tmon.js';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const EVENT = { url: '/', ip: '8.8.8.8', useragent: 'x' };

/** event → the words its refusal must name the place with */
const LONE: [string, Record<string, unknown>, RegExp][] = [
  ['a high surrogate in url', { ...EVENT, url: '/caf\ud800' }, /^url /],
  ['a low surrogate in useragent', { ...EVENT, useragent: 'x\udc00' }, /^useragent /],
  ['a reversed pair in username', { ...EVENT, username: '\ude00\ud83d' }, /^username /],
  ['one in referrer', { ...EVENT, referrer: 'https://a.example/\udbff' }, /^referrer /],
  ['one in method', { ...EVENT, method: 'G\ud800T' }, /^method /],
  ['one in id', { ...EVENT, id: 'id-\udfff' }, /^id /],
  ['one in an extra property', { ...EVENT, plan: 'pro\ud800' }, /^extra property plan /],
  [
    'one deep in an extra property',
    { ...EVENT, cart: { items: ['ok', 'b\udc00'] } },
    /^extra property cart\.items\[1\] /,
  ],
  ['one in the name of an extra property', { ...EVENT, 'k\ud800': 1 }, /^the name of extra property k\\ud800 /],
  ['one in a nested name', { ...EVENT, cart: { 'n\udc00': 1 } }, /^the name of extra property cart\.n\\udc00 /],
];

describe('lone surrogates, event by event', () => {
  for (const [what, event, where] of LONE) {
    it(`refuses ${what} as invalid_field, naming where`, () => {
      const refused = validateEvent(JSON.parse(JSON.stringify(event)), NOW);
      assert.ok(isRefusal(refused), 'refused');
      assert.equal(refused.refused, 'invalid_field');
      assert.match(refused.message, where);
      assert.match(refused.message, /lone UTF-16 surrogate/);
      assert.ok(refused.message.isWellFormed(), 'the message itself is text');
    });
  }
});

describe('lone surrogates on /data/collect', () => {
  let tmon: TestTmon;

  before(async () => {
    tmon = await startTestTmon({ now: NOW });
  });
  after(() => tmon.close());

  const post = (headers: Record<string, string>, payload: string) =>
    tmon.app.inject({ method: 'POST', url: '/data/collect', headers, payload });

  /** the event's JSON text as each protocol carries it */
  const bodies = {
    'Gen 1': (json: string) =>
      post(FORM, new URLSearchParams({ wsid: '1', data: encryptGen1(json, VECTOR_SECRET) }).toString()),
    'Gen 2': (json: string) =>
      post(FORM, new URLSearchParams({ wsid: '1', ...signGen2(json, VECTOR_SECRET) }).toString()),
    v2: (json: string) =>
      post(
        JSON_TYPE,
        JSON.stringify(
          sealV2(`{"sent_at":${NOW},"events":[${JSON.stringify(EVENT)},${json}]}`, { wsid: 1, secret: VECTOR_SECRET }),
        ),
      ),
  };

  for (const [protocol, error, prefix] of [
    ['Gen 1', 'invalid_field', ''],
    ['Gen 2', 'invalid_field', ''],
    ['v2', 'bad_event', 'event 1: '],
  ] as const) {
    it(`refuses a ${protocol} event with a lone surrogate in any text, 400 ${error}, and stores a pair`, async () => {
      const send = bodies[protocol];
      const before = await tmon.runtime.eventStore.countEvents();
      for (const [what, event, where] of LONE) {
        const res = await send(JSON.stringify(event));
        assert.equal(res.statusCode, 400, `${what}: ${res.body}`);
        const body = res.json();
        assert.equal(body.error, error, what);
        assert.ok(body.message.startsWith(prefix), body.message);
        assert.match(body.message.slice(prefix.length), where, what);
      }
      assert.equal(await tmon.runtime.eventStore.countEvents(), before, 'none of them stored');
      // a pair, even as two escapes, is text: stored as the character it stands for
      const paired = await send('{"url":"/\\ud83d\\ude00","ip":"8.8.8.8","useragent":"x","plan":"\\ud83d\\ude00"}');
      assert.equal(paired.statusCode, 200, paired.body);
      const [latest] = await tmon.runtime.eventStore.latestEvents(1, 1);
      assert.equal(latest?.url, '/😀');
      assert.deepEqual(latest?.extra, { plan: '😀' });
    });
  }
});
