/**
 * Mutated collect requests for the bad-input fuzz (test/security/
 * collect-fuzz.test.ts): a valid Gen 1, Gen 2, v2 or bearer request, then
 * mutations at any of its layers — the events, the JSON text they are sent
 * as, the protocol's envelope (a bearer batch's: its Authorization header),
 * the body's bytes, the HTTP request around them. Every
 * choice comes from the Prng given, so a seed makes the same request every run.
 */
import { gzipSync } from 'node:zlib';
import { encryptGen1 } from '../../src/collect/gen1-aes.js';
import { signGen2 } from '../../src/collect/gen2-hmac.js';
import { sealV2 } from '../../src/collect/v2-gcm.js';
import type { Prng } from './prng.js';
import { IPHONE_UA, WINDOWS_CHROME_UA } from './senders.js';

export interface FuzzService {
  wsid: number;
  secret: string;
}

export interface FuzzContext {
  /** the server's clock, which stands still */
  now: number;
  /** [0]: a service that takes every protocol; [1]: one that takes only v2, with another secret */
  services: readonly [FuzzService, FuzzService];
  /** bearer batches: a token of scope ingest for services[0], and one of scope read */
  tokens: { ingest: string; read: string };
}

export interface Expected {
  status: number;
  /** a 200's count of accepted events */
  accepted?: number;
}

export interface FuzzRequest {
  /** how it was made, for a failure's message */
  label: string;
  method: string;
  headers: Record<string, string>;
  payload: Buffer;
  /** the answer a request sent as made must get; null: any 200 or well-formed 4xx */
  expected: Expected | null;
}

type Event = Record<string, unknown>;
type Form = [string, string][];
type Mutation<T> = [name: string, mutate: (value: T, r: Prng, context: FuzzContext) => T];

const FORM_TYPE = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
const IPS = ['8.8.8.8', '81.2.69.142', '2001:4860:4860::8888', '10.0.0.1', '127.0.0.1', '::1', '::ffff:1.2.3.4'];
const AGENTS = [IPHONE_UA, WINDOWS_CHROME_UA, 'curl/8.5.0', 'x', ''];
const FIELDS = ['url', 'ip', 'useragent', 'username', 'ts', 'method', 'status', 'duration_ms', 'referrer'];
const TEXT_FIELDS = ['url', 'useragent', 'username', 'method', 'referrer'];
const WRONG_VALUES: unknown[] = [1, -1, 0, 1e308, -1e308, 2 ** 53 + 1, true, false, null, [], {}, '', [1, 2], { a: 1 }];
const ODD_TEXT = [
  '\u0000',
  '\ud800',
  'x\udc00',
  '\udc00\ud800',
  '😀',
  '\u202egnp.exe',
  'e\u0301',
  '\ufeff',
  '\uffff',
  '\u200b',
  '\u2028\u2029',
  '\u{10ffff}',
  '\\',
  '"',
  '%00',
  '%ZZ',
  '<script>alert(1)</script>',
  "'; DROP TABLE events; --",
  '\r\n',
];
const ODD_KEYS = ['\ud800', '', ' ', '__proto__', 'constructor', 'toString', 'ü', '😀', 'a.b', '$where'];
const BAD_IPS = [
  '999.1.1.1',
  '1.2.3',
  '::g',
  '',
  'localhost',
  ' 8.8.8.8',
  '08.8.8.8',
  '1.2.3.4/24',
  '[::1]',
  '8.8.8.8\ud800',
];

let zeroBombMemo: Buffer | undefined;
/** 9 MiB of zeros, gzipped: about 9 KB that inflate past every collect limit, a bearer batch's 8 MiB included */
const zeroBomb = () => {
  zeroBombMemo ??= gzipSync(Buffer.alloc(9 * 1024 * 1024), { level: 9 });
  return zeroBombMemo;
};

const EVENT_MUTATIONS: Mutation<Event>[] = [
  [
    'a required field missing',
    (e, r) => {
      delete e[r.pick(['url', 'ip', 'useragent'])];
      return e;
    },
  ],
  ['a field of a wrong type', (e, r) => ({ ...e, [r.pick(FIELDS)]: r.pick(WRONG_VALUES) })],
  [
    'odd text in a field',
    (e, r) => {
      const field = r.pick(TEXT_FIELDS);
      return { ...e, [field]: `${typeof e[field] === 'string' ? e[field] : '/'}${r.pick(ODD_TEXT)}` };
    },
  ],
  [
    'an odd key',
    (e, r) => {
      // defined, not assigned: `__proto__` must become a key, not the prototype
      Object.defineProperty(e, r.pick(ODD_KEYS), {
        value: r.pick([...WRONG_VALUES, ...ODD_TEXT]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      return e;
    },
  ],
  [
    'a ts out of range',
    (e, r, c) => ({ ...e, ts: r.pick([c.now - 1e12, c.now + 1e12, c.now + 400_000, 'yesterday']) }),
  ],
  ['a bad ip', (e, r) => ({ ...e, ip: r.pick(BAD_IPS) })],
  ['an over-long text', (e, r) => ({ ...e, [r.pick(TEXT_FIELDS)]: 'y'.repeat(r.pick([1025, 2049, 70_000])) })],
  ['extra properties too large', (e) => ({ ...e, blob: 'z'.repeat(5000) })],
  ['extra properties too deep', (e) => ({ ...e, deep: { a: { b: { c: { d: 1 } } } } })],
  ['a status out of range', (e, r) => ({ ...e, status: r.pick([99, 600, 200.5, -200]) })],
  ['a huge number', (e, r) => ({ ...e, [r.pick(['duration_ms', 'status', 'ts'])]: r.pick([1e308, -1e308, 5e-324]) })],
];

const TEXT_MUTATIONS: Mutation<string>[] = [
  ['the JSON truncated', (t, r) => t.slice(0, r.int(t.length))],
  ['junk after the JSON', (t, r) => t + r.pick(['x', '}', ',', '\u0000', '{}'])],
  ['a key twice', (t) => t.replace('{', '{"url":"/dup",')],
  ['a huge number in the text', (t, r) => t.replace(/\d+/, r.pick(['1e999', '-1e999', '1'.repeat(400)]))],
  ['a byte order mark', (t) => `\ufeff${t}`],
  ['JSON that is not an object', (_t, r) => r.pick(['[]', 'null', '"str"', '42', 'true', '[{"url":"/"}]', ''])],
  ['a __proto__ key', (t) => t.replace('{', '{"__proto__":{"url":"/proto"},')],
  ['lone surrogate escapes', (t) => t.replace('{', '{"x\\ud800":"\\udc00",')],
  ['a NUL escape', (t) => t.replace('{', '{"n":"\\u0000",')],
  ['nesting 5,000 deep', (t) => t.replace('{', `{"a":${'['.repeat(5000)}${']'.repeat(5000)},`)],
  [
    'a character changed',
    (t, r) => {
      const at = r.int(t.length);
      return t.slice(0, at) + String.fromCharCode(t.charCodeAt(at) ^ (1 << r.int(16))) + t.slice(at + 1);
    },
  ],
];

const base64Junk = ['', '*', '====', 'QUJD*', 'A', '\u00e9'];

const FORM_MUTATIONS: Mutation<Form>[] = [
  [
    'another wsid',
    (f, r) =>
      setField(f, 'wsid', r.pick(['0', '-1', '2', '3', '1.0', ' 1', '01', '1e3', 'abc', '', '9'.repeat(20), '١'])),
  ],
  [
    'bad base64 data',
    (f, r) => {
      const data = fieldOf(f, 'data');
      const at = r.int(data.length + 1);
      return setField(f, 'data', data.slice(0, at) + r.pick(base64Junk) + data.slice(at));
    },
  ],
  ['data of random bytes', (f, r) => setField(f, 'data', r.bytes(r.int(200)).toString('base64'))],
  ['a wrong signature', (f, r) => setField(f, 'signature', r.pick(['0'.repeat(40), '', 'g'.repeat(40), 'ABCDEF']))],
  ['the signature in capitals', (f) => setField(f, 'signature', fieldOf(f, 'signature').toUpperCase())],
  [
    'a field twice',
    (f, r) => {
      const field = r.pick(f);
      return [...f, [field[0], r.chance(0.5) ? field[1] : 'other']];
    },
  ],
  [
    'a field missing',
    (f, r) => {
      const drop = r.int(f.length);
      return f.filter((_, i) => i !== drop);
    },
  ],
  [
    'an unknown field',
    (f, r) => [
      ...f,
      r.pick<[string, string]>([
        ['x', 'y'],
        ['__proto__', '1'],
        ['v', '2'],
      ]),
    ],
  ],
];

/** a bearer batch's Authorization header that does not let it in: none, malformed, unknown, another scheme or scope */
const bearerRefused = (r: Prng, { tokens }: FuzzContext): string | undefined =>
  r.pick([
    undefined,
    'Bearer',
    'Bearer tmon_unknown',
    `Bearer ${tokens.ingest} x`,
    'Basic YTpi',
    `Bearer ${tokens.read}`,
  ]);

const ENVELOPE_MUTATIONS: Mutation<Event>[] = [
  ['another v', (e, r) => ({ ...e, v: r.pick([1, 3, '2', null, undefined]) })],
  ['another wsid', (e, r) => ({ ...e, wsid: r.pick(['1', 0, -1, 2, 3, 1.5, 1e300, null, undefined, true]) })],
  ['a bad iv', (e, r) => ({ ...e, iv: r.pick(['', 'AAAA', r.bytes(16).toString('base64'), '!!!!!!!!!!!!!!!!', 123]) })],
  [
    'tampered data',
    (e, r) => {
      const bytes = Buffer.from(String(e.data), 'base64');
      if (bytes.length > 0) flipBit(bytes, r);
      return { ...e, data: bytes.toString('base64') };
    },
  ],
  ['bad base64 data', (e, r) => ({ ...e, data: r.pick(['***', '', 'AAAA', 42, null]) })],
  ['an unknown key', (e) => ({ ...e, extra: { nested: [1, 2] } })],
];

const BODY_MUTATIONS: Mutation<Buffer>[] = [
  [
    'bits flipped',
    (b, r) => {
      const flipped = Buffer.from(b);
      for (let n = 1 + r.int(8); n > 0 && flipped.length > 0; n--) flipBit(flipped, r);
      return flipped;
    },
  ],
  ['the body truncated', (b, r) => b.subarray(0, r.int(b.length))],
  [
    'random bytes inserted',
    (b, r) => {
      const at = r.int(b.length + 1);
      return Buffer.concat([b.subarray(0, at), r.bytes(1 + r.int(16)), b.subarray(at)]);
    },
  ],
  ['no body', () => Buffer.alloc(0)],
];

/** where a request may be mutated, and how often each is drawn (of every 100 draws) */
const LAYERS = {
  event: 30,
  batch: 4,
  text: 15,
  envelope: 20,
  unescaped: 4,
  body: 12,
  oversize: 1,
  'content type': 7,
  method: 2,
  'late text': 5,
} as const;
type Layer = keyof typeof LAYERS;

/** One to three layers, by their weights. */
function drawLayers(r: Prng): Set<Layer> {
  const layers = new Set<Layer>();
  const total = Object.values(LAYERS).reduce((sum, weight) => sum + weight, 0);
  for (let n = 1 + (r.chance(0.3) ? 1 : 0) + (r.chance(0.1) ? 1 : 0); n > 0; n--) {
    let draw = r.int(total);
    for (const [layer, weight] of Object.entries(LAYERS) as [Layer, number][]) {
      draw -= weight;
      if (draw < 0) {
        layers.add(layer);
        break;
      }
    }
  }
  return layers;
}

/** The request for one draw of `r`. */
export function fuzzRequest(r: Prng, context: FuzzContext): FuzzRequest {
  const label: string[] = [];
  // about a third go as made (their answer is known: `expected`), the rest mutated at one to three layers
  const asMade = r.chance(0.35);
  const layers = asMade ? new Set<Layer>() : drawLayers(r);
  const apply = <T>(value: T, mutations: Mutation<T>[]): T => {
    const [name, mutate] = r.pick(mutations);
    label.push(name);
    return mutate(value, r, context);
  };

  const protocol = r.pick(['gen1', 'gen2', 'v2', 'bearer'] as const);
  const [anyProtocol, v2Only] = context.services;
  // a bearer batch's service is its token's
  const service = protocol !== 'bearer' && r.chance(0.1) ? v2Only : anyProtocol;
  // the other service's secret now and then: a request its service cannot open
  const rightSecret = r.chance(0.97);
  const secret = rightSecret ? service.secret : (service === anyProtocol ? v2Only : anyProtocol).secret;
  label.push(`${protocol} to wsid ${service.wsid}${rightSecret ? '' : ' with the wrong secret'}`);

  const batched = protocol === 'v2' || protocol === 'bearer';
  let count = batched ? r.pick([1, 1, 1, 2, 3, 5, 10, 10, 20]) : 1;
  if (batched && r.chance(0.004)) {
    count = r.pick(protocol === 'v2' ? [0, 1000, 1001] : [0, 2000, 10_001]);
    label.push(`a batch of ${count}`);
  }
  const events: unknown[] = Array.from({ length: count }, () => validEvent(r, context, protocol === 'bearer'));
  if (layers.has('event') && events.length > 0) {
    const at = r.int(events.length);
    events[at] = r.chance(0.05)
      ? r.pick<unknown>([[], 'event', 42, null])
      : apply({ ...(events[at] as Event) }, EVENT_MUTATIONS);
  }

  let text: string;
  if (protocol === 'v2') {
    const batch: Event = { sent_at: context.now, events };
    if (layers.has('batch')) {
      label.push('a bad batch');
      const key = r.pick(['sent_at', 'events']);
      batch[key] = r.pick<unknown>([context.now - 301_000, context.now + 301_000, undefined, '1', null, {}]);
    }
    text = JSON.stringify(batch);
  } else if (protocol === 'bearer') {
    const batch: Event = { events };
    if (layers.has('batch')) {
      label.push('a bad batch');
      batch[r.pick(['events', 'v'])] = r.pick<unknown>([undefined, '1', null, {}, 2]);
    }
    text = JSON.stringify(batch);
  } else {
    text = JSON.stringify(events[0]);
  }
  if (layers.has('text')) text = apply(text, TEXT_MUTATIONS);

  let body: Buffer;
  // a bearer batch's token: the right one, unless its envelope (the header) is mutated
  let authorization: string | undefined = protocol === 'bearer' ? `Bearer ${context.tokens.ingest}` : undefined;
  if (protocol === 'bearer') {
    if (layers.has('envelope')) {
      authorization = bearerRefused(r, context);
      label.push(`Authorization ${JSON.stringify(authorization)}`);
    }
    body = Buffer.from(text);
  } else if (protocol === 'v2') {
    let envelope: Event = { ...sealV2(text, { wsid: service.wsid, secret, iv: r.bytes(12) }) };
    if (layers.has('envelope')) envelope = apply(envelope, ENVELOPE_MUTATIONS);
    body = Buffer.from(JSON.stringify(envelope));
  } else {
    let form: Form = [['wsid', String(service.wsid)]];
    if (protocol === 'gen1') form.push(['data', encryptGen1(text, secret)]);
    else {
      const { data, signature } = signGen2(text, secret);
      form.push(['data', data], ['signature', signature]);
    }
    if (layers.has('envelope')) form = apply(form, FORM_MUTATIONS);
    // unescaped, as a careless sender writes it: `+` reads as a space, `=` and `&` split fields
    const raw = layers.has('unescaped');
    if (raw) label.push('the form unescaped');
    body = Buffer.from(
      form.map(([name, value]) => (raw ? `${name}=${value}` : `${esc(name)}=${esc(value)}`)).join('&'),
    );
  }
  if (layers.has('late text')) body = Buffer.from(apply(body.toString('latin1'), TEXT_MUTATIONS), 'latin1');
  if (layers.has('body')) body = apply(body, BODY_MUTATIONS);
  if (layers.has('oversize')) {
    label.push('over the size limit');
    const pad = Buffer.alloc(batched ? 1024 * 1024 : 64 * 1024, 'A');
    body = batched
      ? Buffer.concat([Buffer.from('{"pad":"'), pad, Buffer.from('"}')])
      : Buffer.concat([body, Buffer.from('&pad='), pad]);
  }

  const headers: Record<string, string> = { 'content-type': batched ? JSON_TYPE : FORM_TYPE };
  if (authorization !== undefined) headers.authorization = authorization;
  if (layers.has('content type')) {
    const type = r.pick([
      'text/plain',
      'application/xml',
      'multipart/form-data; boundary=x',
      batched ? FORM_TYPE : JSON_TYPE,
      '',
      'application/json; charset=utf-16',
      'Application/JSON',
      `${FORM_TYPE}; charset=latin1`,
      'application/json;;',
      '*/*',
      'application/jsonx',
    ]);
    label.push(`Content-Type ${JSON.stringify(type)}`);
    if (type === '') delete headers['content-type'];
    else headers['content-type'] = type;
  }

  // what a request sent as made gets: accepted whole, unless its service cannot take it
  let expected: Expected | null = null;
  if (asMade) {
    if (protocol === 'bearer')
      expected = count === 0 || count > 10_000 ? { status: 400 } : { status: 200, accepted: count };
    else if (!rightSecret || (protocol !== 'v2' && service === v2Only)) expected = { status: 403 };
    else if (count === 0 || count > 1000) expected = { status: 400 };
    else expected = { status: 200, accepted: count };
  }
  // any request may be compressed: how is part of what an as-made request's answer depends on
  if (r.chance(0.06)) {
    const coding = r.pick([
      'gzip',
      'gzip',
      'gzip junk',
      'gzip bomb',
      'br',
      'deflate',
      'identity',
      'x-gzip',
      'gzip, gzip',
    ]);
    label.push(`Content-Encoding ${coding}`);
    headers['content-encoding'] = coding.startsWith('gzip ') ? 'gzip' : coding;
    if (coding === 'gzip' || coding === 'x-gzip') body = gzipSync(body);
    else if (coding === 'gzip, gzip') body = gzipSync(gzipSync(body));
    else if (coding === 'gzip junk') body = Buffer.concat([gzipSync(body).subarray(0, 10), r.bytes(r.int(64))]);
    else if (coding === 'gzip bomb') body = zeroBomb();
    // br, deflate, identity: the body goes as it is (refused whatever it holds, or read as is)
    const refusedFor: Record<string, number> = {
      'gzip junk': 400,
      'gzip bomb': 413,
      br: 415,
      deflate: 415,
      'gzip, gzip': 415,
    };
    const status = refusedFor[coding];
    if (expected !== null && status !== undefined) expected = { status };
  }
  const method = layers.has('method') ? r.pick(['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) : 'POST';
  if (method !== 'POST') label.push(method);
  return { label: label.join(', '), method, headers, payload: body, expected };
}

/** A valid event; in a bearer batch, now and then one from months ago (history, back to the retention horizon). */
function validEvent(r: Prng, { now }: FuzzContext, bearer: boolean): Event {
  const event: Event = { url: `/p/${r.int(1000)}`, ip: r.pick(IPS), useragent: r.pick(AGENTS) };
  if (r.chance(0.3)) event.username = `user${r.int(50)}`;
  if (r.chance(0.3)) event.method = r.pick(['GET', 'POST', 'put']);
  if (r.chance(0.3)) event.status = 100 + r.int(500);
  if (r.chance(0.3)) event.duration_ms = r.int(100_000) / 10;
  if (r.chance(0.2)) event.referrer = 'https://ref.example/x';
  if (r.chance(0.2)) event.ts = now - r.int(bearer && r.chance(0.5) ? 300 * 86_400_000 : 3_600_000);
  if (r.chance(0.2)) event.plan = r.pick(['free', 'pro']);
  if (r.chance(0.1)) event.cart = { items: [r.int(9), r.int(9)], total: r.int(999) };
  // no `id`: a repeated one is accepted and stored once, which the fuzz's count could not tell from a loss
  return event;
}

function flipBit(bytes: Buffer, r: Prng): void {
  const at = r.int(bytes.length);
  bytes[at] = (bytes[at] as number) ^ (1 << r.int(8));
}

function fieldOf(form: Form, name: string): string {
  return form.find(([field]) => field === name)?.[1] ?? '';
}

function setField(form: Form, name: string, value: string): Form {
  return form.some(([field]) => field === name)
    ? form.map(([field, old]) => [field, field === name ? value : old])
    : [...form, [name, value]];
}

const esc = (text: string) => encodeURIComponent(text).replaceAll('%20', '+');
