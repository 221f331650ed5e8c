/** The middlewares record what a real server served, and a real tmon stores it. */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import {
  createRequestTracker,
  type ExpressRequestLike,
  TmonClient,
  tmonExpress,
  tmonFastify,
} from '../../clients/node/src/index.js';
import type { StoredEvent } from '../../src/store/store.js';
import { type ListeningTmon, startListeningTmon, storedEvents } from '../support/client-helpers.js';
import { IPHONE_UA } from '../support/senders.js';

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

describe('the request-tracking middlewares', () => {
  let tmon: ListeningTmon;
  let client: TmonClient;
  const servers: http.Server[] = [];

  /** The stored event of the one request whose url starts with `prefix`. */
  async function storedFor(prefix: string): Promise<StoredEvent> {
    await client.flush();
    const matches = (await storedEvents(tmon)).filter((e) => e.url.startsWith(prefix));
    assert.equal(matches.length, 1, `one event for ${prefix}`);
    return matches[0]!;
  }

  before(async () => {
    tmon = await startListeningTmon();
    client = new TmonClient({ server: tmon.url, wsid: tmon.service.id, secret: tmon.service.secret, exitHooks: false });
  });
  after(async () => {
    await client.close();
    for (const server of servers) server.close();
    await tmon.close();
  });

  it('records url, address, agent, method, status, duration, referrer and user for node:http', async () => {
    const trackRequest = createRequestTracker<http.IncomingMessage & { user?: string }>(client, {
      username: (req) => req.user,
    });
    const server = http.createServer((req, res) => {
      trackRequest(req, res);
      (req as { user?: string }).user = 'ann'; // set by auth, after the tracker: read at the end
      setTimeout(() => {
        res.statusCode = 201;
        res.end('created');
      }, 30);
    });
    servers.push(server);
    const url = await listen(server);
    const response = await fetch(`${url}/node/orders?id=7`, {
      method: 'POST',
      headers: { 'user-agent': IPHONE_UA, referer: 'https://example.com/cart' },
      body: 'x',
    });
    assert.equal(response.status, 201);
    await response.text();
    const event = await storedFor('/node/');
    assert.equal(event.url, '/node/orders?id=7');
    assert.equal(event.ip, '127.0.0.1');
    assert.equal(event.useragent, IPHONE_UA);
    assert.equal(event.agent.device, 'mobile');
    assert.equal(event.method, 'POST');
    assert.equal(event.status, 201);
    assert.ok(event.durationMs !== null && event.durationMs >= 25, `duration ${event.durationMs}`);
    assert.equal(event.referrer, 'https://example.com/cart');
    assert.equal(event.username, 'ann');
  });

  it('takes the client address from X-Forwarded-For as far as trustProxy allows', async () => {
    const oneProxy = createRequestTracker(client, { trustProxy: 1 });
    const twoProxies = createRequestTracker(client, { trustProxy: 2 });
    const noProxy = createRequestTracker(client);
    const server = http.createServer((req, res) => {
      const tracker = req.url?.startsWith('/xff/one')
        ? oneProxy
        : req.url?.startsWith('/xff/two')
          ? twoProxies
          : noProxy;
      tracker(req, res);
      res.end();
    });
    servers.push(server);
    const url = await listen(server);
    const headers = { 'x-forwarded-for': '8.8.8.8, 81.2.69.142' };
    for (const path of ['/xff/one', '/xff/two', '/xff/none']) await (await fetch(`${url}${path}`, { headers })).text();
    assert.equal((await storedFor('/xff/one')).ip, '81.2.69.142');
    const twoHops = await storedFor('/xff/two');
    assert.equal(twoHops.ip, '8.8.8.8');
    assert.equal(twoHops.geo?.country, 'US');
    assert.equal((await storedFor('/xff/none')).ip, '127.0.0.1');
  });

  it('records a request whose client hung up before the answer with status 499', async () => {
    const trackRequest = createRequestTracker(client);
    const server = http.createServer((req, res) => {
      trackRequest(req, res);
      setTimeout(() => res.end(), 500);
    });
    servers.push(server);
    const url = await listen(server);
    await assert.rejects(fetch(`${url}/hung-up`, { signal: AbortSignal.timeout(100) }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal((await storedFor('/hung-up')).status, 499);
  });

  it('works as Express middleware, with originalUrl, req.ip and a user set by later middleware', async () => {
    type ExpressRequest = http.IncomingMessage & ExpressRequestLike & { user?: { name: string } };
    const middleware = tmonExpress<ExpressRequest>(client, { username: (req) => req.user?.name });
    // what Express does: a router mounted at /shop strips its path from req.url, keeps originalUrl, sets req.ip
    const server = http.createServer((req, res) => {
      const expressReq = req as ExpressRequest;
      expressReq.originalUrl = req.url;
      expressReq.url = req.url?.replace(/^\/shop/, '') ?? '/';
      expressReq.ip = '81.2.69.142';
      middleware(expressReq, res, () => {
        expressReq.user = { name: 'bo' };
        res.statusCode = 404;
        res.end();
      });
    });
    servers.push(server);
    const url = await listen(server);
    await (await fetch(`${url}/shop/missing`)).text();
    const event = await storedFor('/shop/');
    assert.deepEqual(
      { url: event.url, ip: event.ip, status: event.status, username: event.username, country: event.geo?.country },
      { url: '/shop/missing', ip: '81.2.69.142', status: 404, username: 'bo', country: 'GB' },
    );
  });

  it('works as a Fastify plugin for routes in every encapsulated context', async () => {
    const app = Fastify({ trustProxy: true });
    await app.register(tmonFastify(client, { username: (request) => String(request.headers['x-user'] ?? '') || null }));
    await app.register(async (child) => {
      child.get('/fastify/items/:id', async () => ({ ok: true }));
    });
    const response = await app.inject({
      method: 'GET',
      url: '/fastify/items/3?color=red',
      headers: { 'user-agent': IPHONE_UA, 'x-forwarded-for': '81.2.69.142', 'x-user': 'chen' },
    });
    assert.equal(response.statusCode, 200);
    await app.close();
    const event = await storedFor('/fastify/');
    assert.deepEqual(
      { url: event.url, ip: event.ip, method: event.method, status: event.status, username: event.username },
      { url: '/fastify/items/3?color=red', ip: '81.2.69.142', method: 'GET', status: 200, username: 'chen' },
    );
    assert.equal(typeof event.durationMs, 'number');
  });
});
