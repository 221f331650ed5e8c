/**
 * Logout is a CSRF-checked POST: a `GET /logout` that changed state would
 * let a link or an <img> on any site log a user out. A GET only
 * shows a page with a "Log out" button, or sends to /login without a session.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FORM } from '../support/senders.js';
import { ALICE_PASSWORD, startTestTmon, type TestTmon } from '../support/test-tmon.js';

describe('logout', () => {
  let tmon: TestTmon;
  before(async () => {
    tmon = await startTestTmon();
  });
  after(() => tmon.close());

  /** A fresh session of alice's: its cookie header (login allows 10 per user in 15 minutes: 8 here) */
  async function login(): Promise<string> {
    const res = await tmon.app.inject({
      method: 'POST',
      url: '/login',
      headers: FORM,
      payload: `username=alice&password=${ALICE_PASSWORD}`,
    });
    assert.equal(res.statusCode, 303, res.body);
    return `tmon_session=${res.cookies.find((c) => c.name === 'tmon_session')!.value}`;
  }

  const apiStatus = async (cookie: string) =>
    (await tmon.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })).statusCode;

  /** The logout page's form: where it posts and its hidden CSRF token */
  async function logoutForm(cookie: string) {
    const page = await tmon.app.inject({ method: 'GET', url: '/logout', headers: { cookie } });
    assert.equal(page.statusCode, 200, page.body);
    const form = /<form method="post" action="\/logout"[^>]*>[\s\S]*?<\/form>/.exec(page.body)?.[0];
    assert.ok(form, `no logout form in:\n${page.body}`);
    const token = /<input type="hidden" name="_csrf" value="([^"]+)">/.exec(form)?.[1];
    assert.ok(token, 'the form carries no _csrf');
    assert.match(form, /<button type="submit">Log out<\/button>/);
    return { page, token };
  }

  it('does not log out on GET /logout: a link from another site cannot end the session', async () => {
    const cookie = await login();
    const res = await tmon.app.inject({
      method: 'GET',
      url: '/logout',
      headers: { cookie, referer: 'https://evil.example/' },
    });
    assert.equal(res.statusCode, 200);
    assert.ok(!res.cookies.some((c) => c.name === 'tmon_session'), 'GET /logout touched the cookie');
    assert.equal(await apiStatus(cookie), 200);
  });

  it('shows a page with a Log out button that posts the CSRF token, not to be cached or framed', async () => {
    const { page } = await logoutForm(await login());
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.equal(page.headers['cache-control'], 'no-store');
    assert.equal(page.headers['x-frame-options'], 'DENY');
    assert.match(page.body, /logged in as <strong>alice<\/strong>/);
  });

  it('sends GET /logout to /login without a session, or with one that has ended', async () => {
    const none = await tmon.app.inject({ method: 'GET', url: '/logout' });
    assert.equal(none.statusCode, 303);
    assert.equal(none.headers.location, '/login');
    const stale = await tmon.app.inject({ method: 'GET', url: '/logout', headers: { cookie: 'tmon_session=gone' } });
    assert.equal(stale.statusCode, 303);
    assert.equal(stale.headers.location, '/login');
  });

  it('refuses POST /logout without the CSRF token, or with a wrong one (403), and the session goes on', async () => {
    const cookie = await login();
    for (const payload of ['', '_csrf=forged']) {
      const res = await tmon.app.inject({ method: 'POST', url: '/logout', headers: { ...FORM, cookie }, payload });
      assert.equal(res.statusCode, 403, `${payload}: ${res.body}`);
      assert.match(res.json().message, /CSRF/);
      assert.equal(await apiStatus(cookie), 200);
    }
  });

  it("refuses POST /logout with another session's CSRF token", async () => {
    const mine = await login();
    const { token: theirs } = await logoutForm(await login());
    const res = await tmon.app.inject({
      method: 'POST',
      url: '/logout',
      headers: { ...FORM, cookie: mine },
      payload: `_csrf=${encodeURIComponent(theirs)}`,
    });
    assert.equal(res.statusCode, 403);
    assert.equal(await apiStatus(mine), 200);
  });

  it("logs out on POST /logout with the form's CSRF token: the session ends and the cookie is cleared", async () => {
    const cookie = await login();
    const { token } = await logoutForm(cookie);
    const res = await tmon.app.inject({
      method: 'POST',
      url: '/logout',
      headers: { ...FORM, cookie },
      payload: `_csrf=${encodeURIComponent(token)}`,
    });
    assert.equal(res.statusCode, 303, res.body);
    assert.equal(res.headers.location, '/login');
    const cleared = res.cookies.find((c) => c.name === 'tmon_session');
    assert.ok(cleared && cleared.value === '', 'the cookie is not cleared');
    assert.equal(await apiStatus(cookie), 401);
  });

  it('logs out on POST /logout with the token in the X-CSRF-Token header', async () => {
    const cookie = await login();
    const { token } = await logoutForm(cookie);
    const res = await tmon.app.inject({ method: 'POST', url: '/logout', headers: { cookie, 'x-csrf-token': token } });
    assert.equal(res.statusCode, 303);
    assert.equal(await apiStatus(cookie), 401);
  });

  it('sends POST /logout without a session to /login', async () => {
    const res = await tmon.app.inject({ method: 'POST', url: '/logout', headers: FORM, payload: '' });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/login');
  });

  it("gives the service chooser a logout form with the session's CSRF token, not a link", async () => {
    const cookie = await login();
    const { token } = await logoutForm(cookie);
    const chooser = await tmon.app.inject({ method: 'GET', url: '/view/dashboard', headers: { cookie } });
    assert.equal(chooser.statusCode, 200, chooser.body);
    assert.doesNotMatch(chooser.body, /href="\/logout"/);
    assert.ok(chooser.body.includes(`name="_csrf" value="${token}"`), chooser.body);
  });
});
