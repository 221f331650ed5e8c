import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bareAddress, firstForwardedHop } from '../../src/logs/client-address.js';
import { splitRequestLine } from '../../src/logs/request-line.js';

describe('splitRequestLine', () => {
  it('splits METHOD TARGET PROTOCOL', () => {
    assert.deepEqual(splitRequestLine('GET /a?b=1 HTTP/1.1'), {
      method: 'GET',
      target: '/a?b=1',
      protocol: 'HTTP/1.1',
    });
    assert.deepEqual(splitRequestLine('OPTIONS * HTTP/2.0'), { method: 'OPTIONS', target: '*', protocol: 'HTTP/2.0' });
    assert.deepEqual(splitRequestLine('CONNECT example.com:443 HTTP/1.1'), {
      method: 'CONNECT',
      target: 'example.com:443',
      protocol: 'HTTP/1.1',
    });
  });

  it('keeps a target with a space in it (sent unencoded)', () => {
    assert.deepEqual(splitRequestLine('GET /a b HTTP/1.1'), { method: 'GET', target: '/a b', protocol: 'HTTP/1.1' });
  });

  it('refuses what is not a request line', () => {
    for (const text of [
      '-',
      '',
      'GET /',
      'GET  HTTP/1.1',
      'get / HTTP/1.1',
      '\u0016\u0003\u0001 x HTTP/1.1',
      'GET / FTP/1.0',
      ' / HTTP/1.1',
    ]) {
      assert.equal(splitRequestLine(text), null, JSON.stringify(text));
    }
  });
});

describe('bareAddress', () => {
  it('keeps a bare address as written', () => {
    assert.equal(bareAddress('192.0.2.1'), '192.0.2.1');
    assert.equal(bareAddress('2001:db8::1'), '2001:db8::1');
    assert.equal(bareAddress('::ffff:192.0.2.1'), '::ffff:192.0.2.1');
  });

  it('removes brackets and a port', () => {
    assert.equal(bareAddress('192.0.2.1:51234'), '192.0.2.1');
    assert.equal(bareAddress('[2001:db8::1]:443'), '2001:db8::1');
    assert.equal(bareAddress('[2001:db8::1]'), '2001:db8::1');
  });

  it('refuses names and junk', () => {
    for (const text of ['-', '', 'localhost', 'client.example.net:80', '[2001:db8::1', '999.1.1.1', '[example]:1']) {
      assert.equal(bareAddress(text), null, text);
    }
  });
});

describe('firstForwardedHop', () => {
  it('takes the first hop, trimmed, without a port', () => {
    assert.equal(firstForwardedHop('203.0.113.9, 10.0.0.1'), '203.0.113.9');
    assert.equal(firstForwardedHop(' 2001:db8::5 ,10.0.0.1'), '2001:db8::5');
    assert.equal(firstForwardedHop('[2001:db8::5]:1234'), '2001:db8::5');
  });

  it('gives null for a missing value or a first hop that is no address', () => {
    for (const value of [null, '', '-', 'unknown, 10.0.0.1', '_hidden']) assert.equal(firstForwardedHop(value), null);
  });
});
