import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encryptGen1 } from '../../src/collect/gen1-aes.js';
import { signGen2 } from '../../src/collect/gen2-hmac.js';
import { identifyRequest, type SecretRequest } from '../../src/collect/identify.js';
import { openRequest } from '../../src/collect/open-request.js';
import { sealV2 } from '../../src/collect/v2-gcm.js';
import { formObject, GEN1_BODY, GEN2_BODY, OTHER_SECRET, SECRET, V2_BODY, V2_NOW } from './vectors.js';

const NOW = V2_NOW;
const EXPECTED_EVENT = {
  url: '/',
  ip: '8.8.8.8',
  useragent: 'x',
  username: null,
  ts: NOW,
  method: null,
  status: null,
  durationMs: null,
  referrer: null,
  id: null,
  extra: null,
};

function identified(body: unknown, kind: 'form' | 'json'): SecretRequest {
  const req = identifyRequest(body, kind);
  assert.ok(!('refused' in req), JSON.stringify(req));
  return req;
}

function codeOf(result: unknown): string {
  assert.ok(typeof result === 'object' && result !== null && 'refused' in result, 'expected a refusal');
  return (result as { refused: string }).refused;
}

const gen1 = identified(formObject(GEN1_BODY), 'form');
const gen2 = identified(formObject(GEN2_BODY), 'form');
const v2 = identified(JSON.parse(V2_BODY), 'json');

describe('openRequest', () => {
  it('opens the Gen 1 vector to its event, with no replay key', () => {
    assert.deepEqual(openRequest(gen1, [SECRET], NOW), {
      events: [EXPECTED_EVENT],
      replayKey: null,
      replayableUntil: null,
    });
  });

  it('opens the Gen 2 vector to its event, with no replay key', () => {
    assert.deepEqual(openRequest(gen2, [SECRET], NOW), {
      events: [EXPECTED_EVENT],
      replayKey: null,
      replayableUntil: null,
    });
  });

  it('opens the v2 vector at its clock, with the iv as replay key, replayable until its sent_at leaves the window', () => {
    assert.deepEqual(openRequest(v2, [SECRET], NOW), {
      events: [EXPECTED_EVENT],
      replayKey: 'AAECAwQFBgcICQoL',
      replayableUntil: V2_NOW + 300_000,
    });
  });

  it('counts how long a v2 request stays replayable from its sent_at, not from when it arrived', () => {
    for (const sentAt of [NOW - 299_000, NOW, NOW + 299_000]) {
      const sealed = sealV2(
        JSON.stringify({ sent_at: sentAt, events: [{ url: '/', ip: '8.8.8.8', useragent: 'x' }] }),
        {
          wsid: 1,
          secret: SECRET,
        },
      );
      const opened = openRequest({ protocol: 'v2', ...sealed }, [SECRET], NOW);
      assert.ok(!('refused' in opened), JSON.stringify(opened));
      assert.equal(opened.replayableUntil, sentAt + 300_000);
    }
  });

  it('refuses the v2 vector as stale against a real clock', () => {
    assert.equal(codeOf(openRequest(v2, [SECRET], Date.now())), 'stale');
  });

  it('accepts the previous secret when it is passed second', () => {
    for (const req of [gen1, gen2, v2]) {
      const opened = openRequest(req, [OTHER_SECRET, SECRET], NOW);
      assert.ok(!('refused' in opened), req.protocol);
      assert.deepEqual(opened.events, [EXPECTED_EVENT]);
    }
  });

  it('refuses Gen 1 under the wrong key as decryption_failed', () => {
    assert.deepEqual(openRequest(gen1, [OTHER_SECRET], NOW), {
      refused: 'decryption_failed',
      message: 'the data could not be decrypted with the service secret',
    });
  });

  it('refuses Gen 2 under the wrong key as bad_signature', () => {
    assert.equal(codeOf(openRequest(gen2, [OTHER_SECRET], NOW)), 'bad_signature');
  });

  it('refuses v2 under the wrong key as decryption_failed', () => {
    assert.equal(codeOf(openRequest(v2, [OTHER_SECRET, 'not a v2 secret é'], NOW)), 'decryption_failed');
  });

  it('refuses a service with no secrets', () => {
    assert.equal(codeOf(openRequest(gen1, [], NOW)), 'decryption_failed');
    assert.equal(codeOf(openRequest(gen2, [], NOW)), 'bad_signature');
    assert.equal(codeOf(openRequest(v2, [], NOW)), 'decryption_failed');
  });

  it('refuses bad base64 without trying further secrets', () => {
    for (const req of [gen1, gen2, v2]) {
      assert.equal(codeOf(openRequest({ ...req, data: '%%%%' }, [OTHER_SECRET, SECRET], NOW)), 'bad_base64');
    }
  });

  it('answers an event refusal once the key is proven right', () => {
    const bad = '{"url":"/","ip":"nope","useragent":"x"}';
    const g1: SecretRequest = { protocol: 'gen1', wsid: 1, data: encryptGen1(bad, SECRET) };
    const g2: SecretRequest = { protocol: 'gen2', wsid: 1, ...signGen2(bad, SECRET) };
    for (const req of [g1, g2]) {
      assert.deepEqual(openRequest(req, [OTHER_SECRET, SECRET], NOW), {
        refused: 'invalid_field',
        message: 'ip is not a valid IP address',
      });
    }
  });

  it('answers bad_json for a signed Gen 2 payload that is not JSON', () => {
    const req: SecretRequest = { protocol: 'gen2', wsid: 1, ...signGen2('not json', SECRET) };
    assert.equal(codeOf(openRequest(req, [SECRET], NOW)), 'bad_json');
  });

  it('refuses a v2 batch with one bad event, naming its index', () => {
    const plaintext = JSON.stringify({
      sent_at: NOW,
      events: [
        { url: '/', ip: '8.8.8.8', useragent: 'x' },
        { url: '/', useragent: 'x' },
      ],
    });
    const req = identified(sealV2(plaintext, { wsid: 7, secret: SECRET }), 'json');
    assert.deepEqual(openRequest(req, [SECRET], NOW), { refused: 'bad_event', message: 'event 1: ip is missing' });
  });
});
