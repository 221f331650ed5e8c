import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EVENT_LIMITS, validateEvent } from '../../src/collect/event.js';

const NOW = 1_764_000_000_000;
const BASE = { url: '/', ip: '8.8.8.8', useragent: 'x' };

function refusalOf(raw: unknown): unknown {
  const result = validateEvent(raw, NOW);
  assert.ok('refused' in result, `expected a refusal, got ${JSON.stringify(result)}`);
  return result;
}

describe('validateEvent', () => {
  it('accepts the minimal event and fills the defaults', () => {
    assert.deepEqual(validateEvent(BASE, NOW), {
      url: '/',
      ip: '8.8.8.8',
      useragent: 'x',
      username: null,
      ts: NOW,
      method: null,
      status: null,
      durationMs: null,
      referrer: null,
      id: null,
      extra: null,
    });
  });

  it('accepts every optional field and keeps the rest as extra', () => {
    const event = validateEvent(
      {
        ...BASE,
        ip: '2001:db8::1',
        username: 'ann',
        ts: NOW - 1000.7,
        method: 'post',
        status: 201,
        duration_ms: 12.5,
        referrer: 'https://example.org/',
        id: 'req-1',
        plan: 'pro',
        cart: { items: [1, 2] },
      },
      NOW,
    );
    assert.deepEqual(event, {
      url: '/',
      ip: '2001:db8::1',
      useragent: 'x',
      username: 'ann',
      ts: NOW - 1001,
      method: 'POST',
      status: 201,
      durationMs: 12.5,
      referrer: 'https://example.org/',
      id: 'req-1',
      extra: { plan: 'pro', cart: { items: [1, 2] } },
    });
  });

  it('treats null optional fields as absent', () => {
    const event = validateEvent({ ...BASE, username: null, ts: null, status: null }, NOW);
    assert.ok(!('refused' in event));
    assert.equal(event.username, null);
    assert.equal(event.ts, NOW);
  });

  it('keeps a "__proto__" field as data instead of setting the prototype', () => {
    const event = validateEvent(
      JSON.parse('{"url":"/","ip":"8.8.8.8","useragent":"x","__proto__":{"polluted":1}}'),
      NOW,
    );
    assert.ok(!('refused' in event));
    assert.equal(Object.getPrototypeOf(event.extra), Object.prototype);
    assert.equal(JSON.stringify(event.extra), '{"__proto__":{"polluted":1}}');
  });

  it('refuses an event that is not an object', () => {
    for (const raw of [null, [], 'x', 1]) {
      assert.deepEqual(refusalOf(raw), { refused: 'not_an_object', message: 'the event must be a JSON object' });
    }
  });

  it('refuses missing required fields, naming each', () => {
    for (const name of ['url', 'ip', 'useragent'] as const) {
      const { [name]: _, ...rest } = BASE;
      assert.deepEqual(refusalOf(rest), { refused: 'missing_field', message: `${name} is missing` });
    }
  });

  it('refuses wrong types, naming the field', () => {
    assert.deepEqual(refusalOf({ ...BASE, url: 5 }), { refused: 'invalid_field', message: 'url must be a string' });
    assert.deepEqual(refusalOf({ ...BASE, useragent: null }), {
      refused: 'invalid_field',
      message: 'useragent must be a string',
    });
    assert.deepEqual(refusalOf({ ...BASE, username: 7 }), {
      refused: 'invalid_field',
      message: 'username must be a string',
    });
    assert.deepEqual(refusalOf({ ...BASE, ts: '2025-01-01' }), {
      refused: 'invalid_field',
      message: 'ts must be a number of milliseconds since the epoch',
    });
    assert.deepEqual(refusalOf({ ...BASE, id: 1 }), { refused: 'invalid_field', message: 'id must be a string' });
    assert.deepEqual(refusalOf({ ...BASE, id: '' }), { refused: 'invalid_field', message: 'id must not be empty' });
  });

  it('refuses an invalid ip', () => {
    for (const ip of ['8.8.8', '256.1.1.1', 'example.org', '', `${'1:'.repeat(40)}1`]) {
      assert.deepEqual(refusalOf({ ...BASE, ip }), {
        refused: 'invalid_field',
        message: 'ip is not a valid IP address',
      });
    }
    assert.deepEqual(refusalOf({ ...BASE, ip: 8 }), { refused: 'invalid_field', message: 'ip must be a string' });
  });

  it('refuses over-long fields at one past each limit and accepts each limit', () => {
    const limits = { url: 2048, useragent: 1024, username: 256, method: 16, referrer: 2048, id: 64 } as const;
    for (const [name, max] of Object.entries(limits)) {
      assert.ok(!('refused' in validateEvent({ ...BASE, [name]: 'a'.repeat(max) }, NOW)), name);
      assert.deepEqual(refusalOf({ ...BASE, [name]: 'a'.repeat(max + 1) }), {
        refused: 'field_too_long',
        message: `${name} is longer than ${max} characters`,
      });
    }
  });

  it('refuses a status outside 100–599 or not an integer', () => {
    for (const status of [99, 600, 200.5, '200']) {
      assert.deepEqual(refusalOf({ ...BASE, status }), {
        refused: 'invalid_field',
        message: 'status must be an integer from 100 to 599',
      });
    }
  });

  it('refuses a negative or non-numeric duration_ms', () => {
    for (const duration_ms of [-1, '5', Number.POSITIVE_INFINITY]) {
      assert.equal((refusalOf({ ...BASE, duration_ms }) as { refused: string }).refused, 'invalid_field');
    }
  });

  it('accepts ts from 24 h in the past to 5 min in the future and refuses beyond', () => {
    const past = NOW - EVENT_LIMITS.tsPastMs;
    const future = NOW + EVENT_LIMITS.tsFutureMs;
    assert.equal((validateEvent({ ...BASE, ts: past }, NOW) as { ts: number }).ts, past);
    assert.equal((validateEvent({ ...BASE, ts: future }, NOW) as { ts: number }).ts, future);
    assert.deepEqual(refusalOf({ ...BASE, ts: past - 1 }), {
      refused: 'invalid_field',
      message: 'ts is more than 24 h in the past',
    });
    assert.deepEqual(refusalOf({ ...BASE, ts: future + 1 }), {
      refused: 'invalid_field',
      message: 'ts is more than 5 min in the future',
    });
  });

  it('accepts extra nested to depth 3 and refuses depth 4', () => {
    assert.ok(!('refused' in validateEvent({ ...BASE, a: { b: { c: 1 } }, l: [[1]] }, NOW)));
    assert.deepEqual(refusalOf({ ...BASE, a: { b: { c: {} } } }), {
      refused: 'extra_too_deep',
      message: 'extra properties nest deeper than 3 levels',
    });
    assert.equal((refusalOf({ ...BASE, l: [[[1]]] }) as { refused: string }).refused, 'extra_too_deep');
  });

  it('accepts 4096 bytes of extra JSON and refuses 4097', () => {
    // {"k":"…"} is 8 bytes around the value.
    assert.ok(!('refused' in validateEvent({ ...BASE, k: 'a'.repeat(4088) }, NOW)));
    assert.deepEqual(refusalOf({ ...BASE, k: 'a'.repeat(4089) }), {
      refused: 'extra_too_large',
      message: 'extra properties exceed 4096 bytes of JSON',
    });
  });

  it('counts extra size in UTF-8 bytes, not characters', () => {
    // 2045 × "é" is 4090 bytes + 8: over, though only 2053 characters.
    assert.equal((refusalOf({ ...BASE, k: 'é'.repeat(2045) }) as { refused: string }).refused, 'extra_too_large');
  });
});
