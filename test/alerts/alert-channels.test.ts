import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { isChannelRefusal, MAX_CHANNELS_PER_SERVICE } from '../../src/alerts/delivery/alert-channels.js';
import type { Notification } from '../../src/alerts/notification.js';
import { type Harness, startHarness } from '../support/alert-delivery-harness.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

describe('alert channels', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ allowPrivate: true });
  });
  afterEach(() => h.close());

  it('refuses each kind of bad input with bad_request and its reason, and stores nothing', async () => {
    const cases: Array<[input: { name: unknown; kind: unknown; target: unknown }, message: string]> = [
      [{ name: '', kind: 'webhook', target: 'https://x.example/h' }, 'a channel needs a name'],
      [{ name: 42, kind: 'webhook', target: 'https://x.example/h' }, 'a channel needs a name'],
      [
        { name: 'n'.repeat(65), kind: 'webhook', target: 'https://x.example/h' },
        'a channel name has at most 64 characters, this one 65',
      ],
      [
        { name: 'a\nb', kind: 'webhook', target: 'https://x.example/h' },
        'a channel name may not hold control characters',
      ],
      [
        { name: 'n', kind: 'pager', target: 'https://x.example/h' },
        'a channel\'s kind is one of webhook, slack, discord, email, not "pager"',
      ],
      [{ name: 'n', kind: 'webhook', target: '' }, 'a webhook channel needs a URL'],
      [
        { name: 'n', kind: 'slack', target: 'hooks.slack.com/x' },
        'a slack channel\'s target: "hooks.slack.com/x" is not a URL',
      ],
      [
        { name: 'n', kind: 'discord', target: 'file:///etc/passwd' },
        "a discord channel's target: the URL must start with http:// or https://, not file://",
      ],
      [
        { name: 'n', kind: 'webhook', target: `https://x.example/${'a'.repeat(2048)}` },
        'a channel URL has at most 2048 characters, this one 2066',
      ],
      [{ name: 'n', kind: 'email', target: ' , ' }, 'an e-mail channel needs an address'],
      [
        { name: 'n', kind: 'email', target: 'ops@example.com, not-an-address' },
        '"not-an-address" is not an e-mail address',
      ],
      [
        { name: 'n', kind: 'email', target: 'Ops <ops@example.com>' },
        '"Ops <ops@example.com>" is not an e-mail address',
      ],
      [
        { name: 'n', kind: 'email', target: Array.from({ length: 11 }, (_, i) => `u${i}@example.com`).join(',') },
        'an e-mail channel has at most 10 addresses, this one 11',
      ],
    ];
    for (const [input, message] of cases) {
      assert.deepEqual(await h.channels.create(h.service.id, input), { refused: 'bad_request', message }, message);
    }
    assert.deepEqual(await h.channels.list(h.service.id), []);
  });

  it('shows a webhook secret once, at creation: lists and edits never show it', async () => {
    const created = await h.addChannel('webhook', 'https://hooks.example.com/tmon', 'ops');
    assert.match(created.secret ?? '', /^whsec_/);
    const [listed] = await h.channels.list(h.service.id);
    assert.ok(listed !== undefined && !('secret' in listed));
    const edited = await h.channels.update(h.service.id, created.id, { name: 'ops 2' });
    assert.ok(!isChannelRefusal(edited) && !('secret' in edited));
    assert.equal(edited.name, 'ops 2');
    assert.equal(edited.target, 'https://hooks.example.com/tmon');
    const slack = await h.addChannel('slack', 'https://hooks.slack.com/services/T0/B0/x');
    assert.equal(slack.secret, null);
  });

  it('edits a target with the checks of its kind', async () => {
    const mail = await h.addChannel('email', 'ops@example.com');
    assert.deepEqual(await h.channels.update(h.service.id, mail.id, { target: 'https://x.example' }), {
      refused: 'bad_request',
      message: '"https://x.example" is not an e-mail address',
    });
    const edited = await h.channels.update(h.service.id, mail.id, { target: ' a@example.com ,b@example.com ' });
    assert.ok(!isChannelRefusal(edited));
    assert.equal(edited.target, 'a@example.com, b@example.com');
  });

  it(`refuses a channel beyond ${MAX_CHANNELS_PER_SERVICE} per service with conflict`, async () => {
    for (let i = 0; i < MAX_CHANNELS_PER_SERVICE; i++)
      await h.addChannel('slack', 'https://hooks.example.com/x', `c${i}`);
    assert.deepEqual(
      await h.channels.create(h.service.id, { name: 'one more', kind: 'slack', target: 'https://hooks.example.com/x' }),
      {
        refused: 'conflict',
        message: `service ${h.service.id} has 20 channels, the most a service may have: remove one first`,
      },
    );
    assert.equal((await h.channels.list(h.service.id)).length, MAX_CHANNELS_PER_SERVICE);
  });

  it("answers not_found for another service's channel, and for none", async () => {
    const created = await h.addChannel('slack', 'https://hooks.example.com/x');
    const otherService = h.service.id + 1;
    const notFound = { refused: 'not_found', message: `service ${otherService} has no channel with id ${created.id}` };
    assert.deepEqual(await h.channels.update(otherService, created.id, { name: 'x' }), notFound);
    assert.deepEqual(await h.channels.remove(otherService, created.id), notFound);
    assert.deepEqual(await h.channels.sendTest(otherService, created.id), notFound);
    assert.deepEqual(await h.channels.deliveryLog(otherService, created.id), notFound);
    assert.equal(await h.channels.remove(h.service.id, created.id), true);
    assert.deepEqual(await h.channels.remove(h.service.id, created.id), {
      refused: 'not_found',
      message: `service ${h.service.id} has no channel with id ${created.id}`,
    });
  });

  describe('send a test', () => {
    let receiver: WebhookReceiver;
    beforeEach(async () => {
      receiver = await startWebhookReceiver();
    });
    afterEach(() => receiver.close());

    it('sends an alert.test notification at once through the running worker, signed, and logs it', async () => {
      const channel = await h.addChannel('webhook', receiver.url(), 'ops hook');
      // the worker polls each second; a test send does not wait for the poll
      h.worker.start();
      const received = new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          if (receiver.received.length > 0) {
            clearInterval(timer);
            resolve();
          }
        }, 5);
      });
      const started = performance.now();
      const delivery = await h.channels.sendTest(h.service.id, channel.id);
      assert.ok(!isChannelRefusal(delivery));
      await received;
      assert.ok(performance.now() - started < 900, 'sent before the next poll');
      const [request] = receiver.received;
      const notification = new Webhook(channel.secret as string).verify(
        request?.body ?? '',
        request?.headers as Record<string, string>,
      ) as Notification;
      assert.equal(notification.type, 'alert.test');
      assert.equal(notification.rule, null);
      assert.equal(notification.message, 'shop: a test notification from tmon to channel "ops hook"');
      assert.equal(request?.headers['webhook-id'], delivery.messageId);
      let log = await h.channels.deliveryLog(h.service.id, channel.id);
      for (let i = 0; i < 100 && !isChannelRefusal(log) && log[0]?.status !== 'delivered'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        log = await h.channels.deliveryLog(h.service.id, channel.id);
      }
      assert.ok(!isChannelRefusal(log));
      assert.equal(log[0]?.status, 'delivered');
      assert.equal(log[0]?.transitionId, null);
    });
  });
});
