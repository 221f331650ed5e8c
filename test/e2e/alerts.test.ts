/**
 * Alerts in a real browser against a real `tmon serve` (rules evaluated
 * every second, private webhook targets allowed for the test's receiver):
 * an owner adds a webhook channel in the admin page (its secret shown once),
 * sends a test that the receiver gets and verifies with that secret, sees it
 * in the delivery log; adds a spike rule (the form showing each kind's
 * settings, a server refusal shown as worded) that traffic through collect
 * fires; the dashboard's panel shows it firing and the requests chart marks
 * it; a muted rule fires without notifying anyone, and unmutes; the channel,
 * edited to a second receiver, sends there signed with the same secret, and
 * a bad target is refused as worded with nothing changed.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { v2Body } from '../support/senders.js';
import { suiteOrSkip } from '../support/suite-or-skip.js';
import { exited, REPO, type ServerProcess, startServer } from '../support/tmon-process.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { chromiumMissing, launchChromium } from './browser.js';

const ADMIN_PASSWORD = 'admin-password-1';
const SHOTS = path.join(REPO, 'test-results', 'screenshots');
/** generous: the machine may be busy with other work */
const WAIT_MS = 30_000;

interface Notification {
  type: string;
  rule: { id: number; name: string } | null;
  message: string;
}

suiteOrSkip('alerts in the admin page and the dashboard, in a real browser', chromiumMissing(), () => {
  let dataDir: string;
  let server: ServerProcess;
  let receiver: WebhookReceiver;
  let browser: Browser;
  let page: Page;
  let wsid = 0;
  let serviceSecret = '';
  let webhookSecret = '';

  /** the page's own session calls the API, as the page does */
  const apiGet = (url: string) =>
    page.evaluate((u) => fetch(u).then((r) => r.json() as Promise<{ results: Record<string, unknown[]> }>), url);
  const rules = async () =>
    (await apiGet(`/api/services/${wsid}/alerts`)).results.rules as {
      name: string;
      state: string;
      muted_until: number | null;
    }[];
  const notifications = () =>
    receiver.received.map(
      (r) => new Webhook(webhookSecret).verify(r.body, r.headers as Record<string, string>) as Notification,
    );
  const alertsSection = () => page.getByRole('region', { name: 'Alerts' });
  /** `count` requests to the service, the way a sender makes them (v2, sealed with its secret) */
  const sendTraffic = async (count: number) => {
    const now = Date.now();
    const events = Array.from({ length: count }, (_, i) => ({
      url: `/products/${i}`,
      ip: '8.8.8.8',
      useragent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/126.0',
      ts: now - i * 100,
    }));
    const res = await fetch(`${server.url}/data/collect`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: v2Body(wsid, serviceSecret, events, now),
    });
    assert.equal(res.status, 200, await res.text());
  };

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'tmon-e2e-alerts-'));
    await mkdir(SHOTS, { recursive: true });
    receiver = await startWebhookReceiver();
    server = await startServer(dataDir, { TMON_ALERT_INTERVAL_SECONDS: '1', TMON_ALERT_PRIVATE_TARGETS: 'true' });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(WAIT_MS);
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
    await receiver?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('adds a webhook channel and shows its signing secret once', async () => {
    await page.goto(`${server.url}/admin`);
    const serviceForm = page.getByRole('form', { name: 'Create a service' });
    await serviceForm.getByLabel('New service name').fill('shop');
    await serviceForm.getByRole('button', { name: 'Create service' }).click();
    await alertsSection().getByText('No channels yet').waitFor();
    const services = (await apiGet('/api/services')).results as unknown as {
      id: number;
      name: string;
      secret: string;
    }[];
    const shop = services.find((s) => s.name === 'shop')!;
    wsid = shop.id;
    serviceSecret = shop.secret;

    const form = alertsSection().getByRole('form', { name: 'Add an alert channel' });
    await form.getByLabel('Channel name').fill('ops receiver');
    await form.getByLabel('Sends to').selectOption('webhook');
    await form.getByLabel('URL').fill(receiver.url('/tmon'));
    await form.getByRole('button', { name: 'Add channel' }).click();
    webhookSecret = (await alertsSection().getByTestId('channel-secret').textContent()) ?? '';
    assert.match(webhookSecret, /^whsec_[A-Za-z0-9+/=]{32}$/);
    const row = alertsSection()
      .getByRole('table', { name: 'Alert channels' })
      .getByRole('row', { name: /ops receiver/ });
    assert.match(
      (await row.textContent()) ?? '',
      new RegExp(`webhook.*${receiver.url('/tmon').replaceAll('/', '\\/')}`),
    );

    // shown once: neither the list's answer nor the page after a reload holds it
    assert.doesNotMatch(JSON.stringify(await apiGet(`/api/services/${wsid}/channels`)), /whsec_/);
    await page.reload();
    await openDetails(page, 'shop');
    await alertsSection().getByRole('table', { name: 'Alert channels' }).waitFor();
    assert.equal(await page.getByTestId('channel-secret').count(), 0);
    assert.doesNotMatch((await page.content()) ?? '', /whsec_/);
  });

  it('sends a test that the receiver verifies with the secret, and logs it as delivered', async () => {
    await alertsSection().getByRole('button', { name: 'Send a test to ops receiver' }).click();
    await waitUntil(
      () => receiver.received.length >= 1,
      () => JSON.stringify(receiver.received),
    );
    const [test] = notifications();
    assert.equal(test?.type, 'alert.test');
    assert.equal(test?.rule, null);

    const log = alertsSection().getByRole('table', { name: 'Delivery log of ops receiver' });
    const delivered = log.getByRole('row').filter({ hasText: 'delivered' });
    await delivered.waitFor();
    const text = (await delivered.textContent()) ?? '';
    assert.match(text, /test/);
    assert.match(text, /· 200/);
    assert.match(text, /ok/);
    await alertsSection().screenshot({ path: path.join(SHOTS, 'admin-alerts-channel.png') });
  });

  it('adds a silence rule muted until unmuted before it can fire', async () => {
    const form = await addRuleForm(page);
    await form.getByLabel('Rule name').fill('quiet checkout');
    await form.getByLabel('Kind').selectOption('silence');
    await form.getByLabel('Window (minutes)').fill('1');
    await form.getByLabel('At most (requests)').fill('0');
    await form.getByLabel('URL prefix').fill('/checkout');
    await form.getByLabel('For (seconds)').fill('20');
    await form.getByRole('button', { name: 'Add rule' }).click();
    const row = rulesTable(page).getByRole('row', { name: /quiet checkout/ });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /no requests in 1 min on \/checkout, for 20 s/);

    await rulesTable(page).getByLabel('Mute rule quiet checkout').selectOption({ label: 'until unmuted' });
    await row.getByText('muted until unmuted').waitFor();
    const quiet = (await rules()).find((r) => r.name === 'quiet checkout');
    assert.equal(quiet?.state, 'ok', 'muted before its 20 s had passed');
    assert.ok((quiet?.muted_until ?? 0) > Date.now() + 365 * 86_400_000);
  });

  it('shows only the settings a kind uses, and the server refusal as it is worded', async () => {
    const form = await addRuleForm(page);
    await form.getByLabel('Kind').selectOption('error_share');
    await form.getByLabel('At least (requests)').waitFor();
    await form.getByLabel('Errors are').waitFor();
    await form.getByText(/more than this share of the requests/).waitFor();
    await form.getByLabel('Kind').selectOption('spike');
    assert.equal(await form.getByLabel('At least (requests)').count(), 0);
    assert.equal(await form.getByLabel('Errors are').count(), 0);

    await form.getByLabel('Rule name').fill('traffic spike');
    await form.getByLabel('Window (minutes)').fill('1');
    await form.getByLabel('More than (requests)').fill('4.5');
    await form.getByRole('button', { name: 'Add rule' }).click();
    await form
      .getByRole('alert')
      .filter({ hasText: 'threshold: for spike rules, a whole number of requests' })
      .waitFor();
    assert.equal((await rules()).filter((r) => r.name === 'traffic spike').length, 0, 'nothing stored');

    await form.getByLabel('More than (requests)').fill('5');
    await form.getByRole('button', { name: 'Add rule' }).click();
    const row = rulesTable(page).getByRole('row', { name: /traffic spike/ });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /more than 5 requests in 1 min.*ok/);
  });

  it('fires the spike rule on traffic through collect, and the receiver gets it', async () => {
    await sendTraffic(12);
    await waitUntil(
      () => notifications().some((n) => n.type === 'alert.fired' && n.rule?.name === 'traffic spike'),
      () => JSON.stringify(notifications()),
    );
    await page.reload();
    await openDetails(page, 'shop');
    const row = rulesTable(page).getByRole('row', { name: /traffic spike/ });
    await row.getByText('firing', { exact: true }).waitFor();
    assert.match((await row.textContent()) ?? '', /12 requests/);
  });

  it('records the muted rule firing, and notifies no one', async () => {
    await waitUntil(
      async () => (await rules()).find((r) => r.name === 'quiet checkout')?.state === 'firing',
      async () => JSON.stringify(await rules()),
    );
    const transitions = (await apiGet(`/api/services/${wsid}/alerts/transitions`)).results.transitions as {
      rule_name: string;
      kind: string;
    }[];
    assert.ok(
      transitions.some((t) => t.rule_name === 'quiet checkout' && t.kind === 'fired'),
      JSON.stringify(transitions),
    );
    // deliveries are written with their transition, in one transaction: none was for the muted rule
    const channels = (await apiGet(`/api/services/${wsid}/channels`)).results.channels as { id: number }[];
    const deliveries = (await apiGet(`/api/services/${wsid}/channels/${channels[0]!.id}/deliveries`)).results
      .deliveries as { type: string }[];
    assert.deepEqual(
      deliveries.map((d) => d.type),
      ['alert.fired', 'alert.test'],
    );
    assert.deepEqual(
      notifications().map((n) => `${n.type} ${n.rule?.name ?? ''}`.trim()),
      ['alert.test', 'alert.fired traffic spike'],
    );
  });

  it("shows the firing rules in the dashboard's panel and marks the chart where the spike fired", async () => {
    // more of the same, so the spike still fires however slowly this machine gets here
    await sendTraffic(6);
    await page.goto(`${server.url}/view/dashboard/${wsid}`);
    const panel = page.getByRole('region', { name: 'Alerts' });
    const firing = panel.getByRole('list', { name: 'Rules firing now' });
    await firing.getByText('traffic spike').waitFor();
    const quiet = firing.getByRole('listitem').filter({ hasText: 'quiet checkout' });
    await quiet.getByText('muted').waitFor();
    assert.match((await panel.textContent()) ?? '', /2 of 2 rules firing/);
    await panel
      .getByRole('list', { name: 'Latest alert changes' })
      .getByRole('listitem')
      .filter({ hasText: 'traffic spike' })
      .getByText('fired')
      .waitFor();

    const chart = page.getByRole('region', { name: 'Requests' });
    const marker = chart.getByRole('img', { name: /^traffic spike fired at \d\d:\d\d:\d\d$/ }).first();
    await marker.waitFor();
    assert.match((await marker.getAttribute('class')) ?? '', /\bfired\b/);
    assert.match((await marker.getAttribute('title')) ?? '', /: shop: 12 requests in 1 min, above 5/);
    // the newest marker carries its rule's name on the chart
    const names = await chart.locator('.alert-marker-label').allTextContents();
    assert.ok(names.length >= 1 && names.every((n) => ['traffic spike', 'quiet checkout'].includes(n)), String(names));
    await page.locator('main.dashboard').screenshot({ path: path.join(SHOTS, 'dashboard-alerts.png') });
  });

  it('shows the panel and the markers to a viewer the service is shared with, and no channels', async () => {
    // the admin makes a user and shares the service with it, through the API the admin page uses
    const made = await page.evaluate(async (id) => {
      const csrf = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? '';
      const headers = { 'content-type': 'application/json', 'x-csrf-token': csrf };
      const user = await fetch('/api/users', {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: 'viewer', password: 'viewer-password-1', admin: false }),
      });
      const share = await fetch(`/api/services/${id}/shares`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ user: 'viewer' }),
      });
      return [user.status, share.status];
    }, wsid);
    assert.deepEqual(made, [201, 200]);

    const viewer = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    viewer.setDefaultTimeout(WAIT_MS);
    try {
      await viewer.goto(`${server.url}/login`);
      await viewer.getByLabel('User name').fill('viewer');
      await viewer.getByLabel('Password').fill('viewer-password-1');
      await viewer.getByRole('button', { name: 'Log in' }).click();
      await viewer.waitForURL((url) => !url.pathname.startsWith('/login'));
      await viewer.goto(`${server.url}/view/dashboard/${wsid}`);
      const panel = viewer.getByRole('region', { name: 'Alerts' });
      await panel.getByRole('list', { name: 'Rules firing now' }).getByText('traffic spike').waitFor();
      await viewer
        .getByRole('region', { name: 'Requests' })
        .getByRole('img', { name: /^traffic spike fired at / })
        .first()
        .waitFor();
      const channels = await viewer.evaluate((id) => fetch(`/api/services/${id}/channels`).then((r) => r.status), wsid);
      assert.equal(channels, 403);
    } finally {
      await viewer.context().close();
    }
  });

  it('unmutes the rule from the admin page', async () => {
    await page.goto(`${server.url}/admin`);
    await openDetails(page, 'shop');
    await rulesTable(page).getByRole('button', { name: 'Unmute rule quiet checkout' }).click();
    await rulesTable(page).getByLabel('Mute rule quiet checkout').waitFor();
    assert.equal((await rules()).find((r) => r.name === 'quiet checkout')?.muted_until, null);
  });

  it("fits a phone screen: the admin page's alerts and the dashboard's panel do not widen the page", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await alertsSection().getByRole('button', { name: 'Delivery log of ops receiver' }).click();
    await alertsSection().getByRole('table', { name: 'Delivery log of ops receiver' }).waitFor();
    await addRuleForm(page);
    const adminWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(adminWidth <= 390, `the admin page is ${adminWidth} px wide`);
    await alertsSection().screenshot({ path: path.join(SHOTS, 'mobile-admin-alerts.png') });
    await page.goto(`${server.url}/view/dashboard/${wsid}`);
    await page.getByRole('region', { name: 'Alerts' }).getByRole('list', { name: 'Rules firing now' }).waitFor();
    const dashboardWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(dashboardWidth <= 390, `the dashboard is ${dashboardWidth} px wide`);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('edits the spike rule above its traffic: it resolves, and the open dashboard marks that within its poll', async () => {
    const dashboard = await page.context().newPage();
    dashboard.setDefaultTimeout(WAIT_MS);
    try {
      await dashboard.goto(`${server.url}/view/dashboard/${wsid}`);
      await dashboard.getByRole('region', { name: 'Alerts' }).getByRole('list', { name: 'Rules firing now' }).waitFor();

      await page.goto(`${server.url}/admin`);
      await openDetails(page, 'shop');
      await rulesTable(page).getByRole('button', { name: 'Edit rule traffic spike' }).click();
      const form = rulesTable(page).getByRole('form', { name: 'Edit alert rule traffic spike' });
      assert.equal(await form.getByLabel('More than (requests)').inputValue(), '5');
      await form.getByLabel('More than (requests)').fill('1000');
      await form.getByRole('button', { name: 'Save rule' }).click();
      const row = rulesTable(page).getByRole('row', { name: /traffic spike/ });
      await row.getByText('more than 1,000 requests in 1 min').waitFor();

      await waitUntil(
        () => notifications().some((n) => n.type === 'alert.resolved' && n.rule?.name === 'traffic spike'),
        () => JSON.stringify(notifications()),
      );
      // the page that was already open reads the change at its next poll (every 10 s)
      const resolved = dashboard
        .getByRole('region', { name: 'Requests' })
        .getByRole('img', { name: /^traffic spike resolved at \d\d:\d\d:\d\d$/ });
      await resolved.waitFor();
      assert.match((await resolved.getAttribute('class')) ?? '', /\bresolved\b/);
      await dashboard
        .getByRole('list', { name: 'Latest alert changes' })
        .getByRole('listitem')
        .filter({ hasText: 'traffic spike' })
        .getByText('resolved')
        .first()
        .waitFor();
    } finally {
      await dashboard.close();
    }
  });

  it("edits the channel's name and target: a test reaches the new receiver, signed with the same secret; a bad target changes nothing", async () => {
    const second = await startWebhookReceiver();
    try {
      await page.goto(`${server.url}/admin`);
      await openDetails(page, 'shop');
      const table = alertsSection().getByRole('table', { name: 'Alert channels' });
      await table.getByRole('button', { name: 'Edit channel ops receiver' }).click();
      const form = table.getByRole('form', { name: 'Edit alert channel ops receiver' });
      assert.equal(await form.getByLabel('Channel name').inputValue(), 'ops receiver');
      assert.equal(await form.getByLabel('URL').inputValue(), receiver.url('/tmon'));
      await form.getByText('Its signing secret stays the same').waitFor();
      await form.getByLabel('Channel name').fill('backup receiver');
      await form.getByLabel('URL').fill(second.url('/moved'));
      await form.getByRole('button', { name: 'Save channel' }).click();
      const row = table.getByRole('row', { name: /backup receiver/ });
      await row.waitFor();
      assert.match(
        (await row.textContent()) ?? '',
        new RegExp(`webhook.*${second.url('/moved').replaceAll('/', '\\/')}`),
      );
      assert.equal(await table.getByRole('row', { name: /ops receiver/ }).count(), 0);

      await alertsSection().getByRole('button', { name: 'Send a test to backup receiver' }).click();
      await waitUntil(
        () => second.received.some((r) => r.path === '/moved'),
        () => JSON.stringify(second.received),
      );
      const tests = second.received
        .map((r) => new Webhook(webhookSecret).verify(r.body, r.headers as Record<string, string>) as Notification)
        .filter((n) => n.type === 'alert.test');
      assert.equal(tests.length, 1, JSON.stringify(second.received));

      // a target the server refuses: its message as worded, and the channel as it was
      await table.getByRole('button', { name: 'Edit channel backup receiver' }).click();
      const again = table.getByRole('form', { name: 'Edit alert channel backup receiver' });
      await again.getByLabel('Channel name').fill('ftp receiver');
      await again.getByLabel('URL').fill('ftp://127.0.0.1/hook');
      await again.getByRole('button', { name: 'Save channel' }).click();
      await again
        .getByRole('alert')
        .filter({ hasText: "a webhook channel's target: the URL must start with http:// or https://, not ftp://" })
        .waitFor();
      const stored = (await apiGet(`/api/services/${wsid}/channels`)).results.channels as {
        name: string;
        kind: string;
        target: string;
      }[];
      assert.deepEqual(
        stored.map((c) => [c.name, c.kind, c.target]),
        [['backup receiver', 'webhook', second.url('/moved')]],
      );
      await again.getByRole('button', { name: 'Cancel' }).click();
      await table.getByRole('row', { name: /backup receiver/ }).waitFor();
    } finally {
      await second.close();
    }
  });

  it('removes the channel and the rules after a confirmation', async () => {
    await alertsSection().getByRole('button', { name: 'Remove channel backup receiver' }).click();
    await page
      .getByRole('dialog', { name: 'Remove the channel backup receiver?' })
      .getByRole('button', { name: 'Remove channel' })
      .click();
    await alertsSection().getByText('No channels yet').waitFor();
    for (const name of ['traffic spike', 'quiet checkout']) {
      await rulesTable(page)
        .getByRole('button', { name: `Remove rule ${name}` })
        .click();
      await page
        .getByRole('dialog', { name: `Remove the rule ${name}?` })
        .getByRole('button', { name: 'Remove rule' })
        .click();
      await rulesTable(page)
        .getByRole('row', { name: new RegExp(name) })
        .waitFor({ state: 'detached' });
    }
    await alertsSection().getByText('No rules yet').waitFor();
    assert.deepEqual(await rules(), []);
    await page.goto(`${server.url}/view/dashboard/${wsid}`);
    await page.getByText('No alert rules — set them up in the admin page').waitFor();
    assert.equal(
      await page.getByRole('link', { name: 'set them up in the admin page' }).getAttribute('href'),
      '/admin',
    );
  });
});

/** the admin page lists services closed except a fresh one: open the service's details */
async function openDetails(page: Page, name: string): Promise<void> {
  const toggle = page.getByRole('button', { name: new RegExp(`(^|\\s)${name}\\s*#\\d+$`) });
  await toggle.waitFor();
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
}

function rulesTable(page: Page): Locator {
  return page.getByRole('region', { name: 'Alerts' }).getByRole('table', { name: 'Alert rules' });
}

async function addRuleForm(page: Page): Promise<Locator> {
  const section = page.getByRole('region', { name: 'Alerts' });
  const details = section.locator('details.add-rule');
  if ((await details.getAttribute('open')) === null) await section.getByText('Add a rule').click();
  return section.getByRole('form', { name: 'Add an alert rule' });
}

async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  describe: () => string | Promise<string>,
  timeoutMs = WAIT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms:\n${await describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
