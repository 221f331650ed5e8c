/**
 * The collect socket front over real sockets: connections it keeps (keep-
 * alive, pipelining, requests in pieces, Connection: close, half-close,
 * timeouts, closing) and connections it hands to node:http mid-way, unread
 * bytes included. How it answers each request is the fast path's suite
 * (collect-fast-path.test.ts), which runs with and without the front.
 */
import assert from 'node:assert/strict';
import type http from 'node:http';
import net from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { CollectBody } from '../../src/collect/identify.js';
import { loadConfig } from '../../src/config.js';
import { type CollectFastPath, createCollectFastPath } from '../../src/web/collect/fast-path.js';
import type { CollectHandler } from '../../src/web/collect/handle-collect.js';
import { connectionLimits } from '../../src/web/connection-limits.js';
import { waitFor } from '../support/client-helpers.js';

const FORM = 'application/x-www-form-urlencoded';

/** a plain collect request whose body is `wsid=<n>` */
function collectRequest(n: number, extraHeaders: string[] = []): string {
  const body = `wsid=${n}`;
  const headers = ['Host: x', `Content-Type: ${FORM}`, `Content-Length: ${body.length}`, ...extraHeaders];
  return `POST /data/collect HTTP/1.1\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n${body}`;
}

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Reads HTTP answers off a raw socket as they come, in order. */
class RawClient {
  readonly socket: net.Socket;
  #buffered = Buffer.alloc(0);
  readonly #answers: RawAnswer[] = [];
  #closed = false;

  constructor(port: number, options: { allowHalfOpen?: boolean } = {}) {
    this.socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: options.allowHalfOpen ?? false });
    this.socket.on('data', (chunk: Buffer) => {
      this.#buffered = Buffer.concat([this.#buffered, chunk]);
      this.#parse();
    });
    this.socket.on('close', () => {
      this.#closed = true;
    });
    this.socket.on('error', () => {});
  }

  connected(): Promise<void> {
    return new Promise((resolve) => this.socket.once('connect', () => resolve()));
  }

  async answers(count: number): Promise<RawAnswer[]> {
    await waitFor(() => this.#answers.length >= count);
    return this.#answers.splice(0, count);
  }

  get answered(): number {
    return this.#answers.length;
  }

  async closed(): Promise<void> {
    await waitFor(() => this.#closed);
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  #parse(): void {
    for (;;) {
      const end = this.#buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [statusLine, ...lines] = this.#buffered.toString('latin1', 0, end).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = Number(headers['content-length'] ?? 0);
      if (this.#buffered.length < end + 4 + length) return;
      const body = this.#buffered.toString('utf8', end + 4, end + 4 + length);
      this.#buffered = this.#buffered.subarray(end + 4 + length);
      this.#answers.push({ status: Number(statusLine?.split(' ')[1]), headers, body });
    }
  }
}

describe('the collect socket front', () => {
  let fastPath: CollectFastPath;
  let server: http.Server;
  let port: number;
  const bodies: CollectBody[] = [];
  const toFastify: string[] = [];
  /** requests node:http parsed (its server's 'request' event): none of those the front reads */
  const parsedByHttp: string[] = [];
  /** per wsid, how long the handler takes to answer */
  const delays = new Map<string, number>();
  /** per wsid, a message that makes the answer this large */
  const answerSizes = new Map<string, number>();

  before(async () => {
    const handle: CollectHandler = async (body) => {
      bodies.push(body);
      const delay = delays.get(body.text) ?? 0;
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      const size = answerSizes.get(body.text);
      if (size !== undefined) {
        return { status: 503, body: { status: 503, status_code: 503, error: 'busy', message: 'x'.repeat(size) } };
      }
      return { status: 200, body: { status: 200, status_code: 200, accepted: 1 } };
    };
    const log = { error: () => {}, debug: () => {}, warn: () => {} };
    fastPath = createCollectFastPath({ handle, log, debug: false, limits: connectionLimits(loadConfig({}, {}, '/')) });
    server = fastPath.serverFactory((req, res) => {
      toFastify.push(`${req.method} ${req.url}`);
      req.resume();
      req.once('end', () => res.writeHead(204).end());
    }, {}) as http.Server;
    server.on('request', (req: http.IncomingMessage) => parsedByHttp.push(`${req.method} ${req.url}`));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    bodies.length = 0;
    toFastify.length = 0;
    parsedByHttp.length = 0;
    delays.clear();
    answerSizes.clear();
  });

  const client = async (options?: { allowHalfOpen?: boolean }) => {
    const raw = new RawClient(port, options);
    await raw.connected();
    return raw;
  };
  const texts = () => bodies.map((body) => body.text);

  it('answers request after request on one kept-alive connection, as node:http would', async () => {
    const raw = await client();
    for (const n of [1, 2, 3]) {
      raw.socket.write(collectRequest(n));
      const [answer] = await raw.answers(1);
      assert.equal(answer?.status, 200);
      assert.deepEqual(JSON.parse(answer?.body ?? ''), { status: 200, status_code: 200, accepted: 1 });
      assert.equal(answer?.headers.connection, 'keep-alive');
      assert.equal(answer?.headers['keep-alive'], 'timeout=72');
      assert.match(answer?.headers.date ?? '', /^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    }
    assert.deepEqual(texts(), ['wsid=1', 'wsid=2', 'wsid=3']);
    assert.deepEqual(parsedByHttp, [], 'node:http parsed none of them');
    raw.socket.destroy();
  });

  it('answers pipelined requests in the order they came, a slow one holding back the next', async () => {
    delays.set('wsid=1', 60);
    const raw = await client();
    raw.socket.write(collectRequest(1) + collectRequest(2) + collectRequest(3));
    const answers = await raw.answers(3);
    assert.deepEqual(
      answers.map((a) => a.status),
      [200, 200, 200],
    );
    assert.deepEqual(texts(), ['wsid=1', 'wsid=2', 'wsid=3'], 'one at a time, in order');
    assert.deepEqual(parsedByHttp, []);
    raw.socket.destroy();
  });

  it('stops reading from a sender that does not read its answers, and goes on once it does', async () => {
    const requests = 40;
    answerSizes.set('wsid=9', 256 * 1024); // 40 answers of 256 KiB: far more than the sockets' buffers hold
    const raw = await client();
    raw.socket.pause();
    raw.socket.write(collectRequest(9).repeat(requests));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const readWhileBlocked = bodies.length;
    assert.ok(readWhileBlocked < requests, `read ${readWhileBlocked} of ${requests} while no answer was read`);
    raw.socket.resume();
    const answers = await raw.answers(requests);
    assert.ok(answers.every((answer) => answer.status === 503 && answer.body.length > 256 * 1024));
    assert.equal(bodies.length, requests);
    raw.socket.destroy();
  });

  it('reads a request that arrives a byte at a time', async () => {
    const raw = await client();
    for (const byte of Buffer.from(collectRequest(7))) {
      raw.socket.write(Buffer.of(byte));
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal((await raw.answers(1))[0]?.status, 200);
    assert.deepEqual(texts(), ['wsid=7']);
    assert.deepEqual(parsedByHttp, []);
    raw.socket.destroy();
  });

  it('hands the connection to node:http at its first other request, bytes already read included', async () => {
    const raw = await client();
    // a collect request, then a GET in the same write: the front answers the first, node:http reads the GET
    raw.socket.write(`${collectRequest(1)}GET /dashboard HTTP/1.1\r\nHost: x\r\n\r\n`);
    const [first, second] = await raw.answers(2);
    assert.equal(first?.status, 200);
    assert.equal(second?.status, 204);
    assert.deepEqual(toFastify, ['GET /dashboard']);
    // the connection is node:http's now: a collect request on it takes node:http's fast path, not fastify
    raw.socket.write(collectRequest(2));
    assert.equal((await raw.answers(1))[0]?.status, 200);
    assert.deepEqual(texts(), ['wsid=1', 'wsid=2']);
    assert.deepEqual(toFastify, ['GET /dashboard']);
    assert.deepEqual(parsedByHttp, ['GET /dashboard', 'POST /data/collect']);
    raw.socket.destroy();
  });

  it('hands over a connection whose first bytes arrived apart', async () => {
    const raw = await client();
    raw.socket.write('G');
    await new Promise((resolve) => setTimeout(resolve, 20));
    raw.socket.write('ET /x HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.equal((await raw.answers(1))[0]?.status, 204);
    assert.deepEqual(toFastify, ['GET /x']);
    raw.socket.destroy();
  });

  it('leaves ambiguous framing to node:http, which refuses it: nothing collected', async () => {
    const raw = await client();
    const body = 'wsid=1';
    raw.socket.write(
      `POST /data/collect HTTP/1.1\r\nHost: x\r\nContent-Type: ${FORM}\r\nContent-Length: 6\r\nContent-Length: 7\r\n\r\n${body}`,
    );
    const [answer] = await raw.answers(1);
    assert.equal(answer?.status, 400);
    await raw.closed();
    assert.deepEqual(texts(), []);
    assert.deepEqual(toFastify, []);
  });

  it('closes the connection after the answer when asked to', async () => {
    const raw = await client();
    raw.socket.write(collectRequest(1, ['Connection: close']));
    const [answer] = await raw.answers(1);
    assert.equal(answer?.headers.connection, 'close');
    await raw.closed();
  });

  it('answers a sender that ended its side after the request, then ends too', async () => {
    delays.set('wsid=1', 30);
    const raw = await client({ allowHalfOpen: true });
    raw.socket.end(collectRequest(1) + collectRequest(2));
    const answers = await raw.answers(2);
    assert.deepEqual(
      answers.map((a) => a.status),
      [200, 200],
    );
    await raw.closed();
    assert.deepEqual(texts(), ['wsid=1', 'wsid=2']);
  });

  it('closes, without handing over, a connection whose sender ended after a collect and another request', async () => {
    delays.set('wsid=1', 40);
    const raw = await client({ allowHalfOpen: true });
    // the GET is still unread when the FIN arrives: node:http cannot read a stream that has ended
    raw.socket.end(`${collectRequest(1)}GET /x HTTP/1.1\r\nHost: x\r\n\r\n`);
    assert.equal((await raw.answers(1))[0]?.status, 200);
    await raw.closed();
    assert.deepEqual(toFastify, []);
    const next = await client();
    next.socket.write(collectRequest(2));
    assert.equal((await next.answers(1))[0]?.status, 200, 'still serving');
    next.socket.destroy();
  });

  it('closes a connection idle past the keep-alive timeout, and one whose head stalls past the head timeout', async () => {
    const limits = { headTimeoutMs: 100, bodyTimeoutMs: 100, keepAliveTimeoutMs: 1000, maxConnections: 100 };
    const log = { error: () => {}, debug: () => {}, warn: () => {} };
    const handle: CollectHandler = async () => ({ status: 200, body: { status: 200, status_code: 200, accepted: 1 } });
    const short = createCollectFastPath({ handle, log, debug: false, limits }).serverFactory(
      () => {},
      {},
    ) as http.Server;
    await new Promise<void>((resolve) => short.listen(0, '127.0.0.1', resolve));
    const shortPort = (short.address() as net.AddressInfo).port;
    try {
      const idle = new RawClient(shortPort);
      await idle.connected();
      idle.socket.write(collectRequest(1));
      assert.equal((await idle.answers(1))[0]?.headers['keep-alive'], 'timeout=1');
      const idleSince = performance.now();
      await idle.closed();
      assert.ok(performance.now() - idleSince >= 900, 'not before the keep-alive timeout');

      const slow = new RawClient(shortPort);
      await slow.connected();
      slow.socket.write('POST /data/collect HTTP/1.1\r\nHost: x\r\n');
      await new Promise((resolve) => setTimeout(resolve, 120));
      slow.socket.write('Content-Type: ');
      await slow.closed();
      assert.equal(slow.answered, 1);
      assert.equal((await slow.answers(1))[0]?.status, 408);
    } finally {
      await new Promise<void>((resolve) => short.close(() => resolve()));
    }
  });

  it('once stopped: closes idle connections, answers the one in progress with Connection: close', async () => {
    delays.set('wsid=2', 80);
    const idle = await client();
    idle.socket.write(collectRequest(1));
    await idle.answers(1);
    const busy = await client();
    busy.socket.write(collectRequest(2));
    await waitFor(() => texts().includes('wsid=2'));
    fastPath.stop();
    await idle.closed();
    const [answer] = await busy.answers(1);
    assert.equal(answer?.status, 200);
    assert.equal(answer?.headers.connection, 'close');
    await busy.closed();
  });
});
