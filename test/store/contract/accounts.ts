import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StoreConflictError, StoreNotFoundError } from '../../../src/store/errors.js';
import { makeEvent, T0 } from '../../support/temp-store.js';
import { DAY, HOUR, type OpenStore, plainWrite, useStore } from './context.js';

export function describeAccounts(open: OpenStore): void {
  describe('accounts', () => {
    const ctx = useStore(open);

    it('migrates twice without harm', async () => {
      const { store } = ctx();
      await store.migrate();
      await store.migrate();
      assert.equal(await store.countUsers(), 1);
    });

    it('creates, finds, lists and updates users', async () => {
      const { store, user } = ctx();
      assert.deepEqual(user, { id: user.id, name: 'ann', passwordHash: 'hash-ann', admin: false, createdAt: T0 });
      const bob = await store.createUser({ name: 'bob', passwordHash: 'hash-bob', admin: true, now: T0 + 1 });
      assert.deepEqual(await store.findUserByName('bob'), bob);
      assert.deepEqual(await store.findUserById(bob.id), bob);
      assert.equal(await store.findUserByName('nobody'), null);
      assert.equal(await store.findUserById(9_999), null);
      assert.deepEqual(
        (await store.listUsers()).map((u) => u.name),
        ['ann', 'bob'],
      );
      assert.equal(await store.countUsers(), 2);
      await store.setUserPassword(bob.id, 'new-hash');
      await store.setUserAdmin(bob.id, false);
      assert.deepEqual(await store.findUserById(bob.id), { ...bob, passwordHash: 'new-hash', admin: false });
    });

    it('refuses a second user with the same name', async () => {
      const { store } = ctx();
      await assert.rejects(
        store.createUser({ name: 'ann', passwordHash: 'x', admin: false, now: T0 }),
        (error: Error) => error instanceof StoreConflictError && /user name "ann" is taken/.test(error.message),
      );
    });

    it('finds a session until it expires, and deletes it', async () => {
      const { store, user } = ctx();
      await store.createSession({ id: 's1', userId: user.id, expiresAt: T0 + HOUR });
      await store.createSession({ id: 's2', userId: user.id, expiresAt: T0 + 2 * HOUR });
      assert.deepEqual(await store.findSession('s1', T0 + HOUR - 1), {
        id: 's1',
        userId: user.id,
        expiresAt: T0 + HOUR,
      });
      assert.equal(await store.findSession('s1', T0 + HOUR), null);
      assert.equal(await store.findSession('nope', T0), null);
      assert.equal(await store.deleteExpiredSessions(T0 + HOUR), 1);
      assert.notEqual(await store.findSession('s2', T0), null);
      await store.deleteSession('s2');
      assert.equal(await store.findSession('s2', T0), null);
    });

    it("ends every session of a user but the one kept, and no one else's", async () => {
      const { store, user } = ctx();
      const bob = await store.createUser({ name: 'bob', passwordHash: 'h', admin: false, now: T0 });
      for (const id of ['a1', 'a2', 'a3']) await store.createSession({ id, userId: user.id, expiresAt: T0 + HOUR });
      await store.createSession({ id: 'b1', userId: bob.id, expiresAt: T0 + HOUR });
      assert.equal(await store.deleteSessionsOfUser(user.id, 'a2'), 2);
      assert.equal(await store.findSession('a1', T0), null);
      assert.notEqual(await store.findSession('a2', T0), null);
      assert.notEqual(await store.findSession('b1', T0), null);
      assert.equal(await store.deleteSessionsOfUser(user.id, null), 1);
      assert.equal(await store.findSession('a2', T0), null);
    });

    it('finds an API token by its hash until it expires, with its scope and binding', async () => {
      const { store, user, service } = ctx();
      const made = await store.createToken({
        tokenHash: 'ab'.repeat(32),
        userId: user.id,
        name: 'ci',
        scope: 'ingest',
        serviceId: service.id,
        expiresAt: T0 + HOUR,
        now: T0,
      });
      assert.deepEqual(made, {
        id: made.id,
        userId: user.id,
        name: 'ci',
        scope: 'ingest',
        serviceId: service.id,
        createdAt: T0,
        expiresAt: T0 + HOUR,
        lastUsedAt: null,
      });
      assert.deepEqual(await store.findTokenByHash('ab'.repeat(32), T0), made);
      assert.equal(await store.findTokenByHash('ab'.repeat(32), T0 + HOUR), null, 'expired');
      assert.equal(await store.findTokenByHash('cd'.repeat(32), T0), null);
      assert.deepEqual(await store.findTokenById(made.id), made, 'by id even when expired: to list it');
    });

    it('lists, touches and deletes API tokens by id', async () => {
      const { store, user } = ctx();
      const bob = await store.createUser({ name: 'bob', passwordHash: 'h', admin: false, now: T0 });
      const common = { scope: 'read' as const, serviceId: null, expiresAt: null, now: T0 };
      const first = await store.createToken({ ...common, tokenHash: 't1', userId: user.id, name: 'one' });
      const second = await store.createToken({ ...common, tokenHash: 't2', userId: bob.id, name: 'two' });
      assert.ok(second.id > first.id);
      assert.deepEqual(
        (await store.listTokens(null)).map((t) => t.name),
        ['one', 'two'],
      );
      assert.deepEqual(
        (await store.listTokens(bob.id)).map((t) => t.name),
        ['two'],
      );
      await store.touchToken(first.id, T0 + 5);
      assert.equal((await store.findTokenById(first.id))?.lastUsedAt, T0 + 5);
      assert.equal(await store.deleteToken(first.id), true);
      assert.equal(await store.deleteToken(first.id), false);
      assert.equal(await store.findTokenByHash('t1', T0), null);
    });

    it("removes a service's tokens with it", async () => {
      const { store, user, service } = ctx();
      const token = await store.createToken({
        tokenHash: 'ingest',
        userId: user.id,
        name: 'nginx',
        scope: 'ingest',
        serviceId: service.id,
        expiresAt: null,
        now: T0,
      });
      await store.removeService(service.id);
      assert.equal(await store.findTokenById(token.id), null);
    });
  });

  describe('services', () => {
    const ctx = useStore(open);

    it('creates a service with an assigned id and default settings', async () => {
      const { store, user, service } = ctx();
      assert.deepEqual(service, {
        id: service.id,
        name: 'shop',
        ownerId: user.id,
        secret: 'a'.repeat(32),
        previousSecret: null,
        previousSecretUntil: null,
        settings: { allowLegacy: true },
        createdAt: T0,
      });
      const blog = await store.createService({ name: 'blog', ownerId: user.id, secret: 'b'.repeat(32), now: T0 });
      assert.ok(blog.id > service.id);
      assert.deepEqual(await store.findServiceById(blog.id), blog);
      assert.deepEqual(await store.findServiceByName('blog'), blog);
      assert.equal(await store.findServiceByName('none'), null);
      assert.deepEqual(
        (await store.listServices()).map((s) => s.name),
        ['shop', 'blog'],
      );
    });

    it('brings over a service with an explicit id, and refuses an id that is taken', async () => {
      const { store, user } = ctx();
      const old = await store.createService({
        name: 'legacy',
        ownerId: user.id,
        secret: 'c'.repeat(32),
        id: 42,
        now: T0,
      });
      assert.equal(old.id, 42);
      await assert.rejects(
        store.createService({ name: 'other', ownerId: user.id, secret: 'd'.repeat(32), id: 42, now: T0 }),
        (error: Error) => error instanceof StoreConflictError && /service id 42 is taken/.test(error.message),
      );
      const next = await store.createService({ name: 'next', ownerId: user.id, secret: 'e'.repeat(32), now: T0 });
      assert.ok(next.id > 42, 'assigned ids continue after an explicit one');
    });

    it('refuses a service name that is taken', async () => {
      const { store, user } = ctx();
      await assert.rejects(
        store.createService({ name: 'shop', ownerId: user.id, secret: 'f'.repeat(32), now: T0 }),
        (error: Error) => error instanceof StoreConflictError && /service name "shop" is taken/.test(error.message),
      );
    });

    it('keeps the previous secret with its deadline when the secret rotates', async () => {
      const { store, service } = ctx();
      const once = await store.rotateSecret(service.id, 'n'.repeat(32), T0 + DAY);
      assert.equal(once.secret, 'n'.repeat(32));
      assert.equal(once.previousSecret, 'a'.repeat(32));
      assert.equal(once.previousSecretUntil, T0 + DAY);
      const twice = await store.rotateSecret(service.id, 'm'.repeat(32), T0 + 2 * DAY);
      assert.equal(twice.previousSecret, 'n'.repeat(32));
      assert.deepEqual(await store.findServiceById(service.id), twice);
      await assert.rejects(store.rotateSecret(9_999, 'x'.repeat(32), T0), StoreNotFoundError);
    });

    it('updates the settings of a service', async () => {
      const { store, service } = ctx();
      const updated = await store.updateServiceSettings(service.id, { allowLegacy: false });
      assert.deepEqual(updated.settings, { allowLegacy: false });
      assert.deepEqual((await store.findServiceById(service.id))?.settings, { allowLegacy: false });
    });

    it('shows a user the services they own or that are shared with them', async () => {
      const { store, user, service } = ctx();
      const bob = await store.createUser({ name: 'bob', passwordHash: 'h', admin: false, now: T0 });
      const bobs = await store.createService({ name: 'bobs', ownerId: bob.id, secret: 'g'.repeat(32), now: T0 });
      assert.equal(await store.canUserSeeService(bob.id, service.id), false);
      assert.deepEqual(
        (await store.listServicesForUser(bob.id)).map((s) => s.name),
        ['bobs'],
      );
      await store.shareService(service.id, bob.id);
      await store.shareService(service.id, bob.id); // sharing twice is harmless
      assert.deepEqual(await store.listShareUserIds(service.id), [bob.id]);
      assert.equal(await store.canUserSeeService(bob.id, service.id), true);
      assert.equal(await store.canUserSeeService(user.id, bobs.id), false);
      assert.deepEqual(
        (await store.listServicesForUser(bob.id)).map((s) => s.name),
        ['shop', 'bobs'],
      );
      await store.unshareService(service.id, bob.id);
      assert.deepEqual(await store.listShareUserIds(service.id), []);
      assert.equal(await store.canUserSeeService(bob.id, service.id), false);
      assert.equal(await store.canUserSeeService(bob.id, 9_999), false);
    });

    it('removes a service with its events, rankings and shares', async () => {
      const { store, user, service } = ctx();
      const bob = await store.createUser({ name: 'bob', passwordHash: 'h', admin: false, now: T0 });
      const blog = await store.createService({ name: 'blog', ownerId: user.id, secret: 'b'.repeat(32), now: T0 });
      await store.shareService(service.id, bob.id);
      await store.writeEvents([plainWrite(service.id, [makeEvent()]), plainWrite(blog.id, [makeEvent()])], T0);
      await store.removeService(service.id);
      assert.equal(await store.findServiceById(service.id), null);
      assert.equal(await store.countEvents(service.id), 0);
      assert.equal(await store.countEvents(blog.id), 1);
      assert.deepEqual(await store.topValues(service.id, 'country', 'all', 10, T0), []);
      assert.deepEqual(await store.topValues(blog.id, 'country', 'all', 10, T0), [{ key: 'DE', requests: 1 }]);
      assert.deepEqual((await store.requestSeries(service.id, 'minute', 1, T0))[0]?.requests, 0);
      assert.deepEqual(await store.listServicesForUser(bob.id), []);
    });

    it('removes a user with their services, sessions, tokens and shares', async () => {
      const { store, user, service } = ctx();
      const bob = await store.createUser({ name: 'bob', passwordHash: 'h', admin: false, now: T0 });
      const bobs = await store.createService({ name: 'bobs', ownerId: bob.id, secret: 'g'.repeat(32), now: T0 });
      await store.shareService(service.id, bob.id);
      await store.shareService(bobs.id, user.id);
      await store.createSession({ id: 'bob-session', userId: bob.id, expiresAt: T0 + DAY });
      await store.createToken({
        tokenHash: 'bob-token',
        userId: bob.id,
        name: 'x',
        scope: 'read',
        serviceId: null,
        expiresAt: null,
        now: T0,
      });
      await store.writeEvents([plainWrite(bobs.id, [makeEvent(), makeEvent()])], T0);
      await store.removeUser(bob.id);
      assert.equal(await store.findUserById(bob.id), null);
      assert.equal(await store.findServiceById(bobs.id), null);
      assert.equal(await store.countEvents(bobs.id), 0);
      assert.equal(await store.findSession('bob-session', T0), null);
      assert.equal(await store.findTokenByHash('bob-token', T0), null);
      assert.deepEqual(
        (await store.listServicesForUser(user.id)).map((s) => s.name),
        ['shop'],
      );
      assert.notEqual(await store.findServiceById(service.id), null);
    });
  });
}
