import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bucketStart, bucketStartsEndingAt } from '../../src/rollup/buckets.js';
import { RollupAccumulator, rollupDeltas } from '../../src/rollup/deltas.js';
import { cityKey, dimensionKey, parseCityKey } from '../../src/rollup/dimension-keys.js';
import { windowDeltas } from '../../src/rollup/window-deltas.js';
import { SLIDING_WINDOW_NAMES, type SlidingWindow, windowLengthMs, windowStart } from '../../src/rollup/windows.js';
import { makeEvent, T0 } from '../support/temp-store.js';
import { HOUR, MINUTE, SECOND } from './contract/context.js';

describe('rollup buckets and windows', () => {
  it('starts buckets on UTC boundaries', () => {
    const ts = Date.UTC(2025, 0, 2, 3, 4, 5, 678);
    assert.equal(bucketStart('second', ts), Date.UTC(2025, 0, 2, 3, 4, 5));
    assert.equal(bucketStart('minute', ts), Date.UTC(2025, 0, 2, 3, 4));
    assert.equal(bucketStart('hour', ts), Date.UTC(2025, 0, 2, 3));
    assert.equal(bucketStart('day', ts), Date.UTC(2025, 0, 2));
    assert.deepEqual(bucketStartsEndingAt('hour', 3, ts), [
      Date.UTC(2025, 0, 2, 1),
      Date.UTC(2025, 0, 2, 2),
      Date.UTC(2025, 0, 2, 3),
    ]);
  });

  it('starts each window that many buckets back, counting the current one', () => {
    const now = T0 + 30 * SECOND;
    assert.equal(windowStart('5m', now), T0 - 4 * MINUTE);
    assert.equal(windowStart('24h', now), T0 - 1_439 * MINUTE);
    assert.equal(windowStart('7d', now), T0 - 167 * HOUR);
    assert.equal(windowLengthMs('1h'), HOUR);
    assert.equal(windowLengthMs('all'), null);
  });
});

describe('dimension keys', () => {
  it('keys each dimension and skips what is unknown', () => {
    const event = makeEvent({ url: '/a?b=1' });
    assert.equal(dimensionKey(event, 'country'), 'DE');
    assert.equal(dimensionKey(event, 'city'), 'DE\tBerlin\tBerlin');
    assert.equal(dimensionKey(event, 'os'), 'Windows');
    assert.equal(dimensionKey(event, 'device'), 'desktop');
    assert.equal(dimensionKey(event, 'browser'), 'Chrome');
    assert.equal(dimensionKey(event, 'url'), '/a?b=1');
    const bare = makeEvent({ geo: null, agent: { os: null, browser: null, device: 'other' } });
    assert.deepEqual(
      (['country', 'city', 'os', 'browser'] as const).map((dim) => dimensionKey(bare, dim)),
      [null, null, null, null],
    );
    assert.equal(dimensionKey(makeEvent({ geo: { city: null } }), 'city'), null);
  });

  it('splits a city key back into its place, region optional', () => {
    const geo = { country: 'SG', countryName: 'Singapore', region: null, city: 'Singapore', lat: 1.29, lng: 103.85 };
    const key = cityKey(geo) as string;
    assert.deepEqual(parseCityKey(key), { country: 'SG', region: null, city: 'Singapore' });
  });
});

describe('rollup deltas', () => {
  it('carries counts through JSON data unchanged, and merges halves into the counts of the whole', () => {
    const cities = ['Berlin', 'Paris', 'Lima'];
    const events = Array.from({ length: 60 }, (_, i) =>
      makeEvent({
        ts: T0 + i * 7 * SECOND,
        url: `/p/${i % 4}`,
        geo: { city: cities[i % 3], country: i % 2 === 0 ? 'DE' : 'FR', lat: i, lng: i + 0.5 },
      }),
    ).map((event, i) => ({ ...event, serviceId: 1 + (i % 2) }));
    const whole = new RollupAccumulator();
    whole.addAll(events);
    const merged = new RollupAccumulator();
    for (const half of [events.slice(0, 25), events.slice(25)]) {
      const part = new RollupAccumulator();
      part.addAll(half);
      for (const data of part.toData()) merged.addData(JSON.parse(JSON.stringify(data)));
    }
    const sorted = (acc: RollupAccumulator) =>
      acc
        .deltas()
        .map((d) => JSON.stringify(d))
        .sort();
    assert.deepEqual(sorted(merged), sorted(whole));
    assert.equal(merged.events, 60);
    assert.deepEqual([...merged.places].sort(), [...whole.places].sort());
    assert.deepEqual(
      whole.toData().map((d) => [d.serviceId, d.events]),
      [
        [1, 30],
        [2, 30],
      ],
    );
  });

  it("gives the rows in the table's primary-key order (service, dim, res, bucket, key), each row once", () => {
    // events out of time order, over hours, of two services, with a watched prefix: every kind of row
    const accumulator = new RollupAccumulator({ prefixesOf: () => ['/p/'] });
    const urls = ['/p/zeta', '/p/alpha', '/b', '/p/mid'];
    accumulator.addAll(
      Array.from({ length: 90 }, (_, i) => ({
        ...makeEvent({
          ts: T0 + ((i * 37) % 90) * 3 * MINUTE,
          url: urls[i % urls.length],
          status: i % 5 === 0 ? 503 : 200,
          durationMs: i,
        }),
        serviceId: 2 - (i % 2),
      })),
    );
    const deltas = accumulator.deltas();
    const rowKey = (d: (typeof deltas)[number]) => [d.serviceId, d.dim, d.res, d.bucket, d.key] as const;
    const compare = (a: (typeof deltas)[number], b: (typeof deltas)[number]) => {
      const [x, y] = [rowKey(a), rowKey(b)];
      for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
      return 0;
    };
    for (let i = 1; i < deltas.length; i++) {
      assert.equal(compare(deltas[i - 1]!, deltas[i]!), -1, `row ${i} comes after the one before it, and differs`);
    }
    assert.deepEqual(new Set(deltas.map((d) => d.dim)).size, 12, 'the six rankings, requests and the five signals');
    const totalOf = (dim: string, res: string) =>
      deltas.filter((d) => d.dim === dim && d.res === res).reduce((sum, d) => sum + d.requests, 0);
    assert.equal(totalOf('url', 'hour'), 90);
    assert.equal(totalOf('url', 'minute'), 90);
    assert.equal(totalOf('prefix_requests', 'hour'), 68);
    assert.equal(totalOf('requests', 'day'), 90);
  });

  it('leaves out the rows nothing reads: an old event adds only rows a query, a window or an alert can still read', () => {
    const DAY = 24 * HOUR;
    const now = T0 + 40 * DAY;
    const accumulator = new RollupAccumulator();
    accumulator.addAll(
      [
        makeEvent({ ts: T0 }),
        makeEvent({ ts: now - 30 * DAY }),
        makeEvent({ ts: now - 2 * DAY }),
        makeEvent({ ts: now - 24 * HOUR - 30 * MINUTE }),
        makeEvent({ ts: now - 25 * HOUR - 30 * MINUTE }),
        makeEvent({ ts: now }),
      ].map((event) => ({ ...event, serviceId: 1 })),
    );
    const kept = (dim: string, res: string) =>
      accumulator
        .deltas(now)
        .filter((d) => d.dim === dim && d.res === res)
        .map((d) => (now - d.bucket) / DAY)
        .sort((a, b) => a - b);
    const age = (hours: number) => hours / 24;
    // seconds for 2 h; minutes of rankings for 25 h (windows and alert rules read 24 h back at most), of requests
    // for 8 days (alert baselines read a week back); hours of rankings for 31 days, of requests for 160; days for ever
    assert.deepEqual(kept('requests', 'second'), [0]);
    assert.deepEqual(kept('url', 'minute'), [0, age(24.5)]);
    assert.deepEqual(kept('status', 'minute'), [0, age(24.5)]);
    assert.deepEqual(kept('requests', 'minute'), [0, age(24.5), age(25.5), 2]);
    assert.deepEqual(kept('url', 'hour'), [0, age(25), age(26), 2, 30]);
    assert.deepEqual(kept('requests', 'hour'), [0, age(25), age(26), 2, 30, 40]);
    assert.equal(kept('requests', 'day').length, 5, 'one day row per day with events, however old');
    // without a now, every row (as PostgreSQL's fold writes them, pruned later)
    assert.equal(accumulator.deltas().filter((d) => d.dim === 'url' && d.res === 'minute').length, 6);
  });

  it('counts an event older than its minute rows in its hour, and that changes no row, window or total', () => {
    const DAY = 24 * HOUR;
    const now = T0 + 40 * DAY;
    // one event every 17 minutes over 40 days, past every horizon (2 h of seconds, 25 h and 8 days of minutes), watched
    const events = Array.from({ length: (40 * DAY) / (17 * MINUTE) }, (_, i) => ({
      ...makeEvent({
        ts: T0 + i * 17 * MINUTE + (i % 60) * SECOND,
        url: `/p/${i % 7}`,
        status: i % 9 === 0 ? 500 : 200,
        durationMs: i % 300,
        geo: { city: ['Berlin', 'Paris', 'Lima'][i % 3], country: ['DE', 'FR', 'PE'][i % 3] },
      }),
      serviceId: 1 + (i % 2),
    }));
    const watched = { prefixesOf: () => ['/p/'] };
    const fine = new RollupAccumulator(watched);
    fine.addAll(events);
    const coarse = new RollupAccumulator(watched);
    coarse.coarsenBefore(now - 5 * DAY);
    coarse.coarsenBefore(now); // horizons only move forward: the earlier now changes nothing
    coarse.coarsenBefore(now - 10 * DAY);
    coarse.addAll(events);
    assert.deepEqual(coarse.deltas(now), fine.deltas(now));
    // every window, its expiry point anywhere from an hour to 30 days back
    const expired = new Map(
      SLIDING_WINDOW_NAMES.map((win) => [win, now - (windowLengthMs(win) as number) - 7 * MINUTE]),
    );
    assert.deepEqual(windowDeltas(coarse, expired), windowDeltas(fine, expired));
    assert.equal(coarse.events, fine.events);
    // what it saves: counts per value and hour, not per value and minute, for all but the last days
    const countsKept = (acc: RollupAccumulator) =>
      acc.toData().reduce((sum, data) => sum + data.values.flat().reduce((n, [, minutes]) => n + minutes.length, 0), 0);
    assert.ok(countsKept(coarse) < countsKept(fine) * 0.8, `${countsKept(coarse)} counts against ${countsKept(fine)}`);
  });

  it('aggregates a batch into one delta per bucket and value', () => {
    const events = [
      makeEvent({ ts: T0 + 1 }),
      makeEvent({ ts: T0 + 2 }),
      makeEvent({ ts: T0 + MINUTE, url: '/b' }),
    ].map((event) => ({ ...event, serviceId: 1 }));
    const deltas = rollupDeltas(events);
    const find = (dim: string, res: string, bucket: number, key: string) =>
      deltas.filter((d) => d.dim === dim && d.res === res && d.bucket === bucket && d.key === key);
    assert.deepEqual(
      find('requests', 'second', T0, '').map((d) => d.requests),
      [2],
    );
    assert.deepEqual(
      find('requests', 'hour', T0, '').map((d) => d.requests),
      [3],
    );
    assert.deepEqual(
      find('url', 'minute', T0, '/products/42').map((d) => d.requests),
      [2],
    );
    assert.deepEqual(
      find('url', 'hour', T0, '/b').map((d) => d.requests),
      [1],
    );
    assert.deepEqual(
      find('country', 'hour', T0, 'DE').map((d) => d.requests),
      [3],
    );
    assert.equal(deltas.filter((d) => d.res === 'day').length, 1, 'dimensions have no day rows');
  });

  it('adds a count to a window only when its bucket is after the window expiry point', () => {
    const accumulator = new RollupAccumulator();
    accumulator.add({ ...makeEvent({ ts: T0 - 10 * MINUTE, url: '/old' }), serviceId: 1 });
    accumulator.add({ ...makeEvent({ ts: T0, url: '/new' }), serviceId: 1 });
    const through = new Map<SlidingWindow, number>(SLIDING_WINDOW_NAMES.map((win) => [win, T0 - 20 * MINUTE]));
    through.set('5m', T0 - 5 * MINUTE);
    through.set('7d', T0 - HOUR);
    const urls = windowDeltas(accumulator, through).filter((d) => d.dim === 'url');
    const keysOf = (win: string) =>
      urls
        .filter((d) => d.win === win)
        .map((d) => d.key)
        .sort();
    assert.deepEqual(keysOf('5m'), ['/new']);
    assert.deepEqual(keysOf('10m'), ['/new', '/old']);
    assert.deepEqual(keysOf('7d'), ['/new']); // T0 − 10 min lies in the hour T0 − 1 h, already expired
    assert.deepEqual(keysOf('all'), ['/new', '/old']);
  });

  it('forgets a removed service', () => {
    const accumulator = new RollupAccumulator();
    accumulator.addAll([1, 2, 2].map((serviceId) => ({ ...makeEvent(), serviceId })));
    accumulator.removeService(2);
    assert.equal(accumulator.events, 1);
    assert.ok(accumulator.deltas().every((d) => d.serviceId === 1));
  });
});
