import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { isChannelRefusal } from '../../src/alerts/delivery/alert-channels.js';
import { postToTarget } from '../../src/alerts/delivery/http-sender.js';
import type { Notification } from '../../src/alerts/notification.js';
import { type ConfigError, loadConfig } from '../../src/config.js';
import { sendTraffic, spread } from '../support/alert-traffic.js';
import { makeSelfSignedCertificate } from '../support/nginx-front.js';
import { startSmtpReceiver } from '../support/smtp-receiver.js';
import { addTestToken, startTestTmon } from '../support/test-tmon.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';

async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const until = performance.now() + ms;
  while (!check()) {
    if (performance.now() > until) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('alert deliveries in a running tmon', () => {
  it('are sent by the worker the runtime starts, and a test send leaves at once', async () => {
    const receiver = await startWebhookReceiver();
    const tmon = await startTestTmon({ env: { TMON_ALERT_PRIVATE_TARGETS: '1' } });
    try {
      const { channels } = tmon.runtime.alertDeliveries;
      const channel = await channels.create(tmon.service.id, { name: 'ops', kind: 'webhook', target: receiver.url() });
      assert.ok(!isChannelRefusal(channel));
      const delivery = await channels.sendTest(tmon.service.id, channel.id);
      assert.ok(!isChannelRefusal(delivery));
      await waitFor(() => receiver.received.length === 1, 2_000);
      const [request] = receiver.received;
      const notification = new Webhook(channel.secret as string).verify(
        request?.body ?? '',
        request?.headers as Record<string, string>,
      ) as Notification;
      // no TMON_PUBLIC_URL: tmon does not know where users reach it
      assert.equal(notification.dashboard_url, null);
      assert.match(String(request?.headers['user-agent']), /^tmon\/\d+\.\d+\.\d+ \(alerts\)$/);
    } finally {
      await tmon.close();
      await receiver.close();
    }
  });

  it('sends a fired rule to every channel of its service, once, signed', async () => {
    const receiver = await startWebhookReceiver();
    // the evaluator's own timer stays out of the way: the test runs the round
    const tmon = await startTestTmon({ env: { TMON_ALERT_PRIVATE_TARGETS: '1', TMON_ALERT_INTERVAL_SECONDS: '3600' } });
    try {
      const { channels } = tmon.runtime.alertDeliveries;
      const hook = await channels.create(tmon.service.id, { name: 'hook', kind: 'webhook', target: receiver.url() });
      const slack = await channels.create(tmon.service.id, {
        name: 'chat',
        kind: 'slack',
        target: receiver.url('/slack'),
      });
      assert.ok(!isChannelRefusal(hook) && !isChannelRefusal(slack));
      await addSpikeRule(tmon);
      const token = await addTestToken(tmon.runtime, 'alice', 'ingest', tmon.service.id);
      const now = tmon.clock.now;
      await sendTraffic(tmon.app, token, spread(200, now - 30_000, now));
      tmon.clock.advance(10_000);
      await tmon.runtime.alertEvaluator.evaluateNow();
      await waitFor(() => receiver.received.length === 2, 2_000);
      const signed = receiver.received.find((r) => r.path === '/hook');
      const notification = new Webhook(hook.secret as string).verify(
        signed?.body ?? '',
        signed?.headers as Record<string, string>,
      ) as Notification;
      assert.equal(notification.type, 'alert.fired');
      assert.equal(notification.rule?.name, 'traffic spike');
      assert.match(notification.message, /above 100 \(spike rule "traffic spike"\)/);
      const chat = JSON.parse(receiver.received.find((r) => r.path === '/slack')?.body ?? '{}');
      assert.equal(chat.blocks[0].text.text, 'Firing: traffic spike (shop)');
      // another round with the rule still firing notifies no one again
      tmon.clock.advance(10_000);
      await tmon.runtime.alertEvaluator.evaluateNow();
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(receiver.received.length, 2);
    } finally {
      await tmon.close();
      await receiver.close();
    }
  });

  it('links every message to the dashboard under TMON_PUBLIC_URL: webhook, Slack, Discord, e-mail, test sends', async () => {
    const receiver = await startWebhookReceiver();
    const smtp = await startSmtpReceiver();
    const tmon = await startTestTmon({
      env: {
        TMON_ALERT_PRIVATE_TARGETS: '1',
        TMON_ALERT_INTERVAL_SECONDS: '3600',
        TMON_SMTP_URL: smtp.url,
        TMON_SMTP_FROM: 'alerts@tmon.example.com',
        // a path prefix, and a trailing slash that config.ts drops
        TMON_PUBLIC_URL: 'https://example.com/tmon/',
      },
    });
    try {
      const link = `https://example.com/tmon/view/dashboard/${tmon.service.id}`;
      const { channels } = tmon.runtime.alertDeliveries;
      const add = async (kind: string, target: string) => {
        const channel = await channels.create(tmon.service.id, { name: kind, kind, target });
        assert.ok(!isChannelRefusal(channel), JSON.stringify(channel));
        return channel;
      };
      const hook = await add('webhook', receiver.url('/hook'));
      await add('slack', receiver.url('/slack'));
      await add('discord', receiver.url('/discord'));
      await add('email', 'ops@example.com');
      await addSpikeRule(tmon);
      const token = await addTestToken(tmon.runtime, 'alice', 'ingest', tmon.service.id);
      await sendTraffic(tmon.app, token, spread(200, tmon.clock.now - 30_000, tmon.clock.now));
      tmon.clock.advance(10_000);
      await tmon.runtime.alertEvaluator.evaluateNow();
      await waitFor(() => receiver.received.length === 3 && smtp.received.length === 1, 5_000);

      const body = (path: string) => receiver.received.find((r) => r.path === path);
      const fired = new Webhook(hook.secret as string).verify(
        body('/hook')?.body ?? '',
        body('/hook')?.headers as Record<string, string>,
      ) as Notification;
      assert.equal(fired.type, 'alert.fired');
      assert.equal(fired.dashboard_url, link);
      const slack = JSON.parse(body('/slack')?.body ?? '{}');
      assert.match(slack.blocks[1].text.text, new RegExp(`\n<${link}\\|Open the dashboard>$`));
      const discord = JSON.parse(body('/discord')?.body ?? '{}');
      assert.equal(discord.embeds[0].url, link);
      assert.match(smtp.received[0]?.raw ?? '', new RegExp(`\r\nDashboard: ${link}\r\n`));

      // a test send, made by the API's channels module, carries the same link
      const test = await channels.sendTest(tmon.service.id, hook.id);
      assert.ok(!isChannelRefusal(test));
      await waitFor(() => receiver.received.length === 4, 2_000);
      const sent = JSON.parse(receiver.received[3]?.body ?? '{}') as Notification;
      assert.equal(sent.type, 'alert.test');
      assert.equal(sent.dashboard_url, link);
    } finally {
      await tmon.close();
      await receiver.close();
      await smtp.close();
    }
  });

  it('refuses a private target by default', async () => {
    const receiver = await startWebhookReceiver();
    const tmon = await startTestTmon();
    try {
      const { channels } = tmon.runtime.alertDeliveries;
      const channel = await channels.create(tmon.service.id, { name: 'ops', kind: 'webhook', target: receiver.url() });
      assert.ok(!isChannelRefusal(channel));
      await channels.sendTest(tmon.service.id, channel.id);
      let log = await channels.deliveryLog(tmon.service.id, channel.id);
      const until = performance.now() + 2_000;
      while (!isChannelRefusal(log) && log[0]?.status === 'pending' && performance.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        log = await channels.deliveryLog(tmon.service.id, channel.id);
      }
      assert.ok(!isChannelRefusal(log));
      assert.equal(log[0]?.status, 'gave_up');
      assert.match(
        log[0]?.lastError ?? '',
        /^refused target: 127\.0\.0\.1 resolves to 127\.0\.0\.1, a loopback address/,
      );
      assert.equal(receiver.received.length, 0);
    } finally {
      await tmon.close();
      await receiver.close();
    }
  });
});

describe('https webhook targets', () => {
  it('have their certificate verified: a self-signed one fails the attempt', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tmon-cert-'));
    const { cert, key } = makeSelfSignedCertificate(dir);
    let requests = 0;
    const server = https.createServer({ cert: await readFile(cert), key: await readFile(key) }, (_req, res) => {
      requests++;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const outcome = await postToTarget(
        { url: `https://127.0.0.1:${port}/hook`, headers: {}, body: '{}' },
        { allowPrivate: true, clock: Date.now, userAgent: 'tmon-test' },
      );
      assert.equal(outcome.status, null);
      assert.match(outcome.error ?? '', /DEPTH_ZERO_SELF_SIGNED_CERT|self[- ]signed certificate/);
      assert.equal(outcome.permanent, false);
      assert.equal(requests, 0);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the delivery settings', () => {
  const load = (env: Record<string, string>) => loadConfig({}, env, '/');

  it('default to private targets refused and no e-mail', () => {
    const config = load({});
    assert.equal(config.alertPrivateTargets, false);
    assert.equal(config.smtpUrl, null);
    assert.equal(config.smtpFrom, null);
    assert.equal(load({ TMON_ALERT_PRIVATE_TARGETS: '1' }).alertPrivateTargets, true);
  });

  it('take an smtp:// or smtps:// URL with a From address', () => {
    const config = load({
      TMON_SMTP_URL: 'smtps://u:p@mail.example.com:465',
      TMON_SMTP_FROM: 'tmon <alerts@example.com>',
    });
    assert.equal(config.smtpUrl, 'smtps://u:p@mail.example.com:465');
    assert.equal(config.smtpFrom, 'tmon <alerts@example.com>');
  });

  it('refuse another URL scheme without showing its password, a From that is no address, and a URL without a From', () => {
    assert.throws(
      () =>
        load({
          TMON_SMTP_URL: 'http://u:secret@mail.example.com',
          TMON_SMTP_FROM: 'alerts',
          TMON_ALERT_PRIVATE_TARGETS: 'maybe',
        }),
      (error: ConfigError) => {
        assert.deepEqual(error.problems, [
          'TMON_SMTP_URL must start with smtp:// or smtps://, got "http://***@mail.example.com"',
          'TMON_SMTP_FROM must be an address (alerts@example.com, or "tmon <alerts@example.com>"), got "alerts"',
          'TMON_ALERT_PRIVATE_TARGETS must be 1/true/yes/on or 0/false/no/off, got "maybe"',
        ]);
        return true;
      },
    );
    assert.throws(
      () => load({ TMON_SMTP_URL: 'smtp://mail.example.com' }),
      (error: ConfigError) =>
        error.problems.includes('TMON_SMTP_FROM is needed with TMON_SMTP_URL: the From of alert e-mails'),
    );
  });
});

/** A spike rule over 60 s above 100 requests, the one both deliveries tests fire. */
async function addSpikeRule(tmon: Awaited<ReturnType<typeof startTestTmon>>): Promise<void> {
  const rule = await tmon.runtime.alertRules.add(tmon.service.id, {
    name: 'traffic spike',
    kind: 'spike',
    windowSeconds: 60,
    threshold: 100,
  });
  assert.ok(!('refused' in rule), JSON.stringify(rule));
}
