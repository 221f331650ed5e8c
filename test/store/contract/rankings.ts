import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EnrichedEvent } from '../../../src/enrich/enriched-event.js';
import { WINDOWS, type Window } from '../../../src/store/store.js';
import { makeEvent, T0 } from '../../support/temp-store.js';
import { DAY, HOUR, MINUTE, type OpenStore, plainWrite, SECOND, seededRandom, useStore } from './context.js';
import { bucketFor, windowStartFor } from './window-edges.js';

const paris = { country: 'FR', countryName: 'France', region: 'Île-de-France', city: 'Paris', lat: 48.86, lng: 2.35 };
const austin = {
  country: 'US',
  countryName: 'United States',
  region: 'Texas',
  city: 'Austin',
  lat: 30.27,
  lng: -97.74,
};
const iphone = { browser: 'Mobile Safari', os: 'iOS', device: 'mobile' as const };

/** Three Berlin desktop Chrome, two Paris iPhone, one Austin bot without OS or browser, one private address. */
function mixedEvents(ts: number): EnrichedEvent[] {
  return [
    makeEvent({ ts, url: '/' }),
    makeEvent({ ts, url: '/' }),
    makeEvent({ ts, url: '/pricing' }),
    makeEvent({ ts, url: '/', geo: paris, agent: iphone }),
    makeEvent({ ts, url: '/pricing', geo: paris, agent: iphone }),
    makeEvent({ ts, url: '/robots.txt', geo: austin, agent: { browser: null, os: null, device: 'bot', bot: true } }),
    makeEvent({ ts, url: '/', geo: null, agent: { device: 'other', browser: null, os: null } }),
  ];
}

export function describeRankings(open: OpenStore): void {
  describe('rankings', () => {
    const ctx = useStore(open);

    it('ranks every dimension in every window by requests, skipping unknown values', async () => {
      const { events, service } = ctx();
      await events.writeEvents([plainWrite(service.id, mixedEvents(T0 + 10 * SECOND))], T0 + 10 * SECOND);
      const now = T0 + 20 * SECOND;
      for (const window of WINDOWS) {
        const top = async (dimension: Parameters<typeof events.topValues>[1]) =>
          (await events.topValues(service.id, dimension, window, 10, now)).map((v) => [v.key, v.requests]);
        assert.deepEqual(
          await top('country'),
          [
            ['DE', 3],
            ['FR', 2],
            ['US', 1],
          ],
          window,
        );
        assert.deepEqual(
          await top('city'),
          [
            ['Berlin', 3],
            ['Paris', 2],
            ['Austin', 1],
          ],
          window,
        );
        assert.deepEqual(
          await top('os'),
          [
            ['Windows', 3],
            ['iOS', 2],
          ],
          window,
        );
        assert.deepEqual(
          await top('browser'),
          [
            ['Chrome', 3],
            ['Mobile Safari', 2],
          ],
          window,
        );
        assert.deepEqual(
          await top('device'),
          [
            ['desktop', 3],
            ['mobile', 2],
            ['bot', 1],
            ['other', 1],
          ],
          window,
        );
        assert.deepEqual(
          await top('url'),
          [
            ['/', 4],
            ['/pricing', 2],
            ['/robots.txt', 1],
          ],
          window,
        );
      }
      assert.deepEqual(
        (await events.topValues(service.id, 'url', '24h', 1, now)).map((v) => v.key),
        ['/'],
        'limit',
      );
    });

    it('tells where a ranked city is', async () => {
      const { events, service } = ctx();
      const springfields = [
        makeEvent({ geo: { country: 'US', region: 'Illinois', city: 'Springfield', lat: 39.8, lng: -89.64 } }),
        makeEvent({ geo: { country: 'US', region: 'Illinois', city: 'Springfield', lat: 39.8, lng: -89.64 } }),
        makeEvent({ geo: { country: 'US', region: 'Missouri', city: 'Springfield', lat: 37.21, lng: -93.29 } }),
      ];
      await events.writeEvents([plainWrite(service.id, springfields)], T0);
      assert.deepEqual(await events.topValues(service.id, 'city', '1h', 10, T0), [
        {
          key: 'Springfield',
          requests: 2,
          place: { city: 'Springfield', region: 'Illinois', country: 'US', lat: 39.8, lng: -89.64 },
        },
        {
          key: 'Springfield',
          requests: 1,
          place: { city: 'Springfield', region: 'Missouri', country: 'US', lat: 37.21, lng: -93.29 },
        },
      ]);
    });

    it('keeps each service to its own rankings', async () => {
      const { accounts, events, user, service } = ctx();
      const blog = await accounts.createService({ name: 'blog', ownerId: user.id, secret: 'b'.repeat(32), now: T0 });
      await events.writeEvents(
        [
          plainWrite(service.id, [makeEvent()]),
          plainWrite(blog.id, [makeEvent({ geo: paris }), makeEvent({ geo: paris })]),
        ],
        T0,
      );
      assert.deepEqual(await events.topValues(service.id, 'country', '5m', 10, T0), [{ key: 'DE', requests: 1 }]);
      assert.deepEqual(await events.topValues(blog.id, 'country', '5m', 10, T0), [{ key: 'FR', requests: 2 }]);
    });

    it('lets events leave each window exactly when their bucket does', async () => {
      const { events, service } = ctx();
      const t = T0 + 30 * SECOND; // mid-minute and mid-hour
      await events.writeEvents([plainWrite(service.id, [makeEvent({ ts: t })])], t);
      // window = the bucket holding `now` and the previous (length − 1) whole buckets
      const edges: [Window, number, number][] = [
        ['5m', T0 + 5 * MINUTE - 1, T0 + 5 * MINUTE],
        ['10m', T0 + 10 * MINUTE - 1, T0 + 10 * MINUTE],
        ['1h', T0 + HOUR - 1, T0 + HOUR],
        ['24h', T0 + DAY - 1, T0 + DAY],
        ['7d', T0 + 7 * DAY - 1, T0 + 7 * DAY],
        ['30d', T0 + 30 * DAY - 1, T0 + 30 * DAY],
      ];
      for (const [window, lastIn, firstOut] of edges) {
        assert.deepEqual(
          await events.topValues(service.id, 'os', window, 10, lastIn),
          [{ key: 'Windows', requests: 1 }],
          window,
        );
        assert.deepEqual(await events.topValues(service.id, 'os', window, 10, firstOut), [], window);
      }
      assert.deepEqual(await events.topValues(service.id, 'os', 'all', 10, T0 + 400 * DAY), [
        { key: 'Windows', requests: 1 },
      ]);
    });

    it('ages the rankings while no events arrive', async () => {
      const { events, service } = ctx();
      await events.writeEvents([plainWrite(service.id, mixedEvents(T0))], T0);
      assert.equal((await events.topValues(service.id, 'country', '5m', 10, T0 + 4 * MINUTE))[0]?.requests, 3);
      await events.advanceWindows(T0 + 6 * MINUTE);
      assert.deepEqual(await events.topValues(service.id, 'country', '5m', 10, T0 + 6 * MINUTE), []);
      assert.equal((await events.topValues(service.id, 'country', '24h', 10, T0 + 6 * MINUTE))[0]?.requests, 3);
    });

    it('counts a late event in the windows that still reach it and never in the others', async () => {
      const { events, service } = ctx();
      const now = T0 + 10 * MINUTE;
      await events.writeEvents([plainWrite(service.id, [makeEvent({ ts: now - 2 * HOUR, url: '/late' })])], now);
      assert.deepEqual(await events.topValues(service.id, 'url', '5m', 10, now), []);
      assert.deepEqual(await events.topValues(service.id, 'url', '1h', 10, now), []);
      assert.deepEqual(await events.topValues(service.id, 'url', '24h', 10, now), [{ key: '/late', requests: 1 }]);
      for (const later of [now + HOUR, now + 22 * HOUR - MINUTE]) {
        for (const window of WINDOWS) {
          for (const value of await events.topValues(service.id, 'url', window, 10, later)) {
            assert.ok(value.requests > 0, `${window} never goes to zero or below`);
          }
        }
        assert.deepEqual(await events.topValues(service.id, 'url', '5m', 10, later), []);
      }
      assert.deepEqual(await events.topValues(service.id, 'url', '24h', 10, now + 22 * HOUR), []);
      assert.deepEqual(await events.topValues(service.id, 'url', '7d', 10, now + 22 * HOUR), [
        { key: '/late', requests: 1 },
      ]);
    });

    it('never counts an event from the bucket just before the window start', async () => {
      const { events, service } = ctx();
      const now = T0 + 10 * MINUTE; // the 5m window starts at T0 + 6 min
      await events.writeEvents([plainWrite(service.id, [makeEvent({ ts: T0 + 5 * MINUTE + 59 * SECOND })])], now);
      await events.writeEvents([plainWrite(service.id, [makeEvent({ ts: T0 + 6 * MINUTE, url: '/in' })])], now);
      assert.deepEqual(await events.topValues(service.id, 'url', '5m', 10, now), [{ key: '/in', requests: 1 }]);
      assert.deepEqual(await events.topValues(service.id, 'url', '5m', 10, now + HOUR), []);
      const hourNow = T0 + 7 * DAY + 30 * MINUTE; // the 7d window starts at T0 + 1 h
      await events.writeEvents([plainWrite(service.id, [makeEvent({ ts: T0 + 59 * MINUTE, url: '/old' })])], hourNow);
      assert.deepEqual(await events.topValues(service.id, 'url', '7d', 10, hourNow), []);
      const month = await events.topValues(service.id, 'url', '30d', 10, hourNow);
      assert.deepEqual(
        month.find((v) => v.key === '/old'),
        { key: '/old', requests: 1 },
      );
    });

    it('counts an event from the near future until its bucket leaves the window', async () => {
      const { events, service } = ctx();
      await events.writeEvents([plainWrite(service.id, [makeEvent({ ts: T0 + 4 * MINUTE, url: '/early' })])], T0);
      assert.deepEqual(await events.topValues(service.id, 'url', '5m', 10, T0), [{ key: '/early', requests: 1 }]);
      assert.deepEqual(await events.topValues(service.id, 'url', '5m', 10, T0 + 8 * MINUTE), [
        { key: '/early', requests: 1 },
      ]);
      assert.deepEqual(await events.topValues(service.id, 'url', '5m', 10, T0 + 9 * MINUTE), []);
    });

    it('counts exactly the events whose bucket is inside each window, for random late and early events', async () => {
      const { events, service } = ctx();
      const random = seededRandom(7);
      const written: EnrichedEvent[] = [];
      let now = T0;
      for (let step = 0; step < 40; step++) {
        now += Math.floor(random() * 3 * HOUR);
        const batch = Array.from({ length: 1 + Math.floor(random() * 20) }, () =>
          makeEvent({
            // from 24 h late to 5 min early, as the collector accepts
            ts: now - Math.floor(random() * (DAY + 5 * MINUTE)) + 5 * MINUTE,
            geo: { country: ['DE', 'FR', 'US', 'JP'][Math.floor(random() * 4)] },
          }),
        );
        written.push(...batch);
        await events.writeEvents([plainWrite(service.id, batch)], now);
        const at = now + Math.floor(random() * 10 * MINUTE);
        for (const window of WINDOWS) {
          const actual = await events.topValues(service.id, 'country', window, 10, at);
          const start = windowStartFor(window, at);
          const expected = new Map<string, number>();
          for (const event of written) {
            if (bucketFor(window, event.ts) >= start) {
              const country = event.geo?.country as string;
              expected.set(country, (expected.get(country) ?? 0) + 1);
            }
          }
          assert.deepEqual(new Map(actual.map((v) => [v.key, v.requests])), expected, `step ${step}, window ${window}`);
        }
        now = at;
      }
    });
  });
}
