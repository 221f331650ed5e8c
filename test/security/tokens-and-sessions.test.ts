/**
 * Credentials that end, and tokens that can do only what their scope says
 * (docs/security.md): read tokens never see a secret nor change anything,
 * ingest tokens only send, a revoked or expired token answers 401 at once, a
 * password change or reset ends the user's other sessions.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { JSON_TYPE } from '../support/senders.js';
import {
  ALICE_PASSWORD,
  addTestToken,
  type InjectedSession,
  injectLogin,
  startTestTmon,
  type TestTmon,
} from '../support/test-tmon.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

describe('API tokens and sessions', () => {
  let tmon: TestTmon;
  const withToken = (token: string, method: Method, url: string, body?: object) =>
    tmon.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, ...(body ? JSON_TYPE : {}) },
      payload: body ? JSON.stringify(body) : undefined,
    });
  const withSession = (session: InjectedSession, method: Method, url: string, body?: object) =>
    tmon.app.inject({
      method,
      url,
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, ...(body ? JSON_TYPE : {}) },
      payload: body ? JSON.stringify(body) : undefined,
    });

  before(async () => {
    tmon = await startTestTmon();
    await tmon.runtime.accounts.addUser('bob', 'bob-password-1', false);
    await tmon.runtime.accounts.addService({ name: 'blog', ownerName: 'bob', id: 2 });
  });
  after(() => tmon.close());

  describe('scopes', () => {
    let read: string;
    let ingest: string;
    beforeEach(async () => {
      read = await addTestToken(tmon.runtime, 'alice', 'read');
      ingest = await addTestToken(tmon.runtime, 'alice', 'ingest', tmon.service.id);
    });

    it('gives a read token the query API and the services without their secrets', async () => {
      assert.equal((await withToken(read, 'GET', '/1/data/users/country')).statusCode, 200);
      assert.equal((await withToken(read, 'GET', '/1/data/latest')).statusCode, 200);
      const services = await withToken(read, 'GET', '/api/services');
      assert.equal(services.statusCode, 200);
      assert.equal(services.json().results[0].name, 'shop');
      assert.equal(services.json().results[0].secret, undefined, 'a read token never sees a secret');
      const one = await withToken(read, 'GET', '/api/services/1');
      assert.equal(one.json().results.secret, undefined);
    });

    it('shows the secret to an admin token of the owner', async () => {
      const admin = await addTestToken(tmon.runtime, 'alice', 'admin');
      const services = await withToken(admin, 'GET', '/api/services');
      assert.equal(services.json().results[0].secret, tmon.service.secret);
    });

    it('refuses every change to a read token with 403', async () => {
      for (const [method, url, body] of [
        ['POST', '/api/services', { name: 'sneaky' }],
        ['POST', '/api/services/1/rotate-secret', undefined],
        ['PATCH', '/api/services/1', { allow_legacy: false }],
        ['DELETE', '/api/services/1', undefined],
        ['POST', '/api/tokens', { name: 'stronger', scope: 'admin' }],
        ['GET', '/api/tokens', undefined],
        ['POST', '/api/me/password', { current_password: ALICE_PASSWORD, password: 'new-password-1' }],
      ] as const) {
        const res = await withToken(read, method, url, body);
        assert.equal(res.statusCode, 403, `${method} ${url}: ${res.body}`);
        assert.match(res.json().message, /scope read/);
      }
      assert.equal((await tmon.runtime.accountStore.findServiceByName('sneaky')) === null, true);
    });

    it('lets an ingest token do nothing but send events', async () => {
      for (const url of ['/1/data/latest', '/1/live', '/api/services', '/api/me', '/1/data/requests/second/10']) {
        const res = await withToken(ingest, 'GET', url);
        assert.equal(res.statusCode, 403, `${url}: ${res.body}`);
        assert.match(res.json().message, /scope ingest/);
      }
    });

    it('keeps a read token bound to one service out of the others, as if they did not exist', async () => {
      await tmon.runtime.accounts.addService({ name: 'wiki', ownerName: 'alice', id: 3 });
      const bound = await addTestToken(tmon.runtime, 'alice', 'read', 1);
      assert.equal((await withToken(bound, 'GET', '/1/data/latest')).statusCode, 200);
      assert.equal((await withToken(bound, 'GET', '/3/data/latest')).statusCode, 404);
      assert.equal((await withToken(bound, 'GET', '/api/services/3')).statusCode, 404);
      const listed = (await withToken(bound, 'GET', '/api/services')).json().results.map((s: { id: number }) => s.id);
      assert.deepEqual(listed, [1]);
    });

    it('makes tokens read-only unless asked, and refuses bindings that make no sense', async () => {
      const alice = await injectLogin(tmon, 'alice', ALICE_PASSWORD);
      const made = await withSession(alice, 'POST', '/api/tokens', { name: 'grafana' });
      assert.equal(made.statusCode, 201, made.body);
      assert.equal(made.json().results.scope, 'read');
      assert.match(made.json().results.token, /^tmon_/);
      for (const [body, status, reason] of [
        [{ name: 'x', scope: 'ingest' }, 400, /bound to one service/],
        [{ name: 'x', scope: 'admin', service_id: 1 }, 400, /cannot be bound/],
        [{ name: 'x', scope: 'ingest', service_id: 2 }, 404, /no service with id 2/],
        [{ name: 'x', scope: 'read', service_id: 2 }, 404, /no service with id 2/],
        [{ name: 'x', scope: 'owner' }, 400, /scope/],
        [{ name: 'x', expires_in: '30 days' }, 400, /lifetime/],
        [{ name: 'x', expires_in: '99y' }, 400, /at most 10y/],
        [{ name: '' }, 400, /name/],
      ] as const) {
        const res = await withSession(alice, 'POST', '/api/tokens', body);
        assert.equal(res.statusCode, status, `${JSON.stringify(body)}: ${res.body}`);
        assert.match(res.json().message, reason);
      }
    });
  });

  describe('listing and revoking', () => {
    it("lists a user's tokens with name, scope, service, times, and never the token", async () => {
      const alice = await injectLogin(tmon, 'alice', ALICE_PASSWORD);
      const made = await withSession(alice, 'POST', '/api/tokens', {
        name: 'nginx on web1',
        scope: 'ingest',
        service_id: 1,
        expires_in: '30d',
      });
      const { id, token } = made.json().results;
      const listed = (await withSession(alice, 'GET', '/api/tokens')).json().results;
      const shown = listed.find((t: { id: number }) => t.id === id);
      assert.deepEqual(shown, {
        id,
        name: 'nginx on web1',
        scope: 'ingest',
        service_id: 1,
        user_id: shown.user_id,
        user: 'alice',
        created_at: tmon.clock.now,
        expires_at: tmon.clock.now + 30 * 86_400_000,
        last_used_at: null,
      });
      assert.ok(!JSON.stringify(listed).includes(token), 'the token itself is never listed');
      assert.ok(
        listed.every((t: { user: string }) => t.user === 'alice'),
        'alice sees only her own',
      );
    });

    it('records when a token was last used', async () => {
      const read = await addTestToken(tmon.runtime, 'alice', 'read');
      await withToken(read, 'GET', '/1/data/latest');
      // the write follows the answer
      await new Promise((resolve) => setTimeout(resolve, 50));
      const tokens = await tmon.runtime.accountStore.listTokens(null);
      assert.equal(tokens.at(-1)?.lastUsedAt, tmon.clock.now);
    });

    it('answers 401 for a token the moment it is revoked', async () => {
      const alice = await injectLogin(tmon, 'alice', ALICE_PASSWORD);
      const made = (await withSession(alice, 'POST', '/api/tokens', { name: 'script' })).json().results;
      assert.equal((await withToken(made.token, 'GET', '/1/data/latest')).statusCode, 200);
      const revoked = await withSession(alice, 'DELETE', `/api/tokens/${made.id}`);
      assert.equal(revoked.statusCode, 200, revoked.body);
      const after = await withToken(made.token, 'GET', '/1/data/latest');
      assert.equal(after.statusCode, 401);
      assert.equal((await withSession(alice, 'DELETE', `/api/tokens/${made.id}`)).statusCode, 404, 'twice: gone');
    });

    it("answers 404 to a user revoking someone else's token, and lets an admin revoke it", async () => {
      const bobToken = await addTestToken(tmon.runtime, 'bob', 'read');
      const [record] = (
        await tmon.runtime.accountStore.listTokens((await tmon.runtime.accounts.requireUser('bob')).id)
      ).slice(-1);
      const alice = await injectLogin(tmon, 'alice', ALICE_PASSWORD);
      assert.equal((await withSession(alice, 'DELETE', `/api/tokens/${record!.id}`)).statusCode, 404);
      assert.equal((await withSession(alice, 'GET', '/api/tokens?user=bob')).statusCode, 404);
      assert.equal((await withToken(bobToken, 'GET', '/2/data/latest')).statusCode, 200);
      const admin = await injectLogin(tmon, 'admin', 'admin-password-1');
      const all = (await withSession(admin, 'GET', '/api/tokens')).json().results;
      assert.ok(
        all.some((t: { user: string }) => t.user === 'bob'),
        'an admin sees every token',
      );
      assert.equal((await withSession(admin, 'DELETE', `/api/tokens/${record!.id}`)).statusCode, 200);
      assert.equal((await withToken(bobToken, 'GET', '/2/data/latest')).statusCode, 401);
    });

    it('answers 401 for a token once it has expired', async () => {
      const user = await tmon.runtime.accounts.requireUser('alice');
      const { token } = await tmon.runtime.accounts.addToken({ user, name: 'short', expires: '1h' });
      assert.equal((await withToken(token, 'GET', '/1/data/latest')).statusCode, 200);
      tmon.clock.advance(3_600_000);
      const res = await withToken(token, 'GET', '/1/data/latest');
      assert.equal(res.statusCode, 401);
      assert.match(res.json().message, /expired or been revoked/);
    });
  });

  describe('sessions that end', () => {
    it("ends a user's sessions when an admin resets their password", async () => {
      const carol = await tmon.runtime.accounts.addUser('carol', 'carol-password-1', false);
      const session = await injectLogin(tmon, 'carol', 'carol-password-1');
      assert.equal((await withSession(session, 'GET', '/api/me')).statusCode, 200);
      const admin = await injectLogin(tmon, 'admin', 'admin-password-1');
      const reset = await withSession(admin, 'PATCH', `/api/users/${carol.id}`, { password: 'reset-password-1' });
      assert.equal(reset.statusCode, 200, reset.body);
      assert.equal((await withSession(session, 'GET', '/api/me')).statusCode, 401);
      assert.equal((await withSession(admin, 'GET', '/api/me')).statusCode, 200, "the admin's own session stays");
    });

    it("ends a user's sessions when the CLI sets their password", async () => {
      await tmon.runtime.accounts.addUser('dave', 'dave-password-1', false);
      const session = await injectLogin(tmon, 'dave', 'dave-password-1');
      await tmon.runtime.accounts.setPassword('dave', 'dave-password-2');
      assert.equal((await withSession(session, 'GET', '/api/me')).statusCode, 401);
    });

    it('keeps the session of users changing their own password and ends their others', async () => {
      await tmon.runtime.accounts.addUser('erin', 'erin-password-1', false);
      const here = await injectLogin(tmon, 'erin', 'erin-password-1');
      const elsewhere = await injectLogin(tmon, 'erin', 'erin-password-1');
      const wrong = await withSession(here, 'POST', '/api/me/password', {
        current_password: 'not-it-at-all',
        password: 'erin-password-2',
      });
      assert.equal(wrong.statusCode, 400);
      assert.match(wrong.json().message, /current password is wrong/);
      assert.equal((await withSession(elsewhere, 'GET', '/api/me')).statusCode, 200, 'a wrong try ends nothing');
      const changed = await withSession(here, 'POST', '/api/me/password', {
        current_password: 'erin-password-1',
        password: 'erin-password-2',
      });
      assert.equal(changed.statusCode, 200, changed.body);
      assert.equal((await withSession(here, 'GET', '/api/me')).statusCode, 200);
      assert.equal((await withSession(elsewhere, 'GET', '/api/me')).statusCode, 401);
    });

    it("ends a removed user's sessions and tokens", async () => {
      const frank = await tmon.runtime.accounts.addUser('frank', 'frank-password-1', false);
      const session = await injectLogin(tmon, 'frank', 'frank-password-1');
      const token = await addTestToken(tmon.runtime, 'frank', 'read');
      const admin = await injectLogin(tmon, 'admin', 'admin-password-1');
      assert.equal((await withSession(admin, 'DELETE', `/api/users/${frank.id}`)).statusCode, 200);
      assert.equal((await withSession(session, 'GET', '/api/me')).statusCode, 401);
      assert.equal((await withToken(token, 'GET', '/api/me')).statusCode, 401);
    });
  });
});
