/**
 * The pages on a phone (390 × 844 CSS px, an iPhone 14's viewport) in a real
 * browser against a real `tmon serve`: nothing may stick out past the right
 * edge (the page would scroll sideways or cut it off), except inside a
 * container made to scroll horizontally. Screenshots go to
 * test-results/screenshots/mobile-*.png to look at.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { freePort } from '../support/local-programs.js';
import { v2Body } from '../support/senders.js';
import { exited, REPO, type ServerProcess, startServer } from '../support/tmon-process.js';
import { chromiumMissing, launchChromium } from './browser.js';

const ADMIN_PASSWORD = 'admin-password-1';
const SHOTS = path.join(REPO, 'test-results', 'screenshots');
const PHONE = { width: 390, height: 844 };
const IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';

interface Overflow {
  innerWidth: number;
  scrollWidth: number;
  /** elements whose right edge passes the viewport's, outside any horizontally scrolling container */
  offenders: string[];
}

/** Runs in the page: what sticks out past the right edge of the viewport. */
function horizontalOverflow(): Overflow {
  const width = window.innerWidth;
  const scrollsSideways = (element: Element): boolean => {
    for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
      const overflowX = getComputedStyle(parent).overflowX;
      if (overflowX === 'auto' || overflowX === 'scroll') return true;
    }
    return false;
  };
  const name = (element: Element): string => {
    const classes = element.classList.length > 0 ? `.${[...element.classList].join('.')}` : '';
    const text = (element.textContent ?? '').trim().slice(0, 30);
    return `<${element.tagName.toLowerCase()}${classes}> "${text}"`;
  };
  const offenders: string[] = [];
  for (const element of document.body.querySelectorAll('*')) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.right > width + 1 && !scrollsSideways(element))
      offenders.push(`${name(element)} ends at ${Math.round(box.right)} px`);
  }
  return { innerWidth: width, scrollWidth: document.documentElement.scrollWidth, offenders };
}

async function assertFitsTheScreen(page: Page, what: string): Promise<void> {
  const overflow = await page.evaluate(horizontalOverflow);
  assert.equal(overflow.innerWidth, PHONE.width);
  assert.deepEqual(overflow.offenders, [], `${what}: elements past the right edge`);
  assert.ok(
    overflow.scrollWidth <= overflow.innerWidth,
    `${what}: the page scrolls sideways (${overflow.scrollWidth} px)`,
  );
}

const skip = chromiumMissing();

describe('the pages on a phone, 390 px wide', () => {
  let dataDir: string;
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  let wsid = 0;
  let secret = '';

  before(async () => {
    if (skip) return;
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'tmon-e2e-mobile-'));
    await mkdir(SHOTS, { recursive: true });
    const port = await freePort();
    server = await startServer(dataDir, { TMON_PORT: String(port) }, port);
    browser = await launchChromium();
    const phone = await browser.newContext({
      viewport: PHONE,
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      userAgent: IPHONE_UA,
    });
    // tsx compiles this file keeping function names (`__name(fn, "…")`): the functions handed to
    // page.evaluate carry that call into the page, which has no such helper
    await phone.addInitScript('globalThis.__name = (fn) => fn');
    page = await phone.newPage();
  });

  after(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    if (server) await exited(server.child);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('shows the login card with room on both sides', { skip }, async () => {
    await page.goto(`${server.url}/login`);
    await page.screenshot({ path: path.join(SHOTS, 'mobile-login.png') });
    await assertFitsTheScreen(page, 'login');
    const card = await page.locator('main.login-card').boundingBox();
    assert.ok(card, 'the login card is shown');
    assert.ok(card.x >= 12, `the card starts ${card.x} px from the left edge`);
    assert.ok(
      PHONE.width - (card.x + card.width) >= 12,
      `the card ends ${PHONE.width - card.x - card.width} px from the right edge`,
    );

    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  });

  it('shows the admin users table with Reset password and Remove whole', { skip }, async () => {
    await page.goto(`${server.url}/admin`);
    const created = await page.evaluate(async () => {
      const csrf = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')!.content;
      const post = (url: string, body: object) =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
          body: JSON.stringify(body),
        }).then(async (r) => ({ status: r.status, body: await r.json() }));
      await post('/api/users', { name: 'margarethe-viewer', password: 'viewer-password-1', admin: false });
      await post('/api/tokens', { name: 'grafana-on-the-wall', scope: 'read', expires_in: '30d' });
      return post('/api/services', { name: 'shop' });
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    wsid = created.body.results.id;
    secret = created.body.results.secret;
    await page.reload();
    const table = page.locator('table', { has: page.getByRole('cell', { name: 'margarethe-viewer' }) });
    await table.waitFor();
    // taken before the checks: a failing run leaves the picture of what failed
    await page.screenshot({ path: path.join(SHOTS, 'mobile-admin.png'), fullPage: true });
    await assertFitsTheScreen(page, 'admin');
    for (const button of [
      'Reset the password of margarethe-viewer',
      'Remove user margarethe-viewer',
      'Revoke token grafana-on-the-wall',
    ]) {
      const box = await page.getByRole('button', { name: button }).boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= PHONE.width, `${button}: ${JSON.stringify(box)}`);
    }
  });

  it('shows the live log with whole requests and separate column headers', { skip }, async () => {
    await page.goto(`${server.url}/view/dashboard/${wsid}`);
    await page.getByRole('status').filter({ hasText: 'live' }).waitFor();
    const res = await fetch(`${server.url}/data/collect`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: v2Body(
        wsid,
        secret,
        [
          { url: '/products/espresso-machine', method: 'GET', status: 200, duration_ms: 41 },
          { url: '/cart', method: 'POST', status: 302, duration_ms: 12 },
          { url: '/checkout/payment', method: 'GET', status: 500, duration_ms: 880 },
        ].map((e) => ({ ...e, ip: '81.2.69.142', useragent: IPHONE_UA })),
        Date.now(),
      ),
    });
    assert.equal(res.status, 200, await res.text());
    const log = page.getByRole('region', { name: 'Latest requests' });
    await log.getByText('/checkout/payment').waitFor({ timeout: 3_000 });
    await page.screenshot({ path: path.join(SHOTS, 'mobile-dashboard.png'), fullPage: true });
    await page.locator('section.log-card').screenshot({ path: path.join(SHOTS, 'mobile-live-log.png') });
    await assertFitsTheScreen(page, 'dashboard');

    const cells = await log
      .locator('tbody td:nth-child(2)')
      .evaluateAll((tds) => tds.map((td) => ({ text: td.textContent, cut: td.scrollWidth > td.clientWidth + 1 })));
    assert.equal(cells.length, 3);
    assert.deepEqual(
      cells.filter((cell) => cell.cut),
      [],
      'request cells cut short',
    );
    const heads = await log.locator('thead th').evaluateAll((ths) =>
      ths
        .filter((th) => th.getBoundingClientRect().width > 0)
        .map((th) => {
          const box = th.getBoundingClientRect();
          const range = document.createRange();
          range.selectNodeContents(th);
          const text = range.getBoundingClientRect();
          return { name: th.textContent, left: box.left, right: box.right, textRight: text.right };
        }),
    );
    for (const [i, head] of heads.entries()) {
      assert.ok(head.textRight <= head.right + 0.5, `${head.name}: its text runs past its column`);
      const next = heads[i + 1];
      if (next) assert.ok(head.textRight < next.left, `${head.name} runs into ${next.name}`);
    }
  });

  it('shows the docs page without sideways scrolling outside its code blocks', { skip }, async () => {
    await page.goto(`${server.url}/`);
    await page.screenshot({ path: path.join(SHOTS, 'mobile-docs.png') });
    await assertFitsTheScreen(page, 'docs');
  });
});
