import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAccounts } from '../../../src/accounts/accounts.js';
import { makeEvent, T0 } from '../../support/temp-store.js';
import { type Context, DAY, type OpenStore, plainWrite, useStore } from './context.js';

/** The account rules on top of both halves, as the server and the CLI wire them (runtime.ts, cli/context.ts). */
function accountsOver({ accounts, events }: Context) {
  return createAccounts({
    store: accounts,
    serviceData: events,
    clock: () => T0,
    secretGraceHours: 24,
    sessionDays: 30,
  });
}

/** What concerns both halves: migrations, and removing services and users, whose events live in the other half. */
export function describeOperations(open: OpenStore): void {
  describe('the store as a whole', () => {
    const ctx = useStore(open);

    it('migrates twice without harm', async () => {
      const { store, accounts } = ctx();
      await store.migrate();
      await store.migrate();
      assert.equal(await accounts.countUsers(), 1);
    });

    it('has no migration pending once migrated', async () => {
      const { store } = ctx();
      assert.deepEqual(await store.pendingMigrations(), []);
    });

    it('removes a service with its events, rankings and shares, and nothing of another', async () => {
      const context = ctx();
      const { accounts, events, user, service } = context;
      const bob = await accounts.createUser({ name: 'bob', passwordHash: 'h', admin: false, now: T0 });
      const blog = await accounts.createService({ name: 'blog', ownerId: user.id, secret: 'b'.repeat(32), now: T0 });
      await accounts.shareService(service.id, bob.id);
      await events.writeEvents([plainWrite(service.id, [makeEvent()]), plainWrite(blog.id, [makeEvent()])], T0);
      await accountsOver(context).removeService(service.id);
      assert.equal(await accounts.findServiceById(service.id), null);
      assert.equal(await events.countEvents(service.id), 0);
      assert.equal(await events.countEvents(blog.id), 1);
      assert.deepEqual(await events.topValues(service.id, 'country', 'all', 10, T0), []);
      assert.deepEqual(await events.topValues(blog.id, 'country', 'all', 10, T0), [{ key: 'DE', requests: 1 }]);
      assert.deepEqual((await events.requestSeries(service.id, 'minute', 1, T0))[0]?.requests, 0);
      assert.deepEqual(await accounts.listServicesForUser(bob.id), []);
    });

    it("removes a user with their services' events, and keeps other users' services", async () => {
      const context = ctx();
      const { accounts, events, service } = context;
      const bob = await accounts.createUser({ name: 'bob', passwordHash: 'h', admin: false, now: T0 });
      const bobs = await accounts.createService({ name: 'bobs', ownerId: bob.id, secret: 'g'.repeat(32), now: T0 });
      await accounts.createSession({ id: 'bob-session', userId: bob.id, expiresAt: T0 + DAY });
      await events.writeEvents(
        [plainWrite(bobs.id, [makeEvent(), makeEvent()]), plainWrite(service.id, [makeEvent()])],
        T0,
      );
      await accountsOver(context).removeUser('bob');
      assert.equal(await accounts.findUserById(bob.id), null);
      assert.equal(await accounts.findServiceById(bobs.id), null);
      assert.equal(await accounts.findSession('bob-session', T0), null);
      assert.equal(await events.countEvents(bobs.id), 0);
      assert.deepEqual(await events.topValues(bobs.id, 'url', 'all', 10, T0), []);
      assert.equal(await events.countEvents(service.id), 1);
      assert.notEqual(await accounts.findServiceById(service.id), null);
    });
  });
}
