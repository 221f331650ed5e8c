/**
 * The collect fast path on its own: which requests it takes off the socket
 * and which it leaves to fastify, and how it answers, reads bodies and
 * fails. That both ways answer every request alike is the collect suites'
 * part: they run once injected into fastify and once over a socket.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import type { CollectBody } from '../../src/collect/identify.js';
import { loadConfig } from '../../src/config.js';
import { type CollectFastPath, createCollectFastPath, fastPathKind } from '../../src/web/collect/fast-path.js';
import type { CollectHandler } from '../../src/web/collect/handle-collect.js';
import { connectionLimits } from '../../src/web/connection-limits.js';
import { waitFor } from '../support/client-helpers.js';

const FORM = 'application/x-www-form-urlencoded';

function request(method: string, url: string, headers: Record<string, string>): http.IncomingMessage {
  return { method, url, headers } as http.IncomingMessage;
}

describe('which collect requests the fast path takes', () => {
  const post = (headers: Record<string, string>, url = '/data/collect') => request('POST', url, headers);

  it('takes a form or JSON POST of a declared length within its limit', () => {
    assert.equal(fastPathKind(post({ 'content-type': FORM, 'content-length': '120' }), true), 'form');
    assert.equal(fastPathKind(post({ 'content-type': `${FORM}; charset=utf-8`, 'content-length': '9' }), true), 'form');
    assert.equal(fastPathKind(post({ 'content-type': 'application/json', 'content-length': '9' }), true), 'json');
    const charset = { 'content-type': 'application/json; charset=utf-8', 'content-length': String(1024 * 1024) };
    assert.equal(fastPathKind(post(charset), true), 'json');
    assert.equal(fastPathKind(post({ 'content-type': FORM, 'content-length': String(64 * 1024) }), true), 'form');
  });

  it('leaves to fastify what it would refuse or read differently', () => {
    const form = { 'content-type': FORM, 'content-length': '120' };
    const left = [
      ['another method', request('GET', '/data/collect', form)],
      ['another path', post(form, '/data/other')],
      ['a query string', post(form, '/data/collect?wsid=1')],
      ['another content type', post({ ...form, 'content-type': 'text/plain' })],
      ['another spelling of one', post({ ...form, 'content-type': 'Application/JSON' })],
      ['a chunked body', post({ 'content-type': FORM, 'transfer-encoding': 'chunked' })],
      ['a chunked body with a length too', post({ ...form, 'transfer-encoding': 'chunked' })],
      ['a compressed body (fastify decodes it)', post({ ...form, 'content-encoding': 'gzip' })],
      ['no declared length', post({ 'content-type': FORM })],
      ['an empty body', post({ ...form, 'content-length': '0' })],
      ['a form over 64 KiB', post({ ...form, 'content-length': String(64 * 1024 + 1) })],
      ['JSON over 1 MiB', post({ 'content-type': 'application/json', 'content-length': String(1024 * 1024 + 1) })],
      ['a length that is not a number', post({ ...form, 'content-length': 'abc' })],
    ] as const;
    for (const [what, req] of left) assert.equal(fastPathKind(req, true), null, what);
    assert.equal(fastPathKind(post(form), false), null, 'a closing server: fastify answers 503');
  });
});

// first as tmon runs: the socket front reads the plain requests off the socket; then node:http alone
for (const socketFront of [true, false])
  describe(`the fast path over a socket (${socketFront ? 'socket front' : 'node:http reads every request'})`, () => {
    let fastPath: CollectFastPath;
    let server: http.Server;
    let port: number;
    const bodies: CollectBody[] = [];
    const toFastify: string[] = [];
    const logged: { level: string; message: string }[] = [];
    let answer: Awaited<ReturnType<CollectHandler>> | Error = {
      status: 200,
      body: { status: 200, status_code: 200, accepted: 1 },
    };

    before(async () => {
      const handle: CollectHandler = async (body) => {
        bodies.push(body);
        if (answer instanceof Error) throw answer;
        return answer;
      };
      const log = {
        error: (_details: unknown, message: string) => logged.push({ level: 'error', message }),
        debug: (_details: unknown, message: string) => logged.push({ level: 'debug', message }),
        warn: (message: string) => logged.push({ level: 'warn', message }),
      };
      const limits = connectionLimits(loadConfig({}, {}, '/'));
      fastPath = createCollectFastPath({ handle, log, debug: false, limits, socketFront });
      server = fastPath.serverFactory((req, res) => {
        toFastify.push(`${req.method} ${req.url}`);
        res.writeHead(204).end();
      }, {}) as http.Server;
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as net.AddressInfo).port;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const send = (method: string, headers: Record<string, string>, payload: string) =>
      new Promise<{ status: number; headers: http.IncomingHttpHeaders; payload: Buffer }>((resolve, reject) => {
        const req = http.request({ port, host: '127.0.0.1', method, path: '/data/collect', headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.once('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, payload: Buffer.concat(chunks) }),
          );
        });
        req.once('error', reject);
        req.end(payload);
      });

    it('reads the whole body as UTF-8 and writes the handler answer, with fastify never seeing the request', async () => {
      const text = `wsid=1&data=${'é'.repeat(20_000)}`; // several chunks, a character split between two
      const res = await send('POST', { 'content-type': FORM, 'content-length': String(Buffer.byteLength(text)) }, text);
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
      assert.equal(res.headers['content-length'], String(res.payload.length));
      assert.deepEqual(JSON.parse(res.payload.toString()), { status: 200, status_code: 200, accepted: 1 });
      assert.deepEqual(bodies.at(-1), { kind: 'form', text });
      assert.deepEqual(toFastify, []);
    });

    it('gzips when accepted and sends the retry hint of a refusal that passes', async () => {
      answer = {
        status: 503,
        body: { status: 503, status_code: 503, error: 'overloaded', message: 'busy' },
        retryAfter: 1,
      };
      try {
        const payload = '{"v":2}';
        const headers = { 'content-type': 'application/json', 'accept-encoding': 'gzip', 'content-length': '7' };
        const res = await send('POST', headers, payload);
        assert.equal(res.status, 503);
        assert.equal(res.headers['retry-after'], '1');
        assert.equal(res.headers['content-encoding'], 'gzip');
        assert.equal(JSON.parse(gunzipSync(res.payload).toString()).error, 'overloaded');
        assert.deepEqual(bodies.at(-1), { kind: 'json', text: payload });
      } finally {
        answer = { status: 200, body: { status: 200, status_code: 200, accepted: 1 } };
      }
    });

    it('hands every other request to fastify', async () => {
      await send('GET', {}, '');
      await send('POST', { 'content-type': 'text/plain', 'content-length': '2' }, 'hi');
      await send('POST', { 'content-type': FORM, 'transfer-encoding': 'chunked' }, 'wsid=1');
      assert.deepEqual(toFastify, ['GET /data/collect', 'POST /data/collect', 'POST /data/collect']);
    });

    it('answers 500 and logs it when the handler fails, and keeps serving', async () => {
      answer = new Error('a bug');
      try {
        const res = await send('POST', { 'content-type': FORM, 'content-length': '6' }, 'wsid=1');
        assert.equal(res.status, 500);
        assert.deepEqual(JSON.parse(res.payload.toString()), {
          status: 500,
          status_code: 500,
          error: 'internal',
          message: 'internal error',
        });
        assert.deepEqual(logged.at(-1), { level: 'error', message: 'collect: answering failed' });
      } finally {
        answer = { status: 200, body: { status: 200, status_code: 200, accepted: 1 } };
      }
      assert.equal((await send('POST', { 'content-type': FORM, 'content-length': '6' }, 'wsid=1')).status, 200);
    });

    it('collects nothing from a sender that goes away mid-body, and keeps serving', async () => {
      const handled = bodies.length;
      const socket = net.connect(port, '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write(
        `POST /data/collect HTTP/1.1\r\nhost: x\r\ncontent-type: ${FORM}\r\ncontent-length: 100\r\n\r\nwsid=1`,
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      socket.destroy();
      await waitFor(() => logged.some((entry) => entry.message === 'collect: the request body was cut off'));
      assert.equal(bodies.length, handled);
      assert.equal((await send('POST', { 'content-type': FORM, 'content-length': '6' }, 'wsid=1')).status, 200);
    });

    it('hands everything to fastify once stopped (fastify answers 503 while it closes)', async () => {
      const before = toFastify.length;
      fastPath.stop();
      const res = await send('POST', { 'content-type': FORM, 'content-length': '6' }, 'wsid=1');
      assert.equal(res.status, 204);
      assert.deepEqual(toFastify.slice(before), ['POST /data/collect']);
    });
  });
