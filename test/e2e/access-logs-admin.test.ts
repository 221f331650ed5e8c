/**
 * The admin page's "Access logs" section in a real browser against a real
 * `tmon serve`: it makes an ingest token for the service, shows the
 * `tmon logs follow` command with this tmon's address, the token and the
 * format its nginx lines define, lists the token with scope ingest, and the
 * token sends a bearer batch to that service.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { accessLogSetup } from '../../ui/src/admin/access-log-setup.js';
import { suiteOrSkip } from '../support/suite-or-skip.js';
import { exited, REPO, type ServerProcess, startServer } from '../support/tmon-process.js';
import { chromiumMissing, launchChromium } from './browser.js';

const ADMIN_PASSWORD = 'admin-password-1';
const SHOTS = path.join(REPO, 'test-results', 'screenshots');

suiteOrSkip("the admin page's access-log setup in a real browser", chromiumMissing(), () => {
  let dataDir: string;
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  let wsid = 0;
  let token = '';
  /** the nginx command as the page first showed it */
  let shownCommand = '';

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'tmon-e2e-logs-'));
    server = await startServer(dataDir);
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${server.url}/login`);
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  });

  after(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    if (server) await exited(server.child);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('makes an ingest token for the service and shows the follow command with it', async () => {
    await page.goto(`${server.url}/admin`);
    const serviceForm = page.getByRole('form', { name: 'Create a service' });
    await serviceForm.getByLabel('New service name').fill('shop');
    await serviceForm.getByRole('button', { name: 'Create service' }).click();
    const section = page.getByRole('region', { name: 'Access logs' });
    const nginx = accessLogSetup('nginx', false);
    assert.equal(await section.getByTestId('log-format-config').textContent(), nginx.configLines.join('\n'));
    await section.getByRole('button', { name: /create an ingest token/i }).click();

    const command = (await section.getByTestId('follow-command').textContent({ timeout: 5_000 })) ?? '';
    const match = /--token (tmon_\S+)/.exec(command);
    assert.ok(match, command);
    token = match[1]!;
    shownCommand = command;
    assert.equal(
      command,
      `tmon logs follow /var/log/nginx/access.log --server ${server.url} --token ${token} --format '${nginx.format}'`,
    );
    const services = await page.evaluate(() => fetch('/api/services').then((r) => r.json()));
    wsid = services.results.find((s: { name: string }) => s.name === 'shop').id;
    await mkdir(SHOTS, { recursive: true });
    await section.screenshot({ path: path.join(SHOTS, 'admin-access-logs.png') });
  });

  it('changes the lines and the command for a server behind a proxy, and for Apache', async () => {
    const section = page.getByRole('region', { name: 'Access logs' });
    await section.getByLabel(/behind a proxy/i).check();
    const behindProxy = accessLogSetup('nginx', true);
    assert.equal(await section.getByTestId('log-format-config').textContent(), behindProxy.configLines.join('\n'));
    const command = (await section.getByTestId('follow-command').textContent()) ?? '';
    assert.ok(command.endsWith(`--token ${token} --format '${behindProxy.format}' --forwarded-for`), command);

    await section.getByLabel('Web server').selectOption('apache');
    const apache = accessLogSetup('apache', true);
    assert.equal(await section.getByTestId('log-format-config').textContent(), apache.configLines.join('\n'));
    assert.ok(((await section.getByTestId('follow-command').textContent()) ?? '').includes(apache.logPath));
  });

  it('fits a phone screen: the command and the lines wrap instead of widening the page', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `the page is ${width} px wide`);
    await page
      .getByRole('region', { name: 'Access logs' })
      .screenshot({ path: path.join(SHOTS, 'mobile-access-logs.png') });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('lists the token with scope ingest for that service', async () => {
    const table = page.getByRole('table', { name: 'API tokens' });
    const row = table.getByRole('row').filter({ has: page.getByRole('cell', { name: 'logs-shop', exact: true }) });
    await row.waitFor({ timeout: 5_000 });
    assert.match((await row.textContent()) ?? '', new RegExp(`ingest.*service ${wsid}`));
  });

  it('sends a bearer batch to the service with the token', async () => {
    const response = await fetch(`${server.url}/data/collect`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events: [{ url: '/from-the-log', ip: '81.2.69.142', useragent: 'curl/8.5.0' }] }),
    });
    assert.equal(response.status, 200, await response.text());
    const latest = await page.evaluate((id) => fetch(`/${id}/data/latest`).then((r) => r.json()), wsid);
    assert.ok(JSON.stringify(latest).includes('/from-the-log'), JSON.stringify(latest));
  });

  it('runs the command as shown: a line nginx appends is on the dashboard within a second', async () => {
    const logFile = path.join(dataDir, 'access.log');
    await writeFile(logFile, '');
    // the page's command as the user's shell runs it, with this checkout's tmon, the test's log and state file
    const command = shownCommand
      .replace(/^tmon /, `${JSON.stringify(process.execPath)} --import tsx src/main.ts `)
      .replace(' /var/log/nginx/access.log ', ` ${logFile} --state ${path.join(dataDir, 'follow-state.json')} `);
    assert.notEqual(command, shownCommand);
    const follower = spawn('/bin/sh', ['-c', `exec ${command}`], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
    let output = '';
    follower.stderr.on('data', (chunk) => {
      output += chunk;
    });
    try {
      await page.goto(`${server.url}/view/dashboard/${wsid}`);
      await page.getByRole('status').filter({ hasText: 'live' }).waitFor();
      await waitUntil(
        () => output.includes('following'),
        20_000,
        () => output,
      );
      await appendFile(logFile, `${nginxLine('/appended-by-nginx')}\n`);
      const appended = Date.now();
      await page
        .getByRole('region', { name: 'Latest requests' })
        .getByText('/appended-by-nginx')
        .waitFor({ timeout: 3_000 });
      const elapsed = Date.now() - appended;
      assert.ok(elapsed < 1_000, `on the dashboard ${elapsed} ms after it was written`);
    } finally {
      follower.kill('SIGTERM');
      await exited(follower);
    }
    assert.doesNotMatch(output, /not sent|refused/, output);
  });
});

/** a line as nginx writes it with the admin page's format: client, now, request, status, bytes, referrer, agent, seconds */
function nginxLine(url: string): string {
  const now = new Date();
  const month = now.toLocaleString('en', { month: 'short', timeZone: 'UTC' });
  const two = (n: number) => String(n).padStart(2, '0');
  const time = `${two(now.getUTCDate())}/${month}/${now.getUTCFullYear()}:${two(now.getUTCHours())}:${two(now.getUTCMinutes())}:${two(now.getUTCSeconds())} +0000`;
  return `81.2.69.142 - - [${time}] "GET ${url} HTTP/1.1" 200 512 "-" "Mozilla/5.0 (X11; Linux x86_64)" 0.042`;
}

async function waitUntil(condition: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms:\n${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
