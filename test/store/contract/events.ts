import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeEvent, T0 } from '../../support/temp-store.js';
import { DAY, HOUR, MINUTE, type OpenStore, plainWrite, SECOND, useStore } from './context.js';

export function describeEvents(open: OpenStore): void {
  describe('writing events', () => {
    const ctx = useStore(open);

    it('stores every write of a group and answers each with its stored events', async () => {
      const { events, service } = ctx();
      const now = T0 + 5 * SECOND;
      const results = await events.writeEvents(
        [
          plainWrite(service.id, [makeEvent({ url: '/a' }), makeEvent({ url: '/b' })]),
          plainWrite(service.id, [makeEvent()]),
        ],
        now,
      );
      assert.equal(results.length, 2);
      const [first, second] = results;
      assert.ok(first?.ok && second?.ok);
      assert.equal(first.accepted, 2);
      assert.deepEqual(
        first.stored.map((e) => e.url),
        ['/a', '/b'],
      );
      const seqs = [...first.stored, ...second.stored].map((e) => e.seq);
      assert.deepEqual(
        seqs,
        [...seqs].sort((a, b) => a - b),
      );
      assert.equal(new Set(seqs).size, 3);
      for (const event of first.stored) {
        assert.equal(event.serviceId, service.id);
        assert.equal(event.receivedAt, now);
      }
      assert.equal(await events.countEvents(service.id), 3);
      assert.equal(await events.countEvents(), 3);
    });

    it('writes nothing of a group when one of its writes fails', async () => {
      const { events, service } = ctx();
      const broken = { serviceId: service.id, events: [makeEvent()], replayKey: 'iv', replayKeyExpiresAt: null };
      await assert.rejects(events.writeEvents([plainWrite(service.id, [makeEvent()]), broken], T0));
      assert.equal(await events.countEvents(), 0);
      assert.deepEqual(await events.topValues(service.id, 'country', 'all', 10, T0), []);
      // the store keeps working after the failed group
      await events.writeEvents([plainWrite(service.id, [makeEvent()])], T0);
      assert.deepEqual(await events.topValues(service.id, 'country', 'all', 10, T0), [{ key: 'DE', requests: 1 }]);
    });

    it('accepts an event id twice in one batch but stores and counts it once', async () => {
      const { events, service } = ctx();
      const [result] = await events.writeEvents(
        [plainWrite(service.id, [makeEvent({ id: 'e1' }), makeEvent({ id: 'e1' }), makeEvent({ id: null })])],
        T0,
      );
      assert.ok(result?.ok);
      assert.equal(result.accepted, 3);
      assert.equal(result.stored.length, 2);
      assert.equal(await events.countEvents(service.id), 2);
      assert.deepEqual(await events.topValues(service.id, 'country', 'all', 10, T0), [{ key: 'DE', requests: 2 }]);
    });

    it('accepts an event id already stored by an earlier batch without storing it again', async () => {
      const { accounts, events, user, service } = ctx();
      await events.writeEvents([plainWrite(service.id, [makeEvent({ id: 'e1' })])], T0);
      const [again] = await events.writeEvents([plainWrite(service.id, [makeEvent({ id: 'e1' })])], T0 + SECOND);
      assert.deepEqual(again, { ok: true, accepted: 1, stored: [] });
      assert.deepEqual((await events.requestSeries(service.id, 'minute', 1, T0 + SECOND))[0]?.requests, 1);
      // ids are unique per service, not across services
      const blog = await accounts.createService({ name: 'blog', ownerId: user.id, secret: 'b'.repeat(32), now: T0 });
      const [other] = await events.writeEvents([plainWrite(blog.id, [makeEvent({ id: 'e1' })])], T0);
      assert.ok(other?.ok && other.stored.length === 1);
    });

    it('gives each event stored its own seq however a batch mixes new ids, known ids, repeats and no id', async () => {
      const { events, service } = ctx();
      const known = ['k2', 'k9', 'k17', 'k18'];
      await events.writeEvents(
        [
          plainWrite(
            service.id,
            known.map((id) => makeEvent({ id, url: `/before/${id}` })),
          ),
        ],
        T0,
      );
      // 40 events: runs of new ids, a known id here and there, an id twice, two events without one
      // (SQLite inserts runs of 8 with ids in one statement: here 4–11 and 12–19 with some refused, 20–27 whole)
      const ids = Array.from({ length: 40 }, (_, i) =>
        i === 3 || i === 29 ? null : i === 30 ? 'k25' : i === 6 ? 'k5' : `k${i}`,
      );
      const batch = ids.map((id, i) => makeEvent({ id, url: `/e/${i}` }));
      const [result] = await events.writeEvents([plainWrite(service.id, batch)], T0 + SECOND);
      assert.ok(result?.ok);
      assert.equal(result.accepted, 40);
      const seen = new Set(known);
      const expected = batch.filter((event) => {
        if (event.id === null) return true;
        if (seen.has(event.id)) return false;
        seen.add(event.id);
        return true;
      });
      assert.deepEqual(
        result.stored.map((e) => e.url),
        expected.map((e) => e.url),
      );
      // each seq is the row holding that very event
      const rows = await events.eventsAfterSeq(service.id, 0, 100);
      const urlBySeq = new Map(rows.map((row) => [row.seq, row.url]));
      for (const event of result.stored) assert.equal(urlBySeq.get(event.seq), event.url, `seq ${event.seq}`);
      assert.equal(rows.length, known.length + expected.length);
      // sent again whole: only the events without an id are stored again
      const [again] = await events.writeEvents([plainWrite(service.id, batch)], T0 + 2 * SECOND);
      assert.ok(again?.ok);
      assert.deepEqual(
        again.stored.map((e) => e.url),
        batch.filter((e) => e.id === null).map((e) => e.url),
      );
      const after = await events.eventsAfterSeq(service.id, 0, 100);
      const urlAfter = new Map(after.map((row) => [row.seq, row.url]));
      for (const event of again.stored) assert.equal(urlAfter.get(event.seq), event.url, `seq ${event.seq}`);
    });

    it('refuses a replayed key while the other writes of the group are stored', async () => {
      const { events, service } = ctx();
      const claim = (url: string) => ({
        serviceId: service.id,
        events: [makeEvent({ url })],
        replayKey: 'iv-1',
        replayKeyExpiresAt: T0 + 5 * MINUTE,
      });
      const results = await events.writeEvents(
        [claim('/first'), claim('/replayed'), plainWrite(service.id, [makeEvent({ url: '/plain' })])],
        T0,
      );
      assert.equal(results[0]?.ok, true);
      assert.deepEqual(results[1], { ok: false, reason: 'replayed' });
      assert.equal(results[2]?.ok, true);
      const [later] = await events.writeEvents([claim('/later')], T0 + MINUTE);
      assert.deepEqual(later, { ok: false, reason: 'replayed' });
      assert.deepEqual((await events.latestEvents(service.id, 10)).map((e) => e.url).sort(), ['/first', '/plain']);
    });

    it('lets an expired replay key be claimed again', async () => {
      const { events, service } = ctx();
      const claim = { serviceId: service.id, events: [makeEvent()], replayKey: 'iv', replayKeyExpiresAt: T0 + MINUTE };
      await events.writeEvents([claim], T0);
      const [again] = await events.writeEvents([{ ...claim, replayKeyExpiresAt: T0 + 2 * MINUTE }], T0 + MINUTE);
      assert.equal(again?.ok, true);
      const [third] = await events.writeEvents([claim], T0 + MINUTE + 1);
      assert.deepEqual(third, { ok: false, reason: 'replayed' }, 'the second claim holds until its own expiry');
    });

    it('keeps replay keys per service', async () => {
      const { accounts, events, user, service } = ctx();
      const blog = await accounts.createService({ name: 'blog', ownerId: user.id, secret: 'b'.repeat(32), now: T0 });
      const claim = (serviceId: number) => ({
        serviceId,
        events: [makeEvent()],
        replayKey: 'iv',
        replayKeyExpiresAt: T0 + MINUTE,
      });
      const results = await events.writeEvents([claim(service.id), claim(blog.id)], T0);
      assert.deepEqual(
        results.map((r) => r.ok),
        [true, true],
      );
    });
  });

  describe('reading and deleting events', () => {
    const ctx = useStore(open);

    it('returns the latest events newest first with every stored field', async () => {
      const { events, service } = ctx();
      const full = makeEvent({
        ts: T0 + 2 * SECOND,
        url: '/full?x=1',
        username: 'zoe',
        referrer: 'https://example.com/',
        id: 'evt-1',
        status: 404,
        durationMs: 3.5,
        extra: { plan: 'pro', tags: ['a', 'b'], nested: { depth: 2 } },
        agent: { vendor: 'Apple', model: 'iPhone', device: 'mobile', os: 'iOS', osVersion: '18.1' },
      });
      const noGeo = makeEvent({ ts: T0 + 2 * SECOND, url: '/private', ip: '10.0.0.1', geo: null, method: null });
      const older = makeEvent({ ts: T0, url: '/older' });
      await events.writeEvents([plainWrite(service.id, [older, full, noGeo])], T0 + 3 * SECOND);
      const latest = await events.latestEvents(service.id, 10);
      assert.deepEqual(
        latest.map((e) => e.url),
        ['/private', '/full?x=1', '/older'],
        'by ts, then by arrival',
      );
      const { seq, serviceId, receivedAt, ...fields } = latest[1] ?? assert.fail('missing');
      assert.deepEqual(fields, full);
      assert.equal(serviceId, service.id);
      assert.equal(receivedAt, T0 + 3 * SECOND);
      assert.equal(latest[0]?.geo, null);
      assert.deepEqual(
        (await events.latestEvents(service.id, 2)).map((e) => e.url),
        ['/private', '/full?x=1'],
      );
    });

    it('pages a service’s events by seq, oldest first, and no other service’s', async () => {
      const { accounts, events, user, service } = ctx();
      const blog = await accounts.createService({ name: 'blog', ownerId: user.id, secret: 'b'.repeat(32), now: T0 });
      const urls = Array.from({ length: 5 }, (_, i) => `/p${i}`);
      // ts out of order: the page follows seq (arrival), not ts
      await events.writeEvents(
        [
          plainWrite(
            service.id,
            urls.slice(0, 3).map((url, i) => makeEvent({ url, ts: T0 - i })),
          ),
          plainWrite(blog.id, [makeEvent({ url: '/blog' })]),
          plainWrite(
            service.id,
            urls.slice(3).map((url) => makeEvent({ url })),
          ),
        ],
        T0 + SECOND,
      );
      const first = await events.eventsAfterSeq(service.id, 0, 2);
      assert.deepEqual(
        first.map((e) => e.url),
        ['/p0', '/p1'],
      );
      const rest = await events.eventsAfterSeq(service.id, first[1]!.seq, 10);
      assert.deepEqual(
        rest.map((e) => e.url),
        ['/p2', '/p3', '/p4'],
      );
      assert.deepEqual(await events.eventsAfterSeq(service.id, rest[2]!.seq, 10), []);
      assert.deepEqual(
        (await events.eventsAfterSeq(blog.id, 0, 10)).map((e) => e.url),
        ['/blog'],
      );
    });

    it('deletes old events in bounded steps and leaves the rollups', async () => {
      const { accounts, events, user, service } = ctx();
      const blog = await accounts.createService({ name: 'blog', ownerId: user.id, secret: 'b'.repeat(32), now: T0 });
      const old = Array.from({ length: 5 }, (_, i) => makeEvent({ ts: T0 - 20 * HOUR + i }));
      await events.writeEvents(
        [plainWrite(service.id, [...old, makeEvent({ ts: T0 })]), plainWrite(blog.id, old.slice(0, 2))],
        T0,
      );
      assert.equal(await events.deleteEventsBefore(T0 - DAY / 2, 4), 4);
      assert.equal(await events.deleteEventsBefore(T0 - DAY / 2, 100), 3);
      assert.equal(await events.deleteEventsBefore(T0 - DAY / 2, 100), 0);
      assert.equal(await events.countEvents(service.id), 1);
      assert.equal(await events.countEvents(blog.id), 0);
      assert.deepEqual(await events.topValues(service.id, 'country', 'all', 10, T0), [{ key: 'DE', requests: 6 }]);
      assert.deepEqual(await events.topValues(service.id, 'country', '24h', 10, T0), [{ key: 'DE', requests: 6 }]);
      const series = await events.requestSeries(service.id, 'day', 2, T0);
      assert.equal(
        series.reduce((sum, p) => sum + p.requests, 0),
        6,
      );
    });
  });
}
