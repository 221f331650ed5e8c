import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { anonymizeIp } from '../../src/enrich/anonymize-ip.js';

describe('anonymizing addresses', () => {
  test('truncates IPv4 to its /24', () => {
    assert.equal(anonymizeIp('81.2.69.142'), '81.2.69.0');
    assert.equal(anonymizeIp('8.8.8.8'), '8.8.8.0');
    assert.equal(anonymizeIp('255.255.255.255'), '255.255.255.0');
    assert.equal(anonymizeIp('10.0.0.0'), '10.0.0.0');
  });

  test('truncates IPv6 to its /48 in canonical text', () => {
    assert.equal(anonymizeIp('2001:db8:1:2:3:4:5:6'), '2001:db8:1::');
    assert.equal(anonymizeIp('2001:0DB8:0001:ffff::1'), '2001:db8:1::');
    assert.equal(anonymizeIp('2a03:2880:f003:c07:face:b00c::2'), '2a03:2880:f003::');
    assert.equal(anonymizeIp('2001:4860:4860::8888'), '2001:4860:4860::');
  });

  test('keeps zero groups inside the /48 in canonical form', () => {
    assert.equal(anonymizeIp('2001:0:1:2::1'), '2001:0:1::');
    assert.equal(anonymizeIp('2001::1'), '2001::');
    assert.equal(anonymizeIp('::1'), '::');
    assert.equal(anonymizeIp('fe80::1%eth0'), 'fe80::');
  });

  test('treats an IPv4-mapped IPv6 address as the IPv4 client it is', () => {
    assert.equal(anonymizeIp('::ffff:81.2.69.142'), '81.2.69.0');
    assert.equal(anonymizeIp('::FFFF:5102:458e'), '81.2.69.0');
  });

  test('refuses text that is not an address', () => {
    for (const text of ['', 'localhost', '81.2.69', '081.2.69.142', '1.2.3.4.5', '2001:db8::1::2']) {
      assert.throws(() => anonymizeIp(text), /not an IP address/, text);
    }
  });
});
