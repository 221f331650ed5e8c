import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { ATTEMPT_TIMEOUT_MS, postToTarget } from '../../src/alerts/delivery/http-sender.js';
import type { Notification } from '../../src/alerts/notification.js';
import { type Harness, startHarness } from '../support/alert-delivery-harness.js';
import { closedPort, startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const SECOND = 1_000;
const HOUR = 3_600_000;

describe('alert deliveries', () => {
  let h: Harness;
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    h = await startHarness({ allowPrivate: true, timeoutMs: 500 });
    receiver = await startWebhookReceiver();
  });
  afterEach(async () => {
    await receiver.close();
    await h.close();
    assert.deepEqual(h.errors, []);
  });

  it('signs every webhook so the standardwebhooks verifier accepts it, with the same id on every attempt', async () => {
    const channel = await h.addChannel('webhook', receiver.url());
    assert.match(channel.secret ?? '', /^whsec_/);
    const verifier = new Webhook(channel.secret as string);
    receiver.answer({ status: 500, body: 'not now' }, { status: 204 });
    const { payload } = await h.queueFired(channel.id);
    assert.equal(await h.worker.runOnce(), 1);
    h.clock.advance(10 * SECOND);
    assert.equal(await h.worker.runOnce(), 1);
    assert.equal(receiver.received.length, 2);
    for (const request of receiver.received) {
      assert.equal(request.method, 'POST');
      assert.equal(request.headers['content-type'], 'application/json');
      assert.equal(request.body, payload);
      const verified = verifier.verify(request.body, request.headers as Record<string, string>) as Notification;
      assert.equal(verified.type, 'alert.fired');
      assert.equal(verified.rule?.name, 'traffic spike');
    }
    const [first, second] = receiver.received;
    assert.equal(first?.headers['webhook-id'], second?.headers['webhook-id']);
    assert.equal(Number(second?.headers['webhook-timestamp']) - Number(first?.headers['webhook-timestamp']), 10);
    // a receiver holding another secret, or reading a body someone changed, refuses it
    const signed = receiver.received[0]?.headers as Record<string, string>;
    assert.throws(() => new Webhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw').verify(payload, signed));
    assert.throws(() => verifier.verify(payload.replace('1,240', '12,400'), signed));
    const [logged] = await h.log(channel.id);
    assert.equal(logged?.status, 'delivered');
    assert.deepEqual(
      logged?.attemptLog.map((a) => [a.status, a.answer, a.error]),
      [
        [500, 'not now', 'answered 500'],
        [204, null, null],
      ],
    );
  });

  it('posts Slack and Discord bodies made from the notification', async () => {
    const slack = await h.addChannel('slack', receiver.url('/slack'));
    const discord = await h.addChannel('discord', receiver.url('/discord'));
    assert.equal(slack.secret, null);
    await h.queueFired(slack.id);
    await h.queueFired(discord.id);
    assert.equal(await h.worker.runOnce(), 2);
    const byPath = new Map(receiver.received.map((r) => [r.path, JSON.parse(r.body)]));
    const slackBody = byPath.get('/slack');
    assert.equal(
      slackBody.text,
      'Firing: traffic spike (shop): shop: 1,240 requests in 5 min, above 1,000 (spike rule "traffic spike")',
    );
    assert.equal(slackBody.blocks[0].text.text, 'Firing: traffic spike (shop)');
    assert.match(
      slackBody.blocks[1].text.text,
      /<https:\/\/tmon\.example\.com\/view\/dashboard\/\d+\|Open the dashboard>/,
    );
    assert.match(slackBody.blocks[2].text.text, /\*URL prefix:\* \/api/);
    const discordBody = byPath.get('/discord');
    assert.equal(discordBody.content, 'Firing: traffic spike (shop)');
    assert.equal(
      discordBody.embeds[0].description,
      'shop: 1,240 requests in 5 min, above 1,000 (spike rule "traffic spike")',
    );
    assert.equal(discordBody.embeds[0].url, `https://tmon.example.com/view/dashboard/${h.service.id}`);
    assert.deepEqual(discordBody.embeds[0].fields[2], { name: 'URL prefix', value: '/api', inline: false });
    assert.deepEqual(discordBody.allowed_mentions, { parse: [] });
    for (const channel of [slack, discord]) assert.equal((await h.log(channel.id))[0]?.status, 'delivered');
  });

  it('retries a receiver that is down, honours its Retry-After, and logs every attempt until it succeeds', async () => {
    const port = await closedPort();
    const channel = await h.addChannel('webhook', `http://127.0.0.1:${port}/hook`);
    await h.queueFired(channel.id);
    assert.equal(await h.worker.runOnce(), 1);
    let [logged] = await h.log(channel.id);
    assert.equal(logged?.status, 'pending');
    assert.equal(logged?.attemptLog[0]?.error, 'connection refused');
    assert.equal(logged?.nextAttemptAt, h.clock.now + 10 * SECOND);

    // back, but busy
    await h.store.alertChannels.updateChannel(channel.id, { name: channel.name, target: receiver.url() });
    receiver.answer(
      { status: 503, headers: { 'retry-after': '120' }, body: 'maintenance' },
      { status: 200, body: 'thanks' },
    );
    h.clock.advance(9 * SECOND);
    assert.equal(await h.worker.runOnce(), 0, 'not due before its 10 s');
    h.clock.advance(SECOND);
    assert.equal(await h.worker.runOnce(), 1);
    [logged] = await h.log(channel.id);
    assert.equal(logged?.lastStatus, 503);
    assert.equal(logged?.nextAttemptAt, h.clock.now + 120 * SECOND, 'Retry-After beats the 30 s backoff');
    h.clock.advance(119 * SECOND);
    assert.equal(await h.worker.runOnce(), 0);
    h.clock.advance(SECOND);
    assert.equal(await h.worker.runOnce(), 1);
    [logged] = await h.log(channel.id);
    assert.equal(logged?.status, 'delivered');
    assert.deepEqual(
      logged?.attemptLog.map((a) => [a.attempt, a.status, a.answer, a.error]),
      [
        [1, null, null, 'connection refused'],
        [2, 503, 'maintenance', 'answered 503'],
        [3, 200, 'thanks', null],
      ],
    );
    assert.equal(receiver.received.length, 2);
    assert.equal(await h.worker.runOnce(), 0, 'delivered: never sent again');
  });

  it('gives up 24 h after the delivery was made', async () => {
    const channel = await h.addChannel('webhook', receiver.url());
    receiver.answer({ status: 502, body: 'bad gateway' });
    await h.queueFired(channel.id);
    let attempts = 0;
    for (let hour = 0; hour <= 26; hour++) {
      attempts += await h.worker.runOnce();
      h.clock.advance(HOUR);
    }
    const [logged] = await h.log(channel.id);
    assert.equal(logged?.status, 'gave_up');
    assert.equal(logged?.attempts, attempts);
    const last = logged?.attemptLog.at(-1);
    assert.ok(last !== undefined && last.at >= logged.createdAt + 24 * HOUR, 'the last attempt is at the horizon');
    assert.equal(await h.worker.runOnce(), 0);
  });

  it('gives up at once on a 4xx other than 408 and 429, and retries those two', async () => {
    const refusing = await h.addChannel('webhook', receiver.url('/refusing'), 'refusing');
    receiver.answer({ status: 401, body: 'bad signature' });
    await h.queueFired(refusing.id);
    await h.worker.runOnce();
    assert.equal((await h.log(refusing.id))[0]?.status, 'gave_up');

    const throttling = await h.addChannel('webhook', receiver.url('/throttling'), 'throttling');
    receiver.answer({ status: 429 }, { status: 408 }, { status: 200 });
    await h.queueFired(throttling.id);
    for (let i = 0; i < 3; i++) {
      await h.worker.runOnce();
      h.clock.advance(HOUR);
    }
    const [logged] = await h.log(throttling.id);
    assert.deepEqual(
      logged?.attemptLog.map((a) => a.status),
      [429, 408, 200],
    );
    assert.equal(logged?.status, 'delivered');
  });

  it('does not follow a redirect: the 3xx is a failed attempt, and the target it names gets nothing', async () => {
    const channel = await h.addChannel('webhook', receiver.url('/moved'));
    receiver.answer({ status: 302, headers: { location: receiver.url('/elsewhere') }, body: '' });
    await h.queueFired(channel.id);
    await h.worker.runOnce();
    assert.deepEqual(
      receiver.received.map((r) => r.path),
      ['/moved'],
    );
    const [logged] = await h.log(channel.id);
    assert.equal(logged?.status, 'gave_up');
    assert.equal(logged?.attemptLog[0]?.status, 302);
    assert.equal(logged?.attemptLog[0]?.error, `redirect to ${receiver.url('/elsewhere')} not followed`);
  });

  it('times out a receiver that never answers, and tries again later', async () => {
    const channel = await h.addChannel('webhook', receiver.url());
    receiver.answer({ status: 200, hang: true });
    await h.queueFired(channel.id);
    const started = performance.now();
    await h.worker.runOnce();
    const took = performance.now() - started;
    assert.ok(took >= 450 && took < 3_000, `the attempt took ${took} ms with a 500 ms deadline`);
    const [logged] = await h.log(channel.id);
    assert.equal(logged?.status, 'pending');
    assert.equal(logged?.attemptLog[0]?.error, 'timeout: no answer in 0.5 s');
    assert.equal(logged?.attemptLog[0]?.status, null);
  });

  it('keeps only the first 512 bytes of an answer', async () => {
    const channel = await h.addChannel('webhook', receiver.url());
    receiver.answer({ status: 200, body: 'x'.repeat(100_000) });
    await h.queueFired(channel.id);
    await h.worker.runOnce();
    const [logged] = await h.log(channel.id);
    assert.equal(logged?.status, 'delivered');
    assert.equal(logged?.lastAnswer, 'x'.repeat(512));
  });
});

describe('alert deliveries without TMON_PUBLIC_URL', () => {
  it('post Slack and Discord bodies with no dashboard link, and webhook JSON with dashboard_url null', async () => {
    const h = await startHarness({ allowPrivate: true, timeoutMs: 500, publicUrl: null });
    const receiver = await startWebhookReceiver();
    try {
      const slack = await h.addChannel('slack', receiver.url('/slack'));
      const discord = await h.addChannel('discord', receiver.url('/discord'));
      const hook = await h.addChannel('webhook', receiver.url('/hook'));
      for (const channel of [slack, discord, hook]) await h.queueFired(channel.id);
      assert.equal(await h.worker.runOnce(), 3);
      const byPath = new Map(receiver.received.map((r) => [r.path, JSON.parse(r.body)]));
      const slackBody = byPath.get('/slack');
      assert.equal(
        slackBody.blocks[1].text.text,
        'shop: 1,240 requests in 5 min, above 1,000 (spike rule "traffic spike")',
      );
      assert.doesNotMatch(JSON.stringify(slackBody), /Open the dashboard|view\/dashboard/);
      assert.equal('url' in byPath.get('/discord').embeds[0], false);
      assert.equal(byPath.get('/hook').dashboard_url, null);
      assert.deepEqual(h.errors, []);
    } finally {
      await receiver.close();
      await h.close();
    }
  });
});

describe('alert deliveries to private addresses', () => {
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    receiver = await startWebhookReceiver();
  });
  afterEach(() => receiver.close());

  for (const host of ['127.0.0.1', 'localhost']) {
    it(`refuses http://${host} with TMON_ALERT_PRIVATE_TARGETS off, sending nothing`, async () => {
      const h = await startHarness({ allowPrivate: false });
      try {
        const channel = await h.addChannel('webhook', `http://${host}:${receiver.port}/hook`);
        await h.queueFired(channel.id);
        await h.worker.runOnce();
        assert.equal(receiver.received.length, 0);
        const [logged] = await h.log(channel.id);
        assert.equal(logged?.status, 'gave_up');
        assert.match(
          logged?.attemptLog[0]?.error ?? '',
          new RegExp(
            `^refused target: ${host.replace(/\./g, '\\.')} resolves to (127\\.0\\.0\\.1|::1), a loopback address`,
          ),
        );
      } finally {
        await h.close();
      }
    });
  }

  it('delivers to the same target with TMON_ALERT_PRIVATE_TARGETS on', async () => {
    const h = await startHarness({ allowPrivate: true });
    try {
      const channel = await h.addChannel('webhook', `http://localhost:${receiver.port}/hook`);
      await h.queueFired(channel.id);
      await h.worker.runOnce();
      assert.equal(receiver.received.length, 1);
      assert.equal((await h.log(channel.id))[0]?.status, 'delivered');
    } finally {
      await h.close();
    }
  });
});

describe('the attempt deadline', () => {
  it('is 10 s by default', async () => {
    const receiver = await startWebhookReceiver();
    try {
      receiver.answer({ status: 200, hang: true });
      const started = performance.now();
      const outcome = await postToTarget(
        { url: receiver.url(), headers: {}, body: '{}' },
        { allowPrivate: true, clock: Date.now, userAgent: 'tmon-test' },
      );
      const took = performance.now() - started;
      assert.equal(outcome.error, 'timeout: no answer in 10 s');
      assert.ok(took >= 9_900 && took < 11_500, `${took} ms`);
      assert.equal(ATTEMPT_TIMEOUT_MS, 10_000);
    } finally {
      await receiver.close();
    }
  });
});
