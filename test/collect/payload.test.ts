import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseLegacyPayload, parseV2Payload, V2_MAX_EVENTS, V2_WINDOW_MS } from '../../src/collect/payload.js';
import { EVENT_JSON, V2_NOW, V2_PLAINTEXT } from './vectors.js';

const NOW = V2_NOW;
const EVENT = { url: '/', ip: '8.8.8.8', useragent: 'x' };

function batch(events: unknown[], sentAt = NOW): Buffer {
  return Buffer.from(JSON.stringify({ sent_at: sentAt, events }));
}

function codeOf(result: unknown): string {
  assert.ok(typeof result === 'object' && result !== null && 'refused' in result, 'expected a refusal');
  return (result as { refused: string }).refused;
}

describe('parseLegacyPayload', () => {
  it('parses the test vector JSON into one event', () => {
    const events = parseLegacyPayload(Buffer.from(EVENT_JSON), NOW);
    assert.ok(Array.isArray(events));
    assert.equal(events.length, 1);
    assert.equal(events[0]?.ip, '8.8.8.8');
  });

  it('refuses invalid UTF-8 and invalid JSON as bad_json', () => {
    assert.equal(codeOf(parseLegacyPayload(Buffer.from([0x7b, 0xff, 0x7d]), NOW)), 'bad_json');
    assert.equal(codeOf(parseLegacyPayload(Buffer.from('{"url":'), NOW)), 'bad_json');
    // a lone surrogate's bytes (CESU-8) and an overlong encoding are not UTF-8 either
    assert.equal(codeOf(parseLegacyPayload(Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]), NOW)), 'bad_json');
    assert.equal(codeOf(parseLegacyPayload(Buffer.from([0x22, 0xc0, 0xaf, 0x22]), NOW)), 'bad_json');
  });

  it('reads a payload that starts with a UTF-8 byte order mark, and keeps non-ASCII text as sent', () => {
    const json = EVENT_JSON.replace('"url": "/"', '"url": "/café/✓"');
    const events = parseLegacyPayload(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)]), NOW);
    assert.ok(Array.isArray(events), JSON.stringify(events));
    assert.equal(events[0]?.url, '/café/✓');
  });

  it('refuses JSON that is not an object', () => {
    assert.deepEqual(parseLegacyPayload(Buffer.from('[1]'), NOW), {
      refused: 'not_an_object',
      message: 'the payload must be a JSON object',
    });
  });

  it('passes an event refusal through unchanged', () => {
    assert.deepEqual(parseLegacyPayload(Buffer.from('{"url":"/","ip":"x","useragent":"x"}'), NOW), {
      refused: 'invalid_field',
      message: 'ip is not a valid IP address',
    });
  });

  it('is not fooled by a payload with its own "refused" key', () => {
    const result = parseLegacyPayload(Buffer.from('{"url":"/","ip":"8.8.8.8","useragent":"x","refused":1}'), NOW);
    assert.ok(Array.isArray(result));
    assert.deepEqual(result[0]?.extra, { refused: 1 });
  });
});

describe('parseV2Payload', () => {
  it('parses the test vector plaintext at its own clock', () => {
    const result = parseV2Payload(Buffer.from(V2_PLAINTEXT), NOW);
    assert.ok(!('refused' in result));
    assert.equal(result.sentAt, NOW);
    assert.equal(result.events.length, 1);
    assert.equal(result.events[0]?.url, '/');
  });

  it('exports the 300 s window and the 1000-event limit', () => {
    assert.equal(V2_WINDOW_MS, 300_000);
    assert.equal(V2_MAX_EVENTS, 1000);
  });

  it('accepts sent_at exactly 300 s away either way', () => {
    assert.ok(!('refused' in parseV2Payload(batch([EVENT], NOW - V2_WINDOW_MS), NOW)));
    assert.ok(!('refused' in parseV2Payload(batch([EVENT], NOW + V2_WINDOW_MS), NOW)));
  });

  it('refuses a batch sent more than 300 s ago as stale', () => {
    assert.deepEqual(parseV2Payload(batch([EVENT], NOW - V2_WINDOW_MS - 1), NOW), {
      refused: 'stale',
      message: 'sent_at is more than 300 s from the server clock',
    });
  });

  it('refuses a batch sent more than 300 s in the future as stale', () => {
    assert.equal(codeOf(parseV2Payload(batch([EVENT], NOW + V2_WINDOW_MS + 1), NOW)), 'stale');
  });

  it('refuses the test vector plaintext as stale against a real clock', () => {
    assert.equal(codeOf(parseV2Payload(Buffer.from(V2_PLAINTEXT), Date.now())), 'stale');
  });

  it('refuses a batch of 0 events', () => {
    assert.deepEqual(parseV2Payload(batch([]), NOW), {
      refused: 'bad_batch_size',
      message: 'events must hold 1 to 1000 events, not 0',
    });
  });

  it('accepts 1000 events and refuses 1001', () => {
    const full = parseV2Payload(batch(new Array(1000).fill(EVENT)), NOW);
    assert.ok(!('refused' in full));
    assert.equal(full.events.length, 1000);
    assert.deepEqual(parseV2Payload(batch(new Array(1001).fill(EVENT)), NOW), {
      refused: 'bad_batch_size',
      message: 'events must hold 1 to 1000 events, not 1001',
    });
  });

  it('refuses the whole batch for one bad event, naming its index and reason', () => {
    const events = [EVENT, EVENT, EVENT, { ...EVENT, ip: '999.1.1.1' }, EVENT];
    assert.deepEqual(parseV2Payload(batch(events), NOW), {
      refused: 'bad_event',
      message: 'event 3: ip is not a valid IP address',
    });
  });

  it('refuses a missing or invalid sent_at or events', () => {
    assert.deepEqual(parseV2Payload(Buffer.from('{"events":[]}'), NOW), {
      refused: 'missing_field',
      message: 'sent_at is missing',
    });
    assert.equal(codeOf(parseV2Payload(Buffer.from('{"sent_at":"now","events":[]}'), NOW)), 'invalid_field');
    assert.deepEqual(parseV2Payload(Buffer.from(`{"sent_at":${NOW}}`), NOW), {
      refused: 'missing_field',
      message: 'events is missing',
    });
    assert.equal(codeOf(parseV2Payload(Buffer.from(`{"sent_at":${NOW},"events":{}}`), NOW)), 'invalid_field');
  });

  it('refuses a plaintext that is not a JSON object', () => {
    assert.equal(codeOf(parseV2Payload(Buffer.from('[]'), NOW)), 'not_an_object');
    assert.equal(codeOf(parseV2Payload(Buffer.from('nope'), NOW)), 'bad_json');
  });
});
