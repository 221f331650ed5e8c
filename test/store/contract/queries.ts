import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Box } from '../../../src/store/store.js';
import { makeEvent, T0 } from '../../support/temp-store.js';
import { ALL_ROWS, DAY, HOUR, MINUTE, type OpenStore, plainWrite, SECOND, useStore } from './context.js';

const WORLD: Box = { neLat: 90, neLng: 180, swLat: -90, swLng: -180 };

export function describeQueries(open: OpenStore): void {
  describe('request series', () => {
    const ctx = useStore(open);

    it('answers exactly `limit` zero-filled buckets for each resolution, the last holding now', async () => {
      const { events, service } = ctx();
      const now = T0 + 2 * DAY + 3 * HOUR + 4 * MINUTE + 5 * SECOND + 600;
      const at = (ms: number) => makeEvent({ ts: now - ms });
      await events.writeEvents(
        [plainWrite(service.id, [at(0), at(0), at(SECOND), at(3 * SECOND), at(MINUTE), at(HOUR), at(DAY)])],
        now,
      );
      const expectations = {
        second: { size: SECOND, counts: [1, 0, 1, 2] },
        minute: { size: MINUTE, counts: [0, 1, 4] },
        hour: { size: HOUR, counts: [1, 5] },
        day: { size: DAY, counts: [0, 1, 6] },
      } as const;
      for (const [resolution, { size, counts }] of Object.entries(expectations)) {
        const series = await events.requestSeries(
          service.id,
          resolution as keyof typeof expectations,
          counts.length,
          now,
        );
        const last = Math.floor(now / size) * size;
        assert.deepEqual(
          series,
          counts.map((requests, i) => ({ ts: last - (counts.length - 1 - i) * size, requests })),
          resolution,
        );
      }
      const long = await events.requestSeries(service.id, 'second', 3_600, now);
      assert.equal(long.length, 3_600);
      assert.equal(
        long.reduce((sum, p) => sum + p.requests, 0),
        5,
      );
    });

    it('prunes in bounded steps, answering how many rows each step took', async () => {
      const { events, service } = ctx();
      // 30 seconds apart: 30 second buckets and 15 minute buckets of the request series, 15 per dimension value
      const batch = Array.from({ length: 30 }, (_, i) => makeEvent({ ts: T0 + i * 30 * SECOND }));
      await events.writeEvents([plainWrite(service.id, batch)], T0 + 15 * MINUTE);
      // a read applies the pending counts now, while every row is still kept (applied days later, they would not be written)
      await events.requestSeries(service.id, 'second', 60, T0 + 15 * MINUTE);
      // past the 8 days request minute rows are kept (an alert baseline reads a week back)
      const later = T0 + 9 * DAY;
      const steps: number[] = [];
      for (;;) {
        const n = await events.pruneRollups(later, 40);
        steps.push(n);
        if (n < 40) break;
      }
      assert.ok(steps.length > 2, `pruned in ${steps.length} steps`);
      assert.ok(
        steps.slice(0, -1).every((n) => n === 40),
        `every step but the last takes the bound: ${steps.join(', ')}`,
      );
      assert.equal(await events.pruneRollups(later, ALL_ROWS), 0, 'nothing left to prune');
      const minutes = await events.requestSeries(service.id, 'minute', 20, T0 + 15 * MINUTE);
      assert.equal(
        minutes.reduce((sum, p) => sum + p.requests, 0),
        0,
        'the minute rows are gone',
      );
      const hours = await events.requestSeries(service.id, 'hour', 1, T0);
      assert.equal(hours[0]?.requests, 30, 'hour rows stay');
    });

    it('keeps day buckets on UTC midnights', async () => {
      const { events, service } = ctx();
      const [point] = await events.requestSeries(service.id, 'day', 1, Date.UTC(2025, 5, 1, 23, 59));
      assert.deepEqual(point, { ts: Date.UTC(2025, 5, 1), requests: 0 });
    });

    it('prunes only the buckets no series or window can reach', async () => {
      const { events, service } = ctx();
      await events.writeEvents([plainWrite(service.id, [makeEvent({ ts: T0 })])], T0);
      const total = async (resolution: 'second' | 'minute' | 'hour' | 'day', now: number) => {
        const limit = Math.ceil((now - T0) / { second: SECOND, minute: MINUTE, hour: HOUR, day: DAY }[resolution]) + 1;
        return (await events.requestSeries(service.id, resolution, limit, now)).reduce((sum, p) => sum + p.requests, 0);
      };
      await events.pruneRollups(T0 + 2 * HOUR, ALL_ROWS);
      assert.equal(await total('second', T0 + 2 * HOUR), 1);
      await events.pruneRollups(T0 + 2 * HOUR + 1, ALL_ROWS);
      assert.equal(await total('second', T0 + 2 * HOUR + 1), 0);
      assert.equal(await total('minute', T0 + 2 * HOUR + 1), 1);
      await events.pruneRollups(T0 + 3 * DAY + 1, ALL_ROWS);
      assert.equal(await total('minute', T0 + 3 * DAY + 1), 1, 'request minute rows are kept 8 days');
      assert.equal(await total('hour', T0 + 3 * DAY + 1), 1);
      assert.deepEqual(await events.topValues(service.id, 'country', '7d', 10, T0 + 3 * DAY + 1), [
        { key: 'DE', requests: 1 },
      ]);
      await events.pruneRollups(T0 + 8 * DAY + 1, ALL_ROWS);
      assert.equal(await total('minute', T0 + 8 * DAY + 1), 0);
      await events.pruneRollups(T0 + 31 * DAY + 1, ALL_ROWS);
      assert.deepEqual(await events.topValues(service.id, 'country', '30d', 10, T0 + 31 * DAY + 1), []);
      assert.deepEqual(await events.topValues(service.id, 'country', 'all', 10, T0 + 31 * DAY + 1), [
        { key: 'DE', requests: 1 },
      ]);
      assert.equal(await total('hour', T0 + 31 * DAY + 1), 1);
      await events.pruneRollups(T0 + 160 * DAY + 1, ALL_ROWS);
      assert.equal(await total('hour', T0 + 160 * DAY + 1), 0);
      await events.pruneRollups(T0 + 5_000 * DAY, ALL_ROWS);
      assert.equal(await total('day', T0 + 5_000 * DAY), 1);
    });
  });

  describe('locations', () => {
    const ctx = useStore(open);
    const place = (lat: number, lng: number, city: string, country: string) => ({ lat, lng, city, country });

    it('groups the events inside a box by position', async () => {
      const { events, service } = ctx();
      await events.writeEvents(
        [
          plainWrite(service.id, [
            makeEvent({ ts: T0 }),
            makeEvent({ ts: T0 + SECOND }),
            makeEvent({ ts: T0 + 2 * SECOND, geo: place(48.86, 2.35, 'Paris', 'FR') }),
            makeEvent({ ts: T0 + 3 * SECOND, geo: place(40.71, -74.01, 'New York', 'US') }),
            makeEvent({ ts: T0 + 4 * SECOND, geo: null }),
            makeEvent({ ts: T0 + 5 * SECOND, geo: { country: 'DE', city: null, region: null, lat: null, lng: null } }),
          ]),
        ],
        T0 + 5 * SECOND,
      );
      const europe: Box = { neLat: 60, neLng: 20, swLat: 35, swLng: -10 };
      assert.deepEqual(await events.locations(service.id, europe, '24h', 500, T0 + 10 * SECOND), [
        { lat: 48.86, lng: 2.35, city: 'Paris', country: 'FR', requests: 1, lastTs: T0 + 2 * SECOND },
        { lat: 52.52, lng: 13.405, city: 'Berlin', country: 'DE', requests: 2, lastTs: T0 + SECOND },
      ]);
      assert.equal((await events.locations(service.id, WORLD, 'all', 500, T0)).length, 3);
    });

    it('reads a box whose west edge is east of its east edge across the antimeridian', async () => {
      const { events, service } = ctx();
      await events.writeEvents(
        [
          plainWrite(service.id, [
            makeEvent({ geo: place(-18.14, 178.44, 'Suva', 'FJ') }),
            makeEvent({ geo: place(-13.83, -171.76, 'Apia', 'WS') }),
            makeEvent({ geo: place(-17.0, 179, 'East', 'FJ') }),
            makeEvent({ geo: place(-17.0, -179, 'West', 'FJ') }),
            makeEvent({ geo: place(-17.0, 0, 'Null Island-ish', 'XX') }),
          ]),
        ],
        T0,
      );
      const pacific: Box = { neLat: 0, neLng: -170, swLat: -30, swLng: 170 };
      const cities = (await events.locations(service.id, pacific, '1h', 100, T0)).map((p) => p.city).sort();
      assert.deepEqual(cities, ['Apia', 'East', 'Suva', 'West']);
      const narrow: Box = { neLat: 0, neLng: -178, swLat: -30, swLng: 178.5 };
      const narrowCities = (await events.locations(service.id, narrow, '1h', 100, T0)).map((p) => p.city).sort();
      assert.deepEqual(narrowCities, ['East', 'West']);
    });

    it('takes only the latest `limit` events inside the window', async () => {
      const { events, service } = ctx();
      const batch = Array.from({ length: 6 }, (_, i) =>
        makeEvent({ ts: T0 + i * MINUTE, geo: place(10 + i, 20, `City ${i}`, 'XX') }),
      );
      await events.writeEvents([plainWrite(service.id, batch)], T0 + 5 * MINUTE);
      const now = T0 + 5 * MINUTE + 30 * SECOND;
      const inFiveMinutes = await events.locations(service.id, WORLD, '5m', 100, now);
      assert.deepEqual(
        inFiveMinutes.map((p) => p.city),
        ['City 5', 'City 4', 'City 3', 'City 2', 'City 1'],
        'events older than now − 5 min are out, newest first',
      );
      const latestTwo = await events.locations(service.id, WORLD, 'all', 2, now);
      assert.deepEqual(
        latestTwo.map((p) => p.city),
        ['City 5', 'City 4'],
      );
    });
  });
}
