import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StoreConflictError, StoreNotFoundError } from '../../../src/store/errors.js';
import { T0 } from '../../support/temp-store.js';
import { DAY, HOUR, type OpenStore, useStore } from './context.js';

/** What the account half of every backend does (account-store.ts). */
export function describeAccounts(open: OpenStore): void {
  describe('accounts', () => {
    const ctx = useStore(open);

    it('creates, finds, lists and updates users', async () => {
      const { accounts, user } = ctx();
      assert.deepEqual(user, { id: user.id, name: 'ann', passwordHash: 'hash-ann', admin: false, createdAt: T0 });
      const bob = await accounts.createUser({ name: 'bob', passwordHash: 'hash-bob', admin: true, now: T0 + 1 });
      assert.deepEqual(await accounts.findUserByName('bob'), bob);
      assert.deepEqual(await accounts.findUserById(bob.id), bob);
      assert.equal(await accounts.findUserByName('nobody'), null);
      assert.equal(await accounts.findUserById(9_999), null);
      assert.deepEqual(
        (await accounts.listUsers()).map((u) => u.name),
        ['ann', 'bob'],
      );
      assert.equal(await accounts.countUsers(), 2);
      await accounts.setUserPassword(bob.id, 'new-hash');
      await accounts.setUserAdmin(bob.id, false);
      assert.deepEqual(await accounts.findUserById(bob.id), { ...bob, passwordHash: 'new-hash', admin: false });
    });

    it('refuses a second user with the same name', async () => {
      const { accounts } = ctx();
      await assert.rejects(
        accounts.createUser({ name: 'ann', passwordHash: 'x', admin: false, now: T0 }),
        (error: Error) => error instanceof StoreConflictError && /user name "ann" is taken/.test(error.message),
      );
    });

    it('finds a session until it expires, and deletes it', async () => {
      const { accounts, user } = ctx();
      await accounts.createSession({ id: 's1', userId: user.id, expiresAt: T0 + HOUR });
      await accounts.createSession({ id: 's2', userId: user.id, expiresAt: T0 + 2 * HOUR });
      assert.deepEqual(await accounts.findSession('s1', T0 + HOUR - 1), {
        id: 's1',
        userId: user.id,
        expiresAt: T0 + HOUR,
      });
      assert.equal(await accounts.findSession('s1', T0 + HOUR), null);
      assert.equal(await accounts.findSession('nope', T0), null);
      assert.equal(await accounts.deleteExpiredSessions(T0 + HOUR), 1);
      assert.notEqual(await accounts.findSession('s2', T0), null);
      await accounts.deleteSession('s2');
      assert.equal(await accounts.findSession('s2', T0), null);
    });

    it("ends every session of a user but the one kept, and no one else's", async () => {
      const { accounts, user } = ctx();
      const bob = await accounts.createUser({ name: 'bob', passwordHash: 'h', admin: false, now: T0 });
      for (const id of ['a1', 'a2', 'a3']) await accounts.createSession({ id, userId: user.id, expiresAt: T0 + HOUR });
      await accounts.createSession({ id: 'b1', userId: bob.id, expiresAt: T0 + HOUR });
      assert.equal(await accounts.deleteSessionsOfUser(user.id, 'a2'), 2);
      assert.equal(await accounts.findSession('a1', T0), null);
      assert.notEqual(await accounts.findSession('a2', T0), null);
      assert.notEqual(await accounts.findSession('b1', T0), null);
      assert.equal(await accounts.deleteSessionsOfUser(user.id, null), 1);
      assert.equal(await accounts.findSession('a2', T0), null);
    });

    it('finds an API token by its hash until it expires, with its scope and binding', async () => {
      const { accounts, user, service } = ctx();
      const made = await accounts.createToken({
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
      assert.deepEqual(await accounts.findTokenByHash('ab'.repeat(32), T0), made);
      assert.equal(await accounts.findTokenByHash('ab'.repeat(32), T0 + HOUR), null, 'expired');
      assert.equal(await accounts.findTokenByHash('cd'.repeat(32), T0), null);
      assert.deepEqual(await accounts.findTokenById(made.id), made, 'by id even when expired: to list it');
    });

    it('lists, touches and deletes API tokens by id', async () => {
      const { accounts, user } = ctx();
      const bob = await accounts.createUser({ name: 'bob', passwordHash: 'h', admin: false, now: T0 });
      const common = { scope: 'read' as const, serviceId: null, expiresAt: null, now: T0 };
      const first = await accounts.createToken({ ...common, tokenHash: 't1', userId: user.id, name: 'one' });
      const second = await accounts.createToken({ ...common, tokenHash: 't2', userId: bob.id, name: 'two' });
      assert.ok(second.id > first.id);
      assert.deepEqual(
        (await accounts.listTokens(null)).map((t) => t.name),
        ['one', 'two'],
      );
      assert.deepEqual(
        (await accounts.listTokens(bob.id)).map((t) => t.name),
        ['two'],
      );
      await accounts.touchToken(first.id, T0 + 5);
      assert.equal((await accounts.findTokenById(first.id))?.lastUsedAt, T0 + 5);
      assert.equal(await accounts.deleteToken(first.id), true);
      assert.equal(await accounts.deleteToken(first.id), false);
      assert.equal(await accounts.findTokenByHash('t1', T0), null);
    });

    it("removes a service's tokens with it", async () => {
      const { accounts, user, service } = ctx();
      const token = await accounts.createToken({
        tokenHash: 'ingest',
        userId: user.id,
        name: 'nginx',
        scope: 'ingest',
        serviceId: service.id,
        expiresAt: null,
        now: T0,
      });
      await accounts.removeService(service.id);
      assert.equal(await accounts.findTokenById(token.id), null);
    });

    it('lists every token with its hash, expired ones too, by id', async () => {
      const { accounts, user, service } = ctx();
      const ingest = await accounts.createToken({
        tokenHash: 'ab'.repeat(32),
        userId: user.id,
        name: 'ci',
        scope: 'ingest',
        serviceId: service.id,
        expiresAt: T0 + HOUR,
        now: T0,
      });
      const read = await accounts.createToken({
        tokenHash: 'cd'.repeat(32),
        userId: user.id,
        name: 'dashboards',
        scope: 'read',
        serviceId: null,
        expiresAt: null,
        now: T0 + 1,
      });
      await accounts.touchToken(read.id, T0 + 5);
      assert.deepEqual(await accounts.listTokensWithHashes(), [
        { ...ingest, tokenHash: 'ab'.repeat(32) },
        { ...read, lastUsedAt: T0 + 5, tokenHash: 'cd'.repeat(32) },
      ]);
    });
  });

  describe('services', () => {
    const ctx = useStore(open);

    it('creates a service with an assigned id and default settings', async () => {
      const { accounts, user, service } = ctx();
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
      const blog = await accounts.createService({ name: 'blog', ownerId: user.id, secret: 'b'.repeat(32), now: T0 });
      assert.ok(blog.id > service.id);
      assert.deepEqual(await accounts.findServiceById(blog.id), blog);
      assert.deepEqual(await accounts.findServiceByName('blog'), blog);
      assert.equal(await accounts.findServiceByName('none'), null);
      assert.deepEqual(
        (await accounts.listServices()).map((s) => s.name),
        ['shop', 'blog'],
      );
    });

    it('brings over a service with an explicit id, and refuses an id that is taken', async () => {
      const { accounts, user } = ctx();
      const old = await accounts.createService({
        name: 'legacy',
        ownerId: user.id,
        secret: 'c'.repeat(32),
        id: 42,
        now: T0,
      });
      assert.equal(old.id, 42);
      await assert.rejects(
        accounts.createService({ name: 'other', ownerId: user.id, secret: 'd'.repeat(32), id: 42, now: T0 }),
        (error: Error) => error instanceof StoreConflictError && /service id 42 is taken/.test(error.message),
      );
      const next = await accounts.createService({ name: 'next', ownerId: user.id, secret: 'e'.repeat(32), now: T0 });
      assert.ok(next.id > 42, 'assigned ids continue after an explicit one');
    });

    it('refuses a service name that is taken', async () => {
      const { accounts, user } = ctx();
      await assert.rejects(
        accounts.createService({ name: 'shop', ownerId: user.id, secret: 'f'.repeat(32), now: T0 }),
        (error: Error) => error instanceof StoreConflictError && /service name "shop" is taken/.test(error.message),
      );
    });

    it('keeps the previous secret with its deadline when the secret rotates', async () => {
      const { accounts, service } = ctx();
      const once = await accounts.rotateSecret(service.id, 'n'.repeat(32), T0 + DAY);
      assert.equal(once.secret, 'n'.repeat(32));
      assert.equal(once.previousSecret, 'a'.repeat(32));
      assert.equal(once.previousSecretUntil, T0 + DAY);
      const twice = await accounts.rotateSecret(service.id, 'm'.repeat(32), T0 + 2 * DAY);
      assert.equal(twice.previousSecret, 'n'.repeat(32));
      assert.deepEqual(await accounts.findServiceById(service.id), twice);
      await assert.rejects(accounts.rotateSecret(9_999, 'x'.repeat(32), T0), StoreNotFoundError);
    });

    it('updates the settings of a service', async () => {
      const { accounts, service } = ctx();
      const updated = await accounts.updateServiceSettings(service.id, { allowLegacy: false });
      assert.deepEqual(updated.settings, { allowLegacy: false });
      assert.deepEqual((await accounts.findServiceById(service.id))?.settings, { allowLegacy: false });
    });

    it('shows a user the services they own or that are shared with them', async () => {
      const { accounts, user, service } = ctx();
      const bob = await accounts.createUser({ name: 'bob', passwordHash: 'h', admin: false, now: T0 });
      const bobs = await accounts.createService({ name: 'bobs', ownerId: bob.id, secret: 'g'.repeat(32), now: T0 });
      assert.equal(await accounts.canUserSeeService(bob.id, service.id), false);
      assert.deepEqual(
        (await accounts.listServicesForUser(bob.id)).map((s) => s.name),
        ['bobs'],
      );
      await accounts.shareService(service.id, bob.id);
      await accounts.shareService(service.id, bob.id); // sharing twice is harmless
      assert.deepEqual(await accounts.listShareUserIds(service.id), [bob.id]);
      assert.equal(await accounts.canUserSeeService(bob.id, service.id), true);
      assert.equal(await accounts.canUserSeeService(user.id, bobs.id), false);
      assert.deepEqual(
        (await accounts.listServicesForUser(bob.id)).map((s) => s.name),
        ['shop', 'bobs'],
      );
      await accounts.unshareService(service.id, bob.id);
      assert.deepEqual(await accounts.listShareUserIds(service.id), []);
      assert.equal(await accounts.canUserSeeService(bob.id, service.id), false);
      assert.equal(await accounts.canUserSeeService(bob.id, 9_999), false);
    });

    it('removes a service with its shares, and no other service', async () => {
      const { accounts, user, service } = ctx();
      const bob = await accounts.createUser({ name: 'bob', passwordHash: 'h', admin: false, now: T0 });
      const blog = await accounts.createService({ name: 'blog', ownerId: user.id, secret: 'b'.repeat(32), now: T0 });
      await accounts.shareService(service.id, bob.id);
      await accounts.shareService(blog.id, bob.id);
      await accounts.removeService(service.id);
      assert.equal(await accounts.findServiceById(service.id), null);
      assert.deepEqual(await accounts.listShareUserIds(service.id), []);
      assert.deepEqual(
        (await accounts.listServicesForUser(bob.id)).map((s) => s.name),
        ['blog'],
      );
      // removing what is gone already does no harm: a removal that failed half-way can be repeated
      await accounts.removeService(service.id);
    });

    it('removes a user with their services, sessions, tokens and shares', async () => {
      const { accounts, user, service } = ctx();
      const bob = await accounts.createUser({ name: 'bob', passwordHash: 'h', admin: false, now: T0 });
      const bobs = await accounts.createService({ name: 'bobs', ownerId: bob.id, secret: 'g'.repeat(32), now: T0 });
      await accounts.shareService(service.id, bob.id);
      await accounts.shareService(bobs.id, user.id);
      await accounts.createSession({ id: 'bob-session', userId: bob.id, expiresAt: T0 + DAY });
      await accounts.createToken({
        tokenHash: 'bob-token',
        userId: bob.id,
        name: 'x',
        scope: 'read',
        serviceId: null,
        expiresAt: null,
        now: T0,
      });
      await accounts.removeUser(bob.id);
      assert.equal(await accounts.findUserById(bob.id), null);
      assert.equal(await accounts.findServiceById(bobs.id), null);
      assert.equal(await accounts.findSession('bob-session', T0), null);
      assert.equal(await accounts.findTokenByHash('bob-token', T0), null);
      assert.deepEqual(
        (await accounts.listServicesForUser(user.id)).map((s) => s.name),
        ['shop'],
      );
      assert.notEqual(await accounts.findServiceById(service.id), null);
    });
  });
}
