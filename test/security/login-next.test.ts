/**
 * The login's `next` parameter only a path on this site
 * is followed; anything that could leave the site goes to the dashboard, and
 * no value, however odd, makes the login answer a 500.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { safeNext } from '../../src/web/auth/safe-next.js';
import { FORM } from '../support/senders.js';
import { startTestTmon, type TestTmon } from '../support/test-tmon.js';

const DASHBOARD = '/view/dashboard';
const PASSWORD = 'next-password-1';

/** `next` as it goes into the form body (already percent-encoded), and why it must not be followed */
const LEAVING_THE_SITE: [string, string][] = [
  ['//evil.example', 'protocol-relative'],
  ['/%5Cevil.example', 'a backslash, which browsers read as a slash'],
  ['/%5C%5Cevil.example', 'two backslashes'],
  ['/%09/evil.example', 'a tab, which browsers strip: //evil.example'],
  ['/%0A/evil.example', 'a newline, which browsers strip'],
  ['/%0D%0ASet-Cookie:%20x=1', 'a header-splitting attempt'],
  ['/%20/evil.example', 'a space after the slash'],
  ['/%E3%80%80/evil.example', 'an ideographic space after the slash'],
  ['/%252F/evil.example', 'a slash percent-encoded once more: //evil.example if decoded again'],
  ['/%255Cevil.example', 'a backslash percent-encoded once more'],
  ['/%2509/evil.example', 'a tab percent-encoded once more'],
  ['https://evil.example/', 'an absolute URL'],
  ['http:evil.example', 'a scheme without slashes'],
  ['javascript:alert(1)', 'a script URL'],
  ['evil.example', 'no leading slash'],
  ['%20/view/dashboard', 'a leading space'],
  ['/', 'a lone slash'],
  ['', 'empty'],
  ['/view%00/x', 'a NUL byte'],
  ['/%25E6%25', 'a malformed escape once decoded'],
  [`/${'a'.repeat(3000)}`, 'longer than any path of ours'],
];

describe('the login next parameter', () => {
  let tmon: TestTmon;
  // login is rate limited per user (10) and per IP (20) in 15 minutes: each case logs in as its own
  // user from its own address, so the table can grow without meeting a limit
  let logins = 0;

  before(async () => {
    tmon = await startTestTmon();
  });
  after(() => tmon.close());

  async function loginWithNext(encodedNext: string) {
    const n = logins++;
    const name = `next${n}`;
    await tmon.runtime.accounts.addUser(name, PASSWORD, false);
    return tmon.app.inject({
      method: 'POST',
      url: '/login',
      headers: FORM,
      remoteAddress: `10.21.7.${n + 1}`,
      payload: `username=${name}&password=${PASSWORD}&next=${encodedNext}`,
    });
  }

  for (const [next, why] of LEAVING_THE_SITE) {
    it(`refuses a next that leaves the site (${why}) and goes to the dashboard`, async () => {
      const res = await loginWithNext(next);
      assert.equal(res.statusCode, 303, res.body);
      assert.equal(res.headers.location, DASHBOARD);
      assert.ok(res.cookies.some((c) => c.name === 'tmon_session'));
    });
  }

  it('follows a path on the site, with its query and fragment', async () => {
    const res = await loginWithNext(encodeURIComponent('/view/dashboard/1?range=day#map'));
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/view/dashboard/1?range=day#map');
  });

  it('percent-encodes a non-ASCII next in Location instead of answering 500', async () => {
    const res = await loginWithNext('/view/%E6%97%A5');
    assert.equal(res.statusCode, 303, res.body);
    assert.equal(res.headers.location, '/view/%E6%97%A5');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.ok(res.cookies.some((c) => c.name === 'tmon_session'));
  });

  it('percent-encodes quotes and angle brackets of a next, so Location holds only safe ASCII', async () => {
    const res = await loginWithNext(encodeURIComponent('/a"b<c>?q=日 x'));
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/a%22b%3Cc%3E?q=%E6%97%A5%20x');
  });

  it('leaves no next in the login form for a value that leaves the site', async () => {
    const bad = await tmon.app.inject({ method: 'GET', url: '/login?next=/%09/evil.example' });
    assert.equal(bad.statusCode, 200);
    assert.doesNotMatch(bad.body, /name="next"/);
    const good = await tmon.app.inject({ method: 'GET', url: '/login?next=%2Fview%2F%E6%97%A5' });
    assert.match(good.body, /<input type="hidden" name="next" value="\/view\/%E6%97%A5">/);
  });

  it('treats a next that is not text as absent', () => {
    for (const value of [undefined, null, 42, ['/admin'], { path: '/admin' }]) assert.equal(safeNext(value), null);
  });
});
