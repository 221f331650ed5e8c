import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { generateMessageId, generateWebhookSecret, signWebhook } from '../../src/alerts/delivery/standard-webhooks.js';

const BODY = '{"type":"alert.fired","message":"shop: 1,240 requests in 5 min"}';

describe('Standard Webhooks signing', () => {
  it('makes whsec_ secrets of 24 random bytes and msg_ ids, each different', () => {
    const secret = generateWebhookSecret();
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{32}$/);
    assert.equal(Buffer.from(secret.slice(6), 'base64').length, 24);
    assert.notEqual(generateWebhookSecret(), secret);
    assert.match(generateMessageId(), /^msg_[A-Za-z0-9_-]{22}$/);
    assert.notEqual(generateMessageId(), generateMessageId());
  });

  it('signs as the standardwebhooks library does, and its verifier accepts it', () => {
    const secret = generateWebhookSecret();
    const at = Date.now();
    const headers = signWebhook({ messageId: 'msg_1', at, body: BODY, secret });
    assert.equal(headers['webhook-id'], 'msg_1');
    assert.equal(headers['webhook-timestamp'], String(Math.floor(at / 1000)));
    const webhook = new Webhook(secret);
    assert.equal(headers['webhook-signature'], webhook.sign('msg_1', new Date(Math.floor(at / 1000) * 1000), BODY));
    assert.deepEqual(webhook.verify(BODY, { ...headers }), JSON.parse(BODY));
  });

  it('is refused by the verifier for a tampered body, a wrong secret, another id and an old timestamp', () => {
    const secret = generateWebhookSecret();
    const now = Date.now();
    const headers = { ...signWebhook({ messageId: 'msg_1', at: now, body: BODY, secret }) };
    const webhook = new Webhook(secret);
    assert.throws(() => webhook.verify(BODY.replace('1,240', '9,999'), headers), WebhookVerificationError);
    assert.throws(() => new Webhook(generateWebhookSecret()).verify(BODY, headers), WebhookVerificationError);
    assert.throws(() => webhook.verify(BODY, { ...headers, 'webhook-id': 'msg_2' }), WebhookVerificationError);
    // the verifier allows 5 minutes each way: 10 minutes old is a replay
    const old = { ...signWebhook({ messageId: 'msg_1', at: now - 10 * 60_000, body: BODY, secret }) };
    assert.throws(() => webhook.verify(BODY, old), /too old/);
  });
});
