/**
 * The background chores as the server starts them (runtime.ts), on a store
 * opened as the server opens it (the SQLite writer thread), the timers
 * mocked: retention deletes the raw events past TMON_RETENTION_DAYS on the
 * housekeeping tick and leaves the rollups whole.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startChores } from '../../src/maintenance/chores.js';
import { DAY, plainWrite } from '../store/contract/context.js';
import { addOwnedService, makeEvent, T0, withTempWorkerStore } from '../support/temp-store.js';

const HOUSEKEEPING_MS = 60_000;
const NOW = T0 + 10 * DAY;

async function storeWithOldAndNewEvents() {
  const temp = await withTempWorkerStore();
  const { service } = await addOwnedService(temp.store.accounts);
  const old = makeEvent({
    ts: NOW - 3 * DAY,
    url: '/old',
    useragent: 'OldBot/1.0',
    agent: { device: 'bot', bot: true },
  });
  await temp.store.events.writeEvents([plainWrite(service.id, [old])], NOW - 3 * DAY);
  await temp.store.events.writeEvents([plainWrite(service.id, [makeEvent({ ts: NOW, url: '/new' })])], NOW);
  return { ...temp, service };
}

/** Polls until `check` holds: the chore runs on its own, after the tick. */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within 5 s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('background chores', () => {
  it('delete the events past the retention period on the housekeeping tick, and keep the rollups', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    const { store, service, cleanup } = await storeWithOldAndNewEvents();
    const logged: string[] = [];
    const log = { info: (message: string) => logged.push(message), error: (message: string) => logged.push(message) };
    const chores = startChores({
      events: store.events,
      accounts: store.accounts,
      clock: () => NOW,
      retentionDays: 2,
      log,
    });
    try {
      assert.equal(await store.events.countEvents(service.id), 2);
      t.mock.timers.tick(HOUSEKEEPING_MS);
      await eventually(async () => (await store.events.countEvents(service.id)) === 1, 'the old event deleted');
      const latest = await store.events.latestEvents(service.id, 10);
      assert.deepEqual(
        latest.map((event) => event.url),
        ['/new'],
      );
      const devices = await store.events.topValues(service.id, 'device', 'all', 10, NOW);
      assert.deepEqual(
        devices.map(({ key, requests }) => [key, requests]).sort(),
        [
          ['bot', 1],
          ['desktop', 1],
        ],
        'the rollups still count the deleted event',
      );
      await eventually(async () => logged.some((line) => /retention: deleted 1 events/.test(line)), 'the log line');
    } finally {
      chores.stop();
      await cleanup();
    }
  });

  it('keep every event when no retention period is set', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    const { store, service, cleanup } = await storeWithOldAndNewEvents();
    const errors: string[] = [];
    const log = { info: () => {}, error: (message: string) => errors.push(message) };
    const chores = startChores({
      events: store.events,
      accounts: store.accounts,
      clock: () => NOW,
      retentionDays: 0,
      log,
    });
    try {
      t.mock.timers.tick(HOUSEKEEPING_MS);
      // the tick's chores take a few store round trips: watch the count well past them
      for (let i = 0; i < 15; i++) {
        assert.equal(await store.events.countEvents(service.id), 2);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.deepEqual(errors, []);
    } finally {
      chores.stop();
      await cleanup();
    }
  });
});
