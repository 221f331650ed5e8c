import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { postToTarget } from '../../src/alerts/delivery/http-sender.js';
import { blockedAddressKind, resolveSafeTarget } from '../../src/alerts/delivery/safe-target.js';
import { parseIp } from '../../src/enrich/ip-address.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

function kindOf(address: string): string | null {
  const ip = parseIp(address);
  assert.ok(ip, address);
  return blockedAddressKind(ip);
}

describe('webhook targets', () => {
  it('names every kind of address a webhook may not reach by default', () => {
    const blocked: Record<string, string> = {
      '127.0.0.1': 'a loopback address',
      '127.9.9.9': 'a loopback address',
      '::1': 'a loopback address',
      '10.1.2.3': 'a private address',
      '172.16.0.1': 'a private address',
      '172.31.255.255': 'a private address',
      '192.168.1.1': 'a private address',
      '169.254.1.1': 'a link-local address',
      'fe80::1': 'a link-local address',
      '100.64.0.1': 'a carrier-grade NAT address',
      '100.127.255.255': 'a carrier-grade NAT address',
      'fc00::1': 'a unique-local address',
      'fd12:3456::1': 'a unique-local address',
      '0.0.0.0': 'an unspecified address',
      '::': 'an unspecified address',
      '224.0.0.1': 'a multicast address',
      'ff02::1': 'a multicast address',
      '169.254.169.254': 'a cloud metadata address',
      'fd00:ec2::254': 'a cloud metadata address',
      '::ffff:127.0.0.1': 'a loopback address',
      '::ffff:10.0.0.1': 'a private address',
      '::ffff:169.254.169.254': 'a cloud metadata address',
      '64:ff9b::7f00:1': 'a loopback address',
    };
    for (const [address, kind] of Object.entries(blocked)) assert.equal(kindOf(address), kind, address);
    for (const address of [
      '93.184.216.34',
      '172.32.0.1',
      '100.128.0.1',
      '2606:4700::1111',
      '::ffff:8.8.8.8',
      '64:ff9b::808:808',
    ]) {
      assert.equal(kindOf(address), null, address);
    }
  });

  it('refuses URLs that are not http or https, and hosts that do not resolve', async () => {
    assert.deepEqual(await resolveSafeTarget('ftp://example.com/x', { allowPrivate: false }), {
      ok: false,
      error: 'the URL must start with http:// or https://, not ftp://',
      permanent: true,
    });
    assert.deepEqual(await resolveSafeTarget('not a url', { allowPrivate: false }), {
      ok: false,
      error: '"not a url" is not a URL',
      permanent: true,
    });
    // a resolver's NXDOMAIN, injected: the test asks no DNS server outside
    const unresolved = await resolveSafeTarget('https://nowhere.invalid/hook', {
      allowPrivate: false,
      resolveAll: async () => {
        throw Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.invalid'), { code: 'ENOTFOUND' });
      },
    });
    assert.deepEqual(unresolved, { ok: false, error: 'cannot resolve nowhere.invalid: ENOTFOUND', permanent: false });
  });

  it('refuses a name with one private address among public ones', async () => {
    const check = await resolveSafeTarget('https://mixed.example/hook', {
      allowPrivate: false,
      resolveAll: async () => [
        { address: '93.184.216.34', family: 4 },
        { address: '10.0.0.5', family: 4 },
      ],
    });
    assert.deepEqual(check, {
      ok: false,
      error:
        'refused target: mixed.example resolves to 10.0.0.5, a private address (TMON_ALERT_PRIVATE_TARGETS=1 allows it)',
      permanent: true,
    });
  });

  it('refuses localhost and a literal private address, and allows them with the setting on', async () => {
    const local = await resolveSafeTarget('http://localhost:9/hook', { allowPrivate: false });
    assert.equal(local.ok, false);
    assert.match(
      local.ok ? '' : local.error,
      /^refused target: localhost resolves to (127\.0\.0\.1|::1), a loopback address/,
    );
    const literal = await resolveSafeTarget('http://[::ffff:7f00:1]:9/hook', { allowPrivate: false });
    assert.match(literal.ok ? '' : literal.error, /resolves to 127\.0\.0\.1, a loopback address/);
    // other spellings of 127.0.0.1 and 0.0.0.0, as URL parsers read them
    for (const spelling of ['2130706433', '0x7f.1', '127.1', '0']) {
      const check = await resolveSafeTarget(`http://${spelling}:9/hook`, { allowPrivate: false });
      assert.match(check.ok ? '' : check.error, /^refused target: (127\.0\.0\.1|0\.0\.0\.0) resolves to/, spelling);
    }
    const allowed = await resolveSafeTarget('http://localhost:9/hook', { allowPrivate: true });
    assert.equal(allowed.ok, true);
  });

  describe('sending', () => {
    let receiver: WebhookReceiver;
    before(async () => {
      receiver = await startWebhookReceiver();
    });
    after(() => receiver.close());

    it('connects to the address it checked, not to what the name resolves to at connect time', async () => {
      // no DNS server knows rebind.test: the request can only arrive through the pinned lookup
      let lookups = 0;
      const outcome = await postToTarget(
        { url: `http://rebind.test:${receiver.port}/pinned`, headers: {}, body: '{}' },
        {
          allowPrivate: true,
          clock: Date.now,
          userAgent: 'tmon-test',
          resolveAll: async () => {
            lookups++;
            return [{ address: '127.0.0.1', family: 4 }];
          },
        },
      );
      assert.equal(outcome.error, null);
      assert.equal(outcome.status, 200);
      assert.equal(lookups, 1);
      const last = receiver.received.at(-1);
      assert.equal(last?.path, '/pinned');
      assert.equal(last?.headers.host, `rebind.test:${receiver.port}`);
    });

    it('may connect to any of the checked addresses: the receiver on 127.0.0.1 when ::1 comes first', async () => {
      const outcome = await postToTarget(
        { url: `http://two-families.test:${receiver.port}/either`, headers: {}, body: '{}' },
        {
          allowPrivate: true,
          clock: Date.now,
          userAgent: 'tmon-test',
          resolveAll: async () => [
            { address: '::1', family: 6 },
            { address: '127.0.0.1', family: 4 },
          ],
        },
      );
      assert.equal(outcome.error, null);
      assert.equal(receiver.received.at(-1)?.path, '/either');
    });

    it('refuses the receiver on 127.0.0.1 with the setting off, without connecting', async () => {
      const before = receiver.received.length;
      const outcome = await postToTarget(
        { url: receiver.url(), headers: {}, body: '{}' },
        { allowPrivate: false, clock: Date.now, userAgent: 'tmon-test' },
      );
      assert.equal(outcome.status, null);
      assert.equal(outcome.permanent, true);
      assert.match(outcome.error ?? '', /^refused target: 127\.0\.0\.1 resolves to 127\.0\.0\.1, a loopback address/);
      assert.equal(receiver.received.length, before);
    });
  });
});
