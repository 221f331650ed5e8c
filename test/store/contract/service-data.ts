import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeEvent, T0 } from '../../support/temp-store.js';
import { MINUTE, type OpenStore, plainWrite, SECOND, useStore } from './context.js';

/** Removing what the event half holds for one service (the account half removes the service itself). */
export function describeServiceData(open: OpenStore): void {
  describe("removing a service's events", () => {
    const ctx = useStore(open);

    it('removes its events, rankings, series and counts not yet applied, and no other service’s', async () => {
      const { accounts, events, user, service } = ctx();
      // a service that exists: both backends drop, when they apply counts, the events of ids with no service
      const { id: other } = await accounts.createService({
        name: 'blog',
        ownerId: user.id,
        secret: 'b'.repeat(32),
        now: T0,
      });
      await events.writeEvents([plainWrite(service.id, [makeEvent()]), plainWrite(other, [makeEvent()])], T0);
      await events.writeEvents([plainWrite(service.id, [makeEvent({ ts: T0 + SECOND })])], T0 + SECOND);
      await events.removeServiceEvents(service.id);
      assert.equal(await events.countEvents(service.id), 0);
      assert.deepEqual(await events.latestEvents(service.id, 10), []);
      for (const window of ['5m', 'all'] as const) {
        assert.deepEqual(await events.topValues(service.id, 'url', window, 10, T0 + MINUTE), [], window);
      }
      assert.deepEqual(
        (await events.requestSeries(service.id, 'second', 3, T0 + 2 * SECOND)).map((p) => p.requests),
        [0, 0, 0],
      );
      assert.equal(await events.countEvents(other), 1);
      assert.deepEqual(await events.topValues(other, 'url', 'all', 10, T0 + MINUTE), [
        { key: '/products/42', requests: 1 },
      ]);
    });

    it('can be repeated, and the service takes events again afterwards', async () => {
      const { events, service } = ctx();
      await events.writeEvents([plainWrite(service.id, [makeEvent()])], T0);
      await events.removeServiceEvents(service.id);
      await events.removeServiceEvents(service.id);
      await events.writeEvents([plainWrite(service.id, [makeEvent({ url: '/again', ts: T0 + SECOND })])], T0 + SECOND);
      assert.equal(await events.countEvents(service.id), 1);
      assert.deepEqual(await events.topValues(service.id, 'url', 'all', 10, T0 + SECOND), [
        { key: '/again', requests: 1 },
      ]);
    });
  });
}
