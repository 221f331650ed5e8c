/** TmonClient against a real tmon: batching, flush and close, the bounded queue, what it reports. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TmonClient, type TmonClientOptions, type TmonError } from '../../clients/node/src/index.js';
import {
  countingFetch,
  freePort,
  type ListeningTmon,
  startListeningTmon,
  storedIdCounts,
  waitFor,
} from '../support/client-helpers.js';

const UA = 'client-test';

describe('TmonClient', () => {
  let tmon: ListeningTmon;
  const clients: TmonClient[] = [];
  const client = (options: Partial<TmonClientOptions> = {}) => {
    const created = new TmonClient({
      server: tmon.url,
      wsid: tmon.service.id,
      secret: tmon.service.secret,
      exitHooks: false,
      onError: () => {},
      ...options,
    });
    clients.push(created);
    return created;
  };
  const event = (id: string) => ({ url: `/page/${id}`, ip: '81.2.69.142', useragent: UA, id });

  before(async () => {
    tmon = await startListeningTmon();
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await tmon.close();
  });

  it('sends one v2 batch as soon as batchSize events are queued', async () => {
    const counter = countingFetch();
    const c = client({ batchSize: 5, flushIntervalMs: 60_000, fetch: counter.fetch });
    for (let i = 0; i < 5; i++) c.track(event(`full-${i}`));
    assert.equal(counter.calls(), 0, 'track() itself sends nothing');
    await waitFor(() => c.stats().sent === 5);
    assert.equal(counter.calls(), 1);
    const stored = await storedIdCounts(tmon);
    for (let i = 0; i < 5; i++) assert.equal(stored.get(`full-${i}`), 1);
  });

  it('sends a partial batch flushIntervalMs after the first event', async () => {
    const counter = countingFetch();
    const c = client({ batchSize: 100, flushIntervalMs: 150, fetch: counter.fetch });
    const started = Date.now();
    for (let i = 0; i < 3; i++) c.track(event(`timer-${i}`));
    await waitFor(() => c.stats().sent === 3);
    assert.ok(Date.now() - started >= 140, 'not before the interval');
    assert.equal(counter.calls(), 1);
  });

  it('sends what is queued on flush() and close(), then drops what is tracked after close()', async () => {
    const c = client({ batchSize: 100, flushIntervalMs: 60_000 });
    c.track(event('flush-1'));
    await c.flush();
    assert.deepEqual({ sent: c.stats().sent, queued: c.stats().queued }, { sent: 1, queued: 0 });
    c.track(event('close-1'));
    c.track(event('close-2'));
    await c.close();
    c.track(event('after-close'));
    assert.deepEqual(c.stats(), { queued: 0, inFlight: 0, sent: 3, retried: 0, dropped: 1, failed: 0 });
    const stored = await storedIdCounts(tmon);
    assert.equal(stored.get('close-2'), 1);
    assert.equal(stored.has('after-close'), false);
  });

  it('fills in an id and the time of track() for events that carry none', async () => {
    const c = client();
    const before = Date.now();
    c.track({ url: '/no-id', ip: '81.2.69.142', useragent: UA });
    await c.flush();
    const [latest] = await tmon.runtime.eventStore.latestEvents(tmon.service.id, 1);
    assert.equal(latest?.url, '/no-id');
    assert.ok((latest?.ts ?? 0) >= before && (latest?.ts ?? 0) <= Date.now());
    // a UUIDv7 of the same instant: ids that start with the time are cheaper for tmon to index
    assert.match(latest?.id ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(Number.parseInt((latest?.id ?? '').slice(0, 13).replace('-', ''), 16), latest?.ts);
  });

  it('drops the oldest events when the queue is full, and counts them', async () => {
    const errors: TmonError[] = [];
    const c = client({ maxQueue: 3, batchSize: 100, flushIntervalMs: 60_000, onError: (e) => errors.push(e) });
    for (let i = 0; i < 5; i++) c.track(event(`overflow-${i}`));
    assert.deepEqual({ queued: c.stats().queued, dropped: c.stats().dropped }, { queued: 3, dropped: 2 });
    assert.deepEqual(
      errors.map((e) => e.kind),
      ['queue_full'],
      'reported once per episode, not per event',
    );
    await c.flush();
    const stored = await storedIdCounts(tmon);
    assert.deepEqual(
      [0, 1, 2, 3, 4].map((i) => stored.has(`overflow-${i}`)),
      [false, false, true, true, true],
    );
  });

  it('drops an invalid event at track() so that it cannot sink its batch', async () => {
    const errors: TmonError[] = [];
    const c = client({ onError: (e) => errors.push(e) });
    c.track(event('valid-1'));
    c.track({ url: '/bad', ip: 'not an address', useragent: UA, id: 'invalid-ip' });
    // never throws on the caller's path, whatever it is given
    c.track(null as never);
    await c.flush();
    assert.deepEqual(
      errors.map((e) => e.kind),
      ['invalid_event', 'invalid_event'],
    );
    assert.equal(c.stats().sent, 1);
    assert.equal(c.stats().dropped, 2);
    assert.equal((await storedIdCounts(tmon)).get('valid-1'), 1);
  });

  it('resends the rest of a batch without the event tmon refused', async () => {
    const errors: TmonError[] = [];
    const c = client({ onError: (e) => errors.push(e) });
    c.track(event('batch-ok-1'));
    // valid to the client, refused by tmon: a ts a week old
    c.track({ ...event('batch-stale-ts'), ts: Date.now() - 7 * 86_400_000 });
    c.track(event('batch-ok-2'));
    await c.flush();
    assert.deepEqual({ sent: c.stats().sent, failed: c.stats().failed }, { sent: 2, failed: 1 });
    assert.equal(errors[0]?.kind, 'refused');
    assert.match(errors[0]?.message ?? '', /24 h in the past/);
    const stored = await storedIdCounts(tmon);
    assert.equal(stored.get('batch-ok-2'), 1);
    assert.equal(stored.has('batch-stale-ts'), false);
  });

  it('reports a refused request through onError and does not retry it', async () => {
    const errors: TmonError[] = [];
    const counter = countingFetch();
    const c = client({
      secret: 'Wrong0Secret0Wrong0Secret0Wrong00',
      fetch: counter.fetch,
      onError: (e) => errors.push(e),
    });
    c.track(event('wrong-secret'));
    await c.flush();
    assert.equal(counter.calls(), 1);
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.kind, 'refused');
    assert.equal(errors[0]?.answer?.status, 403);
    assert.equal(errors[0]?.answer?.body.error, 'decryption_failed');
    assert.deepEqual(
      { sent: c.stats().sent, failed: c.stats().failed, retried: c.stats().retried },
      {
        sent: 0,
        failed: 1,
        retried: 0,
      },
    );
  });

  it('gives up after maxRetries when nothing answers, and says so', async () => {
    const errors: TmonError[] = [];
    const port = await freePort();
    const c = client({
      server: `http://127.0.0.1:${port}`,
      maxRetries: 2,
      retryBaseMs: 10,
      onError: (e) => errors.push(e),
    });
    c.track(event('nobody-home'));
    await c.flush();
    assert.deepEqual({ failed: c.stats().failed, retried: c.stats().retried }, { failed: 1, retried: 2 });
    assert.equal(errors[0]?.kind, 'gave_up');
    assert.match(errors[0]?.message ?? '', /ECONNREFUSED/);
  });

  it('answers send() with what tmon said', async () => {
    const c = client();
    const answer = await c.send(event('send-now'));
    assert.deepEqual(answer, { status: 200, body: { status: 200, status_code: 200, accepted: 1 } });
  });

  it('refuses options that cannot work when it is created', () => {
    const base = { server: 'http://localhost:8000', wsid: 1, secret: 'x'.repeat(32), exitHooks: false };
    assert.throws(() => new TmonClient({ ...base, server: 'localhost' }), /server must be a URL/);
    assert.throws(() => new TmonClient({ ...base, wsid: 0 }), /wsid/);
    assert.throws(() => new TmonClient({ ...base, batchSize: 1001 }), /batchSize/);
    assert.throws(() => new TmonClient({ ...base, protocol: 'gen1', secret: 'short' }), /Gen 1 secret/);
  });
});
