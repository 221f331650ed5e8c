import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EnrichedEvent } from '../../../src/enrich/enriched-event.js';
import { type Dimension, WINDOWS } from '../../../src/store/store.js';
import { makeEvent, T0 } from '../../support/temp-store.js';
import { ALL_ROWS, DAY, HOUR, MINUTE, type OpenStore, plainWrite, seededRandom, useStore } from './context.js';
import { bucketFor, windowStartFor } from './window-edges.js';

/** The ranking each window should show: the written events whose bucket is inside it, by key. */
function expectedRanking(
  written: EnrichedEvent[],
  dimension: 'url' | 'country',
  window: (typeof WINDOWS)[number],
  at: number,
) {
  const start = windowStartFor(window, at);
  const expected = new Map<string, number>();
  for (const event of written) {
    if (bucketFor(window, event.ts) < start) continue;
    const key = dimension === 'url' ? event.url : (event.geo?.country as string);
    expected.set(key, (expected.get(key) ?? 0) + 1);
  }
  return expected;
}

/**
 * Random traffic into two services, late (by up to 3 days) and early events, pruning between
 * writes: every window of every service then ranks exactly the events inside
 * it, with no key left at zero or below once its events left the window.
 */
export function describeRandomTraffic(open: OpenStore): void {
  describe('random traffic', () => {
    const ctx = useStore(open);

    it('ranks exactly the events inside each window, and no key at zero, after random traffic and pruning', async () => {
      const { accounts, events, user, service } = ctx();
      const blog = await accounts.createService({ name: 'blog', ownerId: user.id, secret: 'b'.repeat(32), now: T0 });
      const services = [service.id, blog.id];
      const written = new Map<number, EnrichedEvent[]>(services.map((id) => [id, []]));
      const random = seededRandom(11);
      let now = T0;
      for (let step = 0; step < 60; step++) {
        now += Math.floor(random() * 2 * HOUR);
        const writes = services.map((serviceId) => {
          const batch = Array.from({ length: Math.floor(random() * 15) }, () =>
            makeEvent({
              // from 24 h late to 5 min early, as the collector accepts, and up to 3 days late, as an import sends
              ts: now + 5 * MINUTE - Math.floor(random() * ((random() < 0.7 ? 1 : 3) * DAY + 5 * MINUTE)),
              url: `/p/${Math.floor(random() * 5)}`,
              geo: { country: ['DE', 'FR', 'US'][Math.floor(random() * 3)] },
            }),
          );
          written.get(serviceId)?.push(...batch);
          return plainWrite(serviceId, batch);
        });
        await events.writeEvents(writes, now);
        if (step % 10 === 9) await events.pruneRollups(now, ALL_ROWS);
      }
      await events.advanceWindows(now);
      for (const serviceId of services) {
        const mine = written.get(serviceId) ?? [];
        for (const dimension of ['url', 'country'] satisfies Dimension[]) {
          for (const window of WINDOWS) {
            const actual = await events.topValues(serviceId, dimension, window, 100, now);
            assert.ok(
              actual.every((v) => v.requests > 0),
              `${dimension} ${window}: no count at zero or below`,
            );
            assert.deepEqual(
              new Map(actual.map((v) => [v.key, v.requests])),
              expectedRanking(mine, dimension, window, now),
              `service ${serviceId}, ${dimension}, ${window}`,
            );
          }
        }
        assert.equal(await events.countEvents(serviceId), mine.length);
      }
    });
  });
}
