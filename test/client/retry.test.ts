/**
 * Retries against a real tmon: a lost answer (the batch was stored, the
 * client never heard), 503 with Retry-After, and a server restart. Every
 * event must be stored exactly once: the idempotency ids make retries safe.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { TmonClient, type TmonClientOptions } from '../../clients/node/src/index.js';
import { freePort, type ListeningTmon, startListeningTmon, storedIdCounts } from '../support/client-helpers.js';
import { VECTOR_SECRET } from '../support/test-tmon.js';
import { exited, startServer, tmonCli } from '../support/tmon-process.js';

type Interference = 'drop-answer' | 'answer-503' | 'forward';

/** A node:http proxy in front of tmon that interferes with the requests `plan` names (0-based). */
async function startProxy(target: string, plan: (n: number) => Interference) {
  let n = 0;
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const what = plan(n++);
    if (what === 'answer-503') {
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
      res.end(JSON.stringify({ status: 503, status_code: 503, error: 'unavailable', message: 'retry later' }));
      return;
    }
    const answer = await fetch(`${target}${req.url}`, {
      method: 'POST',
      headers: { 'content-type': String(req.headers['content-type']) },
      body: Buffer.concat(chunks),
    });
    const body = await answer.text();
    // tmon has stored the batch; the client never hears it
    if (what === 'drop-answer') return req.socket.destroy();
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    requests: () => n,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const event = (id: string) => ({ url: `/retry/${id}`, ip: '81.2.69.142', useragent: 'retry-test', id });

describe('TmonClient retries', () => {
  let tmon: ListeningTmon;
  const clientFor = (server: string, options: Partial<TmonClientOptions> = {}) =>
    new TmonClient({
      server,
      wsid: tmon.service.id,
      secret: tmon.service.secret,
      exitHooks: false,
      retryBaseMs: 20,
      onError: () => {},
      ...options,
    });

  before(async () => {
    tmon = await startListeningTmon();
  });
  after(() => tmon.close());

  it('stores nothing twice when the answer to a batch is lost and the batch is retried', async () => {
    const proxy = await startProxy(tmon.url, (n) => (n === 0 ? 'drop-answer' : 'forward'));
    const client = clientFor(proxy.url);
    const ids = Array.from({ length: 20 }, (_, i) => `lost-answer-${i}`);
    for (const id of ids) client.track(event(id));
    await client.flush();
    await client.close();
    await proxy.close();
    assert.equal(proxy.requests(), 2, 'the batch went out twice');
    assert.deepEqual(client.stats(), { queued: 0, inFlight: 0, sent: 20, retried: 20, dropped: 0, failed: 0 });
    const stored = await storedIdCounts(tmon);
    assert.deepEqual(
      ids.map((id) => stored.get(id)),
      ids.map(() => 1),
    );
  });

  it('waits as long as Retry-After asks before it retries a 503', async () => {
    const proxy = await startProxy(tmon.url, (n) => (n === 0 ? 'answer-503' : 'forward'));
    const client = clientFor(proxy.url);
    const started = Date.now();
    client.track(event('after-503'));
    await client.flush();
    await client.close();
    await proxy.close();
    assert.ok(Date.now() - started >= 1_000, `retried after ${Date.now() - started} ms, Retry-After said 1 s`);
    assert.deepEqual({ sent: client.stats().sent, retried: client.stats().retried }, { sent: 1, retried: 1 });
    assert.equal((await storedIdCounts(tmon)).get('after-503'), 1);
  });
});

describe('TmonClient across a server restart', () => {
  let dataDir: string;

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'tmon-client-restart-'));
    tmonCli(['user', 'add', 'owner', '--password', 'owner-password-1', '--data', dataDir]);
    tmonCli(['service', 'add', 'shop', '--owner', 'owner', '--id', '1', '--secret', VECTOR_SECRET, '--data', dataDir]);
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  it('delivers every event exactly once when the server stops and comes back on the same port', async () => {
    const port = await freePort();
    let server = await startServer(dataDir, {}, port);
    const client = new TmonClient({
      server: server.url,
      wsid: 1,
      secret: VECTOR_SECRET,
      batchSize: 10,
      flushIntervalMs: 50,
      retryBaseMs: 100,
      retryMaxMs: 400,
      maxRetries: 1_000,
      exitHooks: false,
      onError: () => {},
    });
    const ids: string[] = [];
    const track = (count: number, prefix: string) => {
      for (let i = 0; i < count; i++) {
        ids.push(`${prefix}-${i}`);
        client.track(event(`${prefix}-${i}`));
      }
    };
    try {
      track(25, 'before');
      await client.flush();
      assert.equal(client.stats().sent, 25);

      server.child.kill('SIGTERM');
      await exited(server.child);
      track(30, 'while-down');
      await new Promise((resolve) => setTimeout(resolve, 800));
      assert.equal(client.stats().sent, 25, 'nothing got through while the server was down');
      assert.ok(client.stats().retried > 0, 'it kept retrying');

      server = await startServer(dataDir, {}, port);
      track(15, 'after');
      await client.flush();
      assert.deepEqual({ sent: client.stats().sent, failed: client.stats().failed }, { sent: 70, failed: 0 });
    } finally {
      await client.close();
      server.child.kill('SIGTERM');
      await exited(server.child);
    }
    const db = new Database(path.join(dataDir, 'tmon.sqlite'), { readonly: true });
    try {
      const counts = new Map<string, number>();
      for (const row of db.prepare('SELECT event_key AS id, COUNT(*) AS n FROM events GROUP BY event_key').iterate()) {
        const { id, n } = row as { id: string; n: number };
        counts.set(id, n);
      }
      assert.deepEqual(
        ids.filter((id) => counts.get(id) !== 1),
        [],
        'every event stored exactly once',
      );
      assert.equal(counts.size, 70);
    } finally {
      db.close();
    }
  });
});
