/**
 * The socket front's request head reader: the one kind of request it takes
 * (a plain collect request), and everything it leaves to node:http — above
 * all whatever could make two parsers disagree on where a request ends.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_HEAD_BYTES, readCollectHead } from '../../src/web/collect/request-head.js';

const FORM = 'application/x-www-form-urlencoded';
const LINE = 'POST /data/collect HTTP/1.1\r\n';

const head = (headerLines: string[], requestLine = LINE) =>
  Buffer.from(`${requestLine}${headerLines.map((h) => `${h}\r\n`).join('')}\r\n`, 'latin1');
const plain = ['Host: tmon.example', `Content-Type: ${FORM}`, 'Content-Length: 42'];

describe('the collect request head', () => {
  it('takes a plain collect request: kind, where the body starts, its length', () => {
    const bytes = head(plain);
    assert.deepEqual(readCollectHead(Buffer.concat([bytes, Buffer.from('wsid=1&data=…')])), {
      read: 'collect',
      kind: 'form',
      headBytes: bytes.length,
      bodyBytes: 42,
      acceptEncoding: undefined,
      authorization: undefined,
      close: false,
    });
    const json = readCollectHead(
      head(['host: x', 'content-type: application/json; charset=utf-8', 'content-length: 9']),
    );
    assert.equal(json.read === 'collect' && json.kind, 'json');
  });

  it('reads names in any case, values without their surrounding blanks, repeated Accept-Encodings joined', () => {
    const reading = readCollectHead(
      head([
        'HOST:x',
        `CONTENT-type: \t${FORM} \t`,
        'content-LENGTH:   7',
        'Accept-Encoding: br',
        'accept-encoding: gzip',
        'User-Agent: T-Mon client/1.0',
      ]),
    );
    assert.equal(reading.read, 'collect');
    assert.equal(reading.read === 'collect' && reading.bodyBytes, 7);
    assert.equal(reading.read === 'collect' && reading.acceptEncoding, 'br, gzip');
  });

  it("carries a bearer batch's Authorization, and leaves a request with two to node:http", () => {
    const reading = readCollectHead(head([...plain, 'Authorization:  Bearer tmon_abc ']));
    assert.equal(reading.read === 'collect' && reading.authorization, 'Bearer tmon_abc');
    const twice = head([...plain, 'Authorization: Bearer a', 'authorization: Bearer b']);
    assert.deepEqual(readCollectHead(twice), { read: 'elsewhere' });
  });

  it('notes a Connection: close among the connection options', () => {
    for (const [value, close] of [
      ['close', true],
      ['Keep-Alive, Close', true],
      ['keep-alive', false],
    ] as const) {
      const reading = readCollectHead(head([...plain, `Connection: ${value}`]));
      assert.equal(reading.read === 'collect' && reading.close, close, value);
    }
  });

  it('waits for more while the head is incomplete and nothing rules it out', () => {
    const whole = head(plain);
    for (const cut of [1, 4, LINE.length - 1, LINE.length, LINE.length + 10, whole.length - 1]) {
      assert.deepEqual(readCollectHead(whole.subarray(0, cut)), { read: 'incomplete' }, `first ${cut} bytes`);
    }
  });

  it('leaves every other request line to node:http, from its first differing byte', () => {
    for (const line of [
      'GET /data/collect HTTP/1.1\r\n',
      'post /data/collect HTTP/1.1\r\n',
      'POST /data/collect?wsid=1 HTTP/1.1\r\n',
      'POST /data/collectx HTTP/1.1\r\n',
      'POST /data/collect HTTP/1.0\r\n',
      'POST /data/collect HTTP/1.1\n',
      'POST  /data/collect HTTP/1.1\r\n',
    ]) {
      assert.deepEqual(readCollectHead(head(plain, line)), { read: 'elsewhere' }, JSON.stringify(line));
    }
    assert.deepEqual(readCollectHead(Buffer.from('G')), { read: 'elsewhere' }, 'one byte decides');
  });

  it('leaves to node:http whatever it would have to refuse or frame differently', () => {
    const withHost = (...lines: string[]) => ['Host: x', ...lines];
    const cases: [string, string[]][] = [
      ['no Host', [`Content-Type: ${FORM}`, 'Content-Length: 4']],
      ['two Hosts', [...plain, 'Host: y']],
      ['no headers at all', []],
      ['no Content-Length', withHost(`Content-Type: ${FORM}`)],
      ['two Content-Lengths', [...plain, 'Content-Length: 42']],
      ['a signed Content-Length', withHost(`Content-Type: ${FORM}`, 'Content-Length: +4')],
      ['a Content-Length list', withHost(`Content-Type: ${FORM}`, 'Content-Length: 4, 4')],
      ['a hex Content-Length', withHost(`Content-Type: ${FORM}`, 'Content-Length: 0x10')],
      ['an empty body', withHost(`Content-Type: ${FORM}`, 'Content-Length: 0')],
      ['a form over 64 KiB', withHost(`Content-Type: ${FORM}`, `Content-Length: ${64 * 1024 + 1}`)],
      ['JSON over 1 MiB', withHost('Content-Type: application/json', `Content-Length: ${1024 * 1024 + 1}`)],
      ['Transfer-Encoding', [...plain, 'Transfer-Encoding: chunked']],
      ['Transfer-Encoding alone', withHost(`Content-Type: ${FORM}`, 'Transfer-Encoding: chunked')],
      ['a compressed body (fastify decodes it)', [...plain, 'Content-Encoding: gzip']],
      ['Content-Encoding in another case', [...plain, 'content-ENCODING: identity']],
      ['Expect', [...plain, 'Expect: 100-continue']],
      ['Upgrade', [...plain, 'Upgrade: websocket']],
      ['Connection: upgrade', [...plain, 'Connection: Upgrade']],
      ['another content type', withHost('Content-Type: text/plain', 'Content-Length: 4')],
      ['another spelling of one', withHost('Content-Type: Application/JSON', 'Content-Length: 4')],
      ['two content types', [...plain, 'Content-Type: application/json']],
      ['no content type', withHost('Content-Length: 4')],
      ['obsolete line folding', [...plain, 'X-Long: a', ' b']],
      ['a space before the colon', [...plain, 'X-Space : a']],
      ['a line without a colon', [...plain, 'X-Nothing']],
      ['an empty name', [...plain, ': a']],
      ['a control character in a value', [...plain, 'X-Ctl: a\u0001b']],
      ['a bare CR in a value', [...plain, 'X-Cr: a\rb']],
      ['a bare LF between headers', ['Host: x\nContent-Length: 4', `Content-Type: ${FORM}`]],
      ['DEL in a value', [...plain, 'X-Del: a\u007f']],
    ];
    for (const [what, lines] of cases) assert.deepEqual(readCollectHead(head(lines)), { read: 'elsewhere' }, what);
  });

  it('leaves a head longer than 8 KiB to node:http (which answers 431 past its own limit)', () => {
    const long = head([...plain, `X-Pad: ${'a'.repeat(MAX_HEAD_BYTES)}`]);
    assert.deepEqual(readCollectHead(long), { read: 'elsewhere' }, 'whole');
    assert.deepEqual(readCollectHead(long.subarray(0, MAX_HEAD_BYTES + 1)), { read: 'elsewhere' }, 'unfinished');
  });
});
