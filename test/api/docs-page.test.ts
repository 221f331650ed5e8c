/** GET /: the docs page shows the address it was reached at, and knows who is logged in. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DOCS_EXAMPLE_SERVER } from '../../src/web/pages/docs-page.js';
import { ALICE_PASSWORD, injectLogin, startTestTmon, type TestTmon } from '../support/test-tmon.js';

function examplesServer(body: string): string[] {
  const servers = [...body.matchAll(/const server = &#39;([^&]*)&#39;|SERVER=(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
  assert.ok(servers.length >= 2, 'the page has the JavaScript and the shell example');
  return [...new Set(servers)];
}

describe('the docs page (GET /)', () => {
  let tmon: TestTmon;
  let proxied: TestTmon;
  const docs = (app: TestTmon, headers: Record<string, string>) => app.app.inject({ method: 'GET', url: '/', headers });

  before(async () => {
    tmon = await startTestTmon();
    proxied = await startTestTmon({ env: { TMON_TRUST_PROXY: '1' } });
  });
  after(async () => {
    await tmon.close();
    await proxied.close();
  });

  it('shows the address it was reached at in its examples', async () => {
    const res = await docs(tmon, { host: 'tmon.example.com:8443' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['cache-control'], 'no-store', 'no cache keeps one Host’s page for the next client');
    assert.deepEqual(examplesServer(res.body), ['http://tmon.example.com:8443']);
    assert.ok(!res.body.includes(DOCS_EXAMPLE_SERVER));
  });

  it('takes the protocol and host from X-Forwarded-* only when TMON_TRUST_PROXY trusts them', async () => {
    const forwarded = { host: '127.0.0.1:8000', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'stats.example.org' };
    assert.deepEqual(examplesServer((await docs(proxied, forwarded)).body), ['https://stats.example.org']);
    assert.deepEqual(examplesServer((await docs(tmon, forwarded)).body), ['http://127.0.0.1:8000']);
  });

  it('falls back to the configured address when the Host header is not a host[:port]', async () => {
    const configured = examplesServer((await docs(tmon, { host: 'ok.example' })).body);
    assert.deepEqual(configured, ['http://ok.example']);
    for (const host of [
      'evil.example/"><script>alert(1)</script>',
      "x'onmouseover='alert(1)",
      'a b',
      'example.com:99999',
      'user@example.com',
      `${'a'.repeat(300)}.example`,
    ]) {
      const res = await docs(tmon, { host });
      assert.equal(res.statusCode, 200, host);
      assert.deepEqual(examplesServer(res.body), [`http://127.0.0.1:${tmon.runtime.config.port}`], host);
      assert.ok(!res.body.includes('<script>alert'), host);
    }
    const forwarded = { host: 'ok.example', 'x-forwarded-host': '<b>bold</b>', 'x-forwarded-proto': 'javascript' };
    assert.deepEqual(examplesServer((await docs(proxied, forwarded)).body), [
      `http://127.0.0.1:${proxied.runtime.config.port}`,
    ]);
  });

  it('offers "Log in" to a visitor', async () => {
    const res = await docs(tmon, { host: 'localhost' });
    assert.match(res.body, /<a href="\/login">Log in<\/a>/);
    assert.doesNotMatch(res.body, /action="\/logout"/);
  });

  it('shows a logged-in user their name, the dashboard and admin links and the logout form', async () => {
    const session = await injectLogin(tmon, 'alice', ALICE_PASSWORD);
    const res = await docs(tmon, { host: 'localhost', cookie: session.cookie });
    const nav = /<nav class="top-nav">([\s\S]*?)<\/nav>/.exec(res.body)?.[1] ?? '';
    assert.doesNotMatch(nav, /Log in/);
    assert.match(nav, /<span class="nav-user">alice<\/span>/);
    assert.match(nav, /<a href="\/view\/dashboard">Dashboard<\/a>/);
    assert.match(nav, /<a href="\/admin">Admin<\/a>/);
    assert.match(nav, new RegExp(`<form method="post" action="/logout"[\\s\\S]*value="${session.csrf}"`));
  });
});
