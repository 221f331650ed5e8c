import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { JSON_TYPE } from '../support/senders.js';
import { ALICE_PASSWORD, injectLogin, startTestTmon, type TestTmon } from '../support/test-tmon.js';

describe('the admin API', () => {
  let tmon: TestTmon;
  let alice: { cookie: string; csrf: string | null };
  let admin: { cookie: string; csrf: string | null };
  const call = (
    who: { cookie: string; csrf: string | null },
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    body?: object,
    csrf = true,
  ) =>
    tmon.app.inject({
      method,
      url,
      headers: {
        cookie: who.cookie,
        ...(body ? JSON_TYPE : {}),
        ...(csrf && who.csrf ? { 'x-csrf-token': who.csrf } : {}),
      },
      payload: body ? JSON.stringify(body) : undefined,
    });

  before(async () => {
    tmon = await startTestTmon();
    alice = await injectLogin(tmon, 'alice', ALICE_PASSWORD);
    admin = await injectLogin(tmon, 'admin', 'admin-password-1');
  });
  after(() => tmon.close());

  it('embeds a CSRF token in the page and refuses a change without it', async () => {
    assert.ok(alice.csrf, 'the admin page carries a csrf-token meta (is the UI built? npm run build:ui)');
    const res = await call(alice, 'POST', '/api/services', { name: 'blog' }, false);
    assert.equal(res.statusCode, 403);
    assert.match(res.json().message, /CSRF/);
    const wrong = await tmon.app.inject({
      method: 'POST',
      url: '/api/services',
      headers: { cookie: alice.cookie, ...JSON_TYPE, 'x-csrf-token': 'forged' },
      payload: JSON.stringify({ name: 'blog' }),
    });
    assert.equal(wrong.statusCode, 403);
  });

  it('creates a service with a unique name and shows its secret to the owner', async () => {
    const res = await call(alice, 'POST', '/api/services', { name: 'blog' });
    assert.equal(res.statusCode, 201, res.body);
    const service = res.json().results;
    assert.equal(service.name, 'blog');
    assert.match(service.secret, /^[A-Za-z0-9]{32}$/);
    assert.equal(service.owner, 'alice');
    const again = await call(alice, 'POST', '/api/services', { name: 'blog' });
    assert.equal(again.statusCode, 409);
    const bad = await call(alice, 'POST', '/api/services', { name: 'Bad Name' });
    assert.equal(bad.statusCode, 400);
  });

  it('rotates a secret, keeping the old one valid for the grace period', async () => {
    const [blog] = (await call(alice, 'GET', '/api/services'))
      .json()
      .results.filter((s: { name: string }) => s.name === 'blog');
    const res = await call(alice, 'POST', `/api/services/${blog.id}/rotate-secret`);
    assert.equal(res.statusCode, 200);
    assert.notEqual(res.json().results.secret, blog.secret);
    assert.ok(res.json().results.previous_secret_valid_until > Date.now());
  });

  it('shares a service as viewer: the viewer sees it without its secret and cannot manage it', async () => {
    await tmon.runtime.accounts.addUser('bob', 'bob-password-1', false);
    const bob = await injectLogin(tmon, 'bob', 'bob-password-1');
    const shared = await call(alice, 'POST', '/api/services/1/shares', { user: 'bob' });
    assert.equal(shared.statusCode, 200, shared.body);
    assert.deepEqual(
      shared.json().results.shared_with.map((u: { name: string }) => u.name),
      ['bob'],
    );
    const seen = (await call(bob, 'GET', '/api/services')).json().results;
    assert.deepEqual(
      seen.map((s: { name: string }) => s.name),
      ['shop'],
    );
    assert.equal(seen[0].secret, undefined);
    assert.equal((await call(bob, 'POST', '/api/services/1/rotate-secret')).statusCode, 403);
    assert.equal((await call(bob, 'DELETE', '/api/services/1')).statusCode, 403);
    const unshared = await call(
      alice,
      'DELETE',
      `/api/services/1/shares/${seen.length && (await tmon.runtime.accountStore.findUserByName('bob'))!.id}`,
    );
    assert.equal(unshared.statusCode, 200);
    assert.equal((await call(bob, 'GET', '/api/services')).json().results.length, 0);
  });

  it("answers 404 for another user's service", async () => {
    await tmon.runtime.accounts.addService({ name: 'secretive', ownerName: 'admin' });
    const theirs = (await tmon.runtime.accountStore.findServiceByName('secretive'))!;
    assert.equal((await call(alice, 'GET', `/api/services/${theirs.id}`)).statusCode, 404);
    assert.equal((await call(alice, 'DELETE', `/api/services/${theirs.id}`)).statusCode, 404);
  });

  it('lets only admins manage users', async () => {
    assert.equal((await call(alice, 'GET', '/api/users')).statusCode, 403);
    const created = await call(admin, 'POST', '/api/users', {
      name: 'dora',
      password: 'dora-password-1',
      admin: false,
    });
    assert.equal(created.statusCode, 201, created.body);
    const dora = created.json().results;
    const promoted = await call(admin, 'PATCH', `/api/users/${dora.id}`, { admin: true });
    assert.equal(promoted.json().results.admin, true);
    const reset = await call(admin, 'PATCH', `/api/users/${dora.id}`, { password: 'dora-password-2' });
    assert.equal(reset.statusCode, 200);
    assert.ok(await tmon.runtime.accounts.authenticate('dora', 'dora-password-2'));
    const short = await call(admin, 'POST', '/api/users', { name: 'eve', password: 'short' });
    assert.equal(short.statusCode, 400);
    assert.equal((await call(admin, 'DELETE', `/api/users/${dora.id}`)).statusCode, 200);
    const me = (await call(admin, 'GET', '/api/me')).json().results;
    assert.equal((await call(admin, 'DELETE', `/api/users/${me.id}`)).statusCode, 400);
  });

  it('creates an API token that then authenticates', async () => {
    const res = await call(alice, 'POST', '/api/tokens', { label: 'grafana' });
    assert.equal(res.statusCode, 201);
    const { token } = res.json().results;
    const withToken = await tmon.app.inject({
      method: 'GET',
      url: '/api/me',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(withToken.json().results.name, 'alice');
  });

  it('removes a service, and collection for it stops at once', async () => {
    const blog = (await tmon.runtime.accountStore.findServiceByName('blog'))!;
    assert.equal((await call(alice, 'DELETE', `/api/services/${blog.id}`)).statusCode, 200);
    assert.equal(await tmon.runtime.accountStore.findServiceById(blog.id), null);
  });
});
