import assert from 'node:assert/strict';
import { test } from 'node:test';
import { logEventJson } from '../../src/cli/logs/log-event.js';
import type { LogRecord } from '../../src/logs/log-record.js';

const RECORD: LogRecord = {
  url: '/search?q="quoted"\\and\u2028more',
  ip: '2001:db8::1',
  useragent: 'Mozilla/5.0 "with quotes"',
  username: 'frank',
  ts: 1_764_000_000_123,
  method: 'GET',
  status: 200,
  duration_ms: 12.5,
  referrer: 'https://example.com/',
  extra: { vhost: 'example.com', bytes: 2326 },
};

test('the event JSON holds every field of the record, its id and its extra fields, escaped', () => {
  assert.deepEqual(JSON.parse(logEventJson(RECORD, 'l1-0123456789abcdef-0')), {
    url: RECORD.url,
    ip: RECORD.ip,
    useragent: RECORD.useragent,
    ts: RECORD.ts,
    id: 'l1-0123456789abcdef-0',
    username: 'frank',
    method: 'GET',
    status: 200,
    duration_ms: 12.5,
    referrer: 'https://example.com/',
    vhost: 'example.com',
    bytes: 2326,
  });
});

test('fields the line has no value for are left out', () => {
  const bare: LogRecord = {
    ...RECORD,
    username: null,
    method: null,
    status: null,
    duration_ms: null,
    referrer: null,
    extra: {},
  };
  assert.deepEqual(Object.keys(JSON.parse(logEventJson(bare, 'x'))), ['url', 'ip', 'useragent', 'ts', 'id']);
});

test('an extra field named like an event field keeps its value under log_<name>; __proto__ is a field like any other', () => {
  const extra = JSON.parse('{"url":"/other","id":"theirs","__proto__":"p","quote\\"key":1}') as LogRecord['extra'];
  const parsed = JSON.parse(logEventJson({ ...RECORD, extra }, 'mine'));
  assert.equal(parsed.url, RECORD.url);
  assert.equal(parsed.id, 'mine');
  assert.equal(parsed.log_url, '/other');
  assert.equal(parsed.log_id, 'theirs');
  assert.equal(Object.getOwnPropertyDescriptor(parsed, '__proto__')?.value, 'p');
  assert.equal(parsed['quote"key'], 1);
});

test('a number that is not finite is sent as null, which the server refuses with its reason', () => {
  const parsed = JSON.parse(logEventJson({ ...RECORD, duration_ms: Number.NaN }, 'x'));
  assert.equal(parsed.duration_ms, null);
});

test('every text is written as JSON.stringify writes it: escapes, control characters, surrogates paired or alone', () => {
  const texts = [
    'plain /a?b=c',
    'a "quote"',
    'back\\slash',
    'tab\tand\u0001',
    'emoji 😀',
    'lone \ud800 high',
    'lone \udc00 low',
    'é\u2028',
  ];
  for (const text of texts) {
    const record: LogRecord = { ...RECORD, url: text, useragent: text, referrer: text, extra: { [text]: text } };
    const json = logEventJson(record, text);
    const expected =
      `{"url":${JSON.stringify(text)},"ip":${JSON.stringify(RECORD.ip)},"useragent":${JSON.stringify(text)},` +
      `"ts":${RECORD.ts},"id":${JSON.stringify(text)},"username":"frank","method":"GET","status":200,"duration_ms":12.5,` +
      `"referrer":${JSON.stringify(text)},${JSON.stringify(text)}:${JSON.stringify(text)}}`;
    assert.equal(json, expected, JSON.stringify(text));
  }
});

test('numbers are written as JSON.stringify writes them, times in ms and their halves too', () => {
  const numbers = [
    0,
    7,
    999_999,
    1_000_000,
    1_000_001,
    1_764_000_000_000,
    1_764_000_000_123,
    1_764_000_012_345,
    2 ** 53 - 1,
    1e21,
    12.5,
    -3,
    -1_764_000_000_123,
  ];
  for (const ts of numbers) {
    const json = logEventJson({ ...RECORD, ts, status: ts, duration_ms: ts, extra: { bytes: ts } }, 'x');
    const parsed = JSON.parse(json);
    assert.ok(json.includes(`"ts":${JSON.stringify(ts)},`), json);
    assert.deepEqual([parsed.ts, parsed.status, parsed.duration_ms, parsed.bytes], [ts, ts, ts, ts]);
  }
});

test('each line gets its own time, also when neighbouring lines share one', () => {
  const times = [RECORD.ts, RECORD.ts, RECORD.ts + 1_000, RECORD.ts, 0];
  const sent = times.map((ts) => JSON.parse(logEventJson({ ...RECORD, ts }, 'l1-0123456789abcdef-0')).ts);
  assert.deepEqual(sent, times);
});
