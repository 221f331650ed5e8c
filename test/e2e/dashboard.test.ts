/**
 * The dashboard and admin pages in a real browser (headless Chromium) against
 * a real `tmon serve`: log in, create a user and a service, watch events land
 * live, no script injection, per-user access, logout, and a server restart.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { freePort } from '../support/local-programs.js';
import { v2Body } from '../support/senders.js';
import { suiteOrSkip } from '../support/suite-or-skip.js';
import { exited, REPO, type ServerProcess, startServer } from '../support/tmon-process.js';
import { chromiumMissing, launchChromium } from './browser.js';

const ADMIN_PASSWORD = 'admin-password-1';
const SHOTS = path.join(REPO, 'test-results', 'screenshots');
const UA = {
  iphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  windows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  android:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  bot: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
};

const skip = chromiumMissing();

suiteOrSkip('the dashboard in a real browser', skip, () => {
  let dataDir: string;
  let port: number;
  let server: ServerProcess;
  let browser: Browser;
  let admin: BrowserContext;
  let page: Page;
  let wsid = 0;
  let secret = '';
  const dialogs: string[] = [];

  const send = async (events: object[]) => {
    const res = await fetch(`${server.url}/data/collect`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: v2Body(wsid, secret, events, Date.now()),
    });
    assert.equal(res.status, 200, await res.text());
  };

  const logIn = async (target: Page, name: string, password: string) => {
    await target.goto(`${server.url}/login`);
    await target.getByLabel('User name').fill(name);
    await target.getByLabel('Password').fill(password);
    await target.getByRole('button', { name: 'Log in' }).click();
    await target.waitForURL((url) => !url.pathname.startsWith('/login'));
  };

  const ranking = (title: string) => page.locator('section.card', { has: page.getByRole('heading', { name: title }) });

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'tmon-e2e-'));
    await mkdir(SHOTS, { recursive: true });
    port = await freePort();
    server = await startServer(dataDir, { TMON_PORT: String(port) }, port);
    browser = await launchChromium();
    admin = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    page = await admin.newPage();
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  });

  after(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    if (server) await exited(server.child);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('logs in as admin, creates a user and a service, and shows the secret', async () => {
    await logIn(page, 'admin', ADMIN_PASSWORD);
    await page.goto(`${server.url}/admin`);
    const userForm = page.getByRole('form', { name: 'Create a user' });
    await userForm.getByLabel('User name').fill('viewer');
    await userForm.getByLabel('Password').fill('viewer-password-1');
    await userForm.getByRole('button', { name: /create/i }).click();
    await page.getByRole('cell', { name: 'viewer', exact: true }).waitFor();

    const serviceForm = page.getByRole('form', { name: 'Create a service' });
    await serviceForm.getByLabel('New service name').fill('shop');
    await serviceForm.getByRole('button', { name: 'Create service' }).click();
    secret = (await page.getByTestId('service-secret').first().textContent({ timeout: 5_000 })) ?? '';
    assert.match(secret, /^[A-Za-z0-9]{32}$/);
    const services = await page.evaluate(() => fetch('/api/services').then((r) => r.json()));
    wsid = services.results.find((s: { name: string }) => s.name === 'shop').id;
    await page.screenshot({ path: path.join(SHOTS, 'admin.png'), fullPage: true });
  });

  it('shows new events on the map, in the rankings and in the figures within a second, without reload', async () => {
    await page.goto(`${server.url}/view/dashboard/${wsid}`);
    await page.getByRole('status').filter({ hasText: 'live' }).waitFor();
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => navigations.push(frame.url()));

    const started = Date.now();
    await send([
      ...Array.from({ length: 3 }, (_, i) => ({
        url: `/products/${i}`,
        ip: '8.8.8.8',
        useragent: UA.iphone,
        status: 200,
        duration_ms: 40,
      })),
      ...Array.from({ length: 2 }, () => ({ url: '/cart', ip: '81.2.69.142', useragent: UA.windows, status: 200 })),
      { url: '/', ip: '1.1.1.1', useragent: UA.android, status: 500, duration_ms: 300 },
      { url: '/robots.txt', ip: '200.160.2.3', useragent: UA.bot },
    ]);
    await page.waitForFunction(
      () => Number(document.querySelector('canvas[data-points]')?.getAttribute('data-points')) >= 4,
      null,
      {
        timeout: 1_000,
      },
    );
    await ranking('Countries').getByText('United States').waitFor({ timeout: 1_000 });
    const usRow = ranking('Countries').locator('li', { hasText: 'United States' });
    await usRow.locator('.rank-count', { hasText: /^3$/ }).waitFor({ timeout: 1_000 });
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 1_500, `took ${elapsed} ms`);
    await ranking('Countries')
      .locator('li', { hasText: 'United Kingdom' })
      .locator('.rank-count', { hasText: /^2$/ })
      .waitFor();
    await ranking('Operating systems').getByText('iOS').waitFor();
    await ranking('Devices').getByText('mobile').waitFor();
    await ranking('Devices').getByText('bot').waitFor();
    await page.getByRole('region', { name: 'Latest requests' }).getByText('/robots.txt').waitFor();
    const lastMinute = page.locator('.headline', {}).getByText('Last minute').locator('..');
    await lastMinute.getByText('7', { exact: true }).waitFor({ timeout: 2_000 });
    assert.deepEqual(navigations, [], 'the page did not reload');

    await page.screenshot({ path: path.join(SHOTS, 'dashboard-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('shows script and markup from senders as literal text, and runs none of it', async () => {
    const payload = {
      url: '/<script>alert("url")</script>',
      ip: '81.2.69.142',
      useragent: '<img src=x onerror=alert("ua")>',
      username: '<svg onload=alert("user")>',
    };
    await send([payload]);
    const log = page.getByRole('region', { name: 'Latest requests' });
    await log.getByText('/<script>alert("url")</script>').waitFor({ timeout: 2_000 });
    assert.equal(await page.locator('img[src="x"]').count(), 0);
    assert.equal(await page.locator('svg[onload]').count(), 0);
    assert.equal(await page.locator('body script:not([src])').count(), 0);
    // the url ranking shows it as text too
    await page.waitForTimeout(2_500);
    assert.deepEqual(dialogs, []);
  });

  it("keeps a second user out of the first user's service: 404, and not in their chooser", async () => {
    const context = await browser.newContext();
    const other = await context.newPage();
    await logIn(other, 'viewer', 'viewer-password-1');
    const response = await other.goto(`${server.url}/view/dashboard/${wsid}`);
    assert.equal(response?.status(), 404);
    await other.goto(`${server.url}/view/dashboard`);
    assert.equal(await other.getByRole('link', { name: 'shop' }).count(), 0);
    const api = await other.evaluate((id) => fetch(`/${id}/data/users/country`).then((r) => r.status), wsid);
    assert.equal(api, 404);
    await context.close();
  });

  it('makes a read token in the admin page, lists it, and revokes it: it then answers 401', async () => {
    await page.goto(`${server.url}/admin`);
    const form = page.getByRole('form', { name: 'Create an API token' });
    await form.getByLabel('Name').fill('grafana');
    await form.getByRole('button', { name: 'Create token' }).click();
    const token = (await page.getByTestId('new-token').textContent({ timeout: 5_000 })) ?? '';
    assert.match(token, /^tmon_/);
    const table = page.getByRole('table', { name: 'API tokens' });
    await table.getByRole('cell', { name: 'grafana', exact: true }).waitFor();
    const read = () =>
      fetch(`${server.url}/${wsid}/data/latest`, { headers: { authorization: `Bearer ${token}` } }).then(
        (r) => r.status,
      );
    assert.equal(await read(), 200);
    await table.getByRole('button', { name: 'Revoke token grafana' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke token' }).click();
    await table.getByRole('cell', { name: 'grafana', exact: true }).waitFor({ state: 'detached' });
    assert.equal(await read(), 401);
  });

  it('sends a dashboard whose session was ended elsewhere to the login page within 5 s', async () => {
    const context = await browser.newContext();
    const elsewhere = await context.newPage();
    await logIn(elsewhere, 'admin', ADMIN_PASSWORD);
    await elsewhere.goto(`${server.url}/view/dashboard/${wsid}`);
    await elsewhere.getByRole('status').filter({ hasText: 'live' }).waitFor();
    // a password reset (to the same password) ends every session of the user but the one making it
    await page.goto(`${server.url}/admin`);
    const status = await page.evaluate(async (password) => {
      const csrf = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')!.content;
      const me = await (await fetch('/api/me')).json();
      const res = await fetch(`/api/users/${me.results.id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
        body: JSON.stringify({ password }),
      });
      return res.status;
    }, ADMIN_PASSWORD);
    assert.equal(status, 200);
    await elsewhere.waitForURL(/\/login\?next=/, { timeout: 6_000 });
    await context.close();
  });

  it('survives a server restart: reconnects by itself and keeps updating', async () => {
    await page.goto(`${server.url}/view/dashboard/${wsid}`);
    await page.getByRole('status').filter({ hasText: 'live' }).waitFor();
    server.child.kill('SIGTERM');
    assert.equal(await exited(server.child), 0);
    server = await startServer(dataDir, { TMON_PORT: String(port) }, port);
    await page.getByRole('status').filter({ hasText: 'live' }).waitFor({ timeout: 10_000 });
    await send([{ url: '/after-restart', ip: '8.8.8.8', useragent: UA.windows }]);
    await page.getByRole('region', { name: 'Latest requests' }).getByText('/after-restart').waitFor({ timeout: 3_000 });
  });

  it('ends the session at logout: the dashboard then sends to the login page', async () => {
    // a button that posts the CSRF token, not a link (test/security/logout.test.ts)
    await page.getByRole('button', { name: /log out/i }).click();
    await page.waitForURL(/\/login/);
    await page.goto(`${server.url}/view/dashboard/${wsid}`);
    await page.waitForURL(/\/login\?next=/);
    const api = await page.evaluate((id) => fetch(`/${id}/data/latest`).then((r) => r.status), wsid);
    assert.equal(api, 401);
  });
});
