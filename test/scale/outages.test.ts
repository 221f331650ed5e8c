/**
 * Outages of PostgreSQL and Redis under a real `tmon serve` (docs/security.md, docs/scaling.md):
 * a TCP proxy between tmon and each server is cut and restored. With the
 * database gone, collect answers 503 `unavailable` with Retry-After in
 * bounded time, stores nothing and counts each refusal (/metrics), and so
 * does the query API; with Redis gone, collect still stores (Redis carries only live
 * frames) and logins are answered and limited per process (they answered
 * 500). After restore tmon recovers by itself. Runs when
 * TMON_TEST_DATABASE_URL is set and Redis answers; skips saying why otherwise.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { Redis } from 'ioredis';
import { ERROR_CATALOGUE } from '../../src/errors/catalogue.js';
import { createTempSchema, TEST_DATABASE_URL, type TempPostgresSchema } from '../support/postgres-temp.js';
import { redisMissing, TEST_REDIS_URL } from '../support/redis-probe.js';
import { v2Body } from '../support/senders.js';
import { suiteOrSkip } from '../support/suite-or-skip.js';
import { exited, type ServerProcess, startServer, tmonCli } from '../support/tmon-process.js';

/**
 * One refused request may take the pool's 5 s connect timeout, plus slack. A
 * database that accepts connections and never answers fails each group
 * commit after that timeout, and the requests queued behind a failing group
 * are refused with it (not after a wait of their own): the same bound.
 */
const REFUSAL_BOUND_MS = 7_500;
/** tmon must be back this soon after the outage ends */
const RECOVERY_BOUND_MS = 10_000;

async function missing(): Promise<string | false> {
  if (!TEST_DATABASE_URL) return 'set TMON_TEST_DATABASE_URL=postgres://… to run the outage tests';
  return redisMissing();
}

/** A TCP proxy to host:port whose traffic can be cut (open sockets destroyed, new ones refused) and restored. */
class OutageProxy {
  #up = true;
  #stalled = false;
  #sockets = new Set<net.Socket>();
  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(host: string, port: number): Promise<OutageProxy> {
    let proxy: OutageProxy | undefined;
    const server = net.createServer((client) => proxy!.accept(client, host, port));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = new OutageProxy(server, (server.address() as net.AddressInfo).port);
    return proxy;
  }

  accept(client: net.Socket, host: string, port: number): void {
    if (this.#stalled) {
      // a black hole: the connection opens, nothing ever answers
      this.#sockets.add(client);
      client.on('error', () => {});
      client.on('close', () => this.#sockets.delete(client));
      return;
    }
    if (!this.#up) {
      client.destroy();
      return;
    }
    const upstream = net.connect(port, host);
    for (const socket of [client, upstream]) {
      this.#sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => {
        this.#sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }

  /** `stall`: new connections are accepted and never answered (a partition), instead of refused */
  cut({ stall = false } = {}): void {
    this.#up = false;
    this.#stalled = stall;
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
  }

  restore(): void {
    this.#up = true;
    this.#stalled = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** An open `/1/live` stream whose text accumulates in the background. */
async function openLive(url: string, token: string) {
  const controller = new AbortController();
  const res = await fetch(`${url}/1/live`, {
    headers: { authorization: `Bearer ${token}` },
    signal: controller.signal,
  });
  assert.equal(res.status, 200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const reading = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += decoder.decode(value, { stream: true });
      }
    } catch {
      // aborted
    }
  })();
  return {
    text: () => text,
    async close() {
      controller.abort();
      await reading;
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Login limits live 15 minutes in the test Redis, across runs of this file:
 * each run logs in with names of its own, from addresses of its own (sent in
 * X-Forwarded-For, which the server trusts here).
 */
const RUN = randomBytes(4).toString('hex');
const LOGIN_PASSWORD = 'login-password-1';
const randomIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

const skip = await missing();

suiteOrSkip('tmon through PostgreSQL and Redis outages', skip, () => {
  let schema: TempPostgresSchema;
  let dataDir: string;
  let pgProxy: OutageProxy;
  let redisProxy: OutageProxy;
  let server: ServerProcess;
  let secret: string;
  let token: string;
  let adminToken: string;
  const loginUser = `login-${RUN}`;

  before(async () => {
    schema = await createTempSchema(TEST_DATABASE_URL!);
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'tmon-outage-'));
    const pgUrl = new URL(TEST_DATABASE_URL!);
    const redisUrl = new URL(TEST_REDIS_URL);
    pgProxy = await OutageProxy.start(pgUrl.hostname, Number(pgUrl.port || 5432));
    redisProxy = await OutageProxy.start(redisUrl.hostname, Number(redisUrl.port || 6379));
    const proxiedPg = new URL(TEST_DATABASE_URL!);
    proxiedPg.hostname = '127.0.0.1';
    proxiedPg.port = String(pgProxy.port);
    proxiedPg.searchParams.set('schema', schema.schema);
    const proxiedRedis = new URL(TEST_REDIS_URL);
    proxiedRedis.hostname = '127.0.0.1';
    proxiedRedis.port = String(redisProxy.port);
    const env = {
      TMON_DATABASE_URL: proxiedPg.toString(),
      TMON_REDIS_URL: proxiedRedis.toString(),
      TMON_TRUST_PROXY: '1',
    };
    // the CLI runs with spawnSync, which blocks this process and so the proxies: it talks to the servers directly
    const direct = { TMON_DATABASE_URL: `${schema.url}?schema=${schema.schema}`, TMON_REDIS_URL: TEST_REDIS_URL };
    const cli = (...args: string[]) => {
      const res = tmonCli([...args, '--data', dataDir], direct);
      assert.equal(res.status, 0, res.stderr);
      return res.stdout;
    };
    cli('user', 'add', 'owner', '--password', 'owner-password-1');
    secret = JSON.parse(cli('service', 'add', 'shop', '--owner', 'owner', '--json')).secret;
    token = cli('token', 'add', '--user', 'owner').trim();
    cli('user', 'add', 'metrics-admin', '--password', 'admin-password-2', '--admin');
    adminToken = cli('token', 'add', '--user', 'metrics-admin').trim();
    cli('user', 'add', loginUser, '--password', LOGIN_PASSWORD);
    server = await startServer(dataDir, env);
  });

  after(async () => {
    if (server && server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGTERM');
      await exited(server.child);
    }
    await pgProxy?.close();
    await redisProxy?.close();
    await schema?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const send = (marker: string) =>
    fetch(`${server.url}/data/collect`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: v2Body(1, secret, [{ url: marker, ip: '8.8.8.8', useragent: 'x' }], Date.now()),
    }).catch((error: Error) => {
      const state = `exit code ${server.child.exitCode}, signal ${server.child.signalCode}`;
      throw new Error(`collect of ${marker} failed (${error.message}; tmon: ${state}):\n${server.output()}`, {
        cause: error,
      });
    });

  const storedUrls = async (prefix: string) => {
    const rows = await schema.query<{ url: string }>('SELECT url FROM events WHERE url LIKE $1', [`${prefix}%`]);
    return rows.map((row) => row.url);
  };

  /** tmon's count of collect requests refused `unavailable` (/metrics: admins only, so not while the database is down) */
  const unavailableRefusals = async () => {
    const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${adminToken}` } });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    const line = text.split('\n').find((l) => l.startsWith('tmon_collect_refused_total{reason="unavailable"} '));
    return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
  };

  const assertServing = async () => {
    assert.equal(server.child.exitCode, null, `tmon exited:\n${server.output()}`);
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 200);
  };

  it('answers 503 with Retry-After while PostgreSQL is down, counts it, stores none of it, and recovers by itself', async () => {
    const before = await send('/pg-before');
    assert.equal(before.status, 200, await before.text());
    const countedBefore = await unavailableRefusals();
    let answered503 = 0;

    pgProxy.cut();
    const refused: string[] = [];
    for (let i = 0; i < 5; i++) {
      const marker = `/pg-down-${i}`;
      const started = Date.now();
      const res = await send(marker);
      const elapsed = Date.now() - started;
      const body = await res.json();
      assert.equal(res.status, 503, `request ${i} answered ${res.status}: ${JSON.stringify(body)}`);
      assert.equal(res.headers.get('retry-after'), String(ERROR_CATALOGUE.unavailable.retryAfterSeconds));
      assert.equal(body.status, 503);
      assert.equal(body.error, 'unavailable');
      assert.ok(elapsed <= REFUSAL_BOUND_MS, `refusal ${i} took ${elapsed} ms`);
      refused.push(marker);
      answered503++;
    }
    // several refused at once: none hangs, none is a 200
    const concurrent = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const marker = `/pg-down-c${i}`;
        refused.push(marker);
        const res = await send(marker);
        await res.body?.cancel();
        return res.status;
      }),
    );
    assert.deepEqual(new Set(concurrent), new Set([503]));
    answered503 += concurrent.length;
    await assertServing();

    pgProxy.restore();
    const restoredAt = Date.now();
    const recovered: string[] = [];
    for (let i = 0; ; i++) {
      const marker = `/pg-after-${i}`;
      const res = await send(marker);
      await res.body?.cancel();
      if (res.status === 200) {
        recovered.push(marker);
        break;
      }
      assert.equal(res.status, 503, `answered ${res.status} while recovering`);
      answered503++;
      assert.ok(Date.now() - restoredAt < RECOVERY_BOUND_MS, 'collect still refused 10 s after PostgreSQL came back');
      await sleep(200);
    }
    for (let i = 0; i < 5; i++) {
      const marker = `/pg-after-more-${i}`;
      const res = await send(marker);
      await res.body?.cancel();
      assert.equal(res.status, 200);
      recovered.push(marker);
    }

    const stored = new Set(await storedUrls('/pg-'));
    assert.ok(stored.has('/pg-before'));
    for (const marker of recovered) assert.ok(stored.has(marker), `${marker} acknowledged but not stored`);
    const leaked = refused.filter((marker) => stored.has(marker));
    assert.deepEqual(leaked, [], 'refused events were stored');
    assert.equal((await unavailableRefusals()) - countedBefore, answered503, 'each 503 counted as unavailable');
  });

  it('answers 503 in bounded time while PostgreSQL accepts connections but never answers', async () => {
    pgProxy.cut({ stall: true });
    try {
      const answers = await Promise.all(
        Array.from({ length: 3 }, async (_, i) => {
          const started = Date.now();
          const res = await send(`/stall-${i}`);
          const elapsed = Date.now() - started;
          await res.body?.cancel();
          return { status: res.status, retryAfter: res.headers.get('retry-after'), elapsed };
        }),
      );
      for (const answer of answers) {
        assert.equal(answer.status, 503);
        assert.ok(Number(answer.retryAfter) > 0);
        assert.ok(answer.elapsed <= REFUSAL_BOUND_MS, `a refusal took ${answer.elapsed} ms`);
      }
      await assertServing();
    } finally {
      pgProxy.restore();
    }
    const restoredAt = Date.now();
    for (;;) {
      const res = await send('/stall-after');
      await res.body?.cancel();
      if (res.status === 200) break;
      assert.ok(Date.now() - restoredAt < RECOVERY_BOUND_MS, 'collect still refused 10 s after the stall ended');
      await sleep(200);
    }
    assert.deepEqual(await storedUrls('/stall-'), ['/stall-after']);
  });

  it('keeps storing while Redis is down, and live events flow again after it returns', async () => {
    const live = await openLive(server.url, token);
    try {
      const deadline = Date.now() + 5_000;
      while (!live.text().includes('event: snapshot')) {
        assert.ok(Date.now() < deadline, 'no snapshot on the live stream');
        await sleep(20);
      }

      redisProxy.cut();
      for (let i = 0; i < 5; i++) {
        const started = Date.now();
        const res = await send(`/redis-down-${i}`);
        assert.equal(res.status, 200, await res.text());
        assert.ok(Date.now() - started < 2_000, 'collect waited on Redis');
      }
      await assertServing();
      assert.equal((await storedUrls('/redis-down-')).length, 5);

      redisProxy.restore();
      const restoredAt = Date.now();
      let seen = false;
      for (let i = 0; !seen; i++) {
        const marker = `/redis-after-${i}-`;
        const res = await send(marker);
        assert.equal(res.status, 200);
        const sentAt = Date.now();
        while (!seen && Date.now() - sentAt < 500) {
          seen = live.text().includes(marker);
          if (!seen) await sleep(20);
        }
        assert.ok(seen || Date.now() - restoredAt < RECOVERY_BOUND_MS, 'no live event 10 s after Redis came back');
      }
    } finally {
      await live.close();
    }
    await assertServing();
  });

  const query = (urlPath: string) =>
    fetch(`${server.url}${urlPath}`, { headers: { authorization: `Bearer ${token}` } });

  const login = (username: string, password: string) =>
    fetch(`${server.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': randomIp() },
      body: JSON.stringify({ username, password }),
    });

  /** Asks until `urlPath` answers 200 again; meanwhile only 503 is an acceptable answer. */
  const waitForQueries = async (urlPath: string, since: number) => {
    for (;;) {
      const res = await query(urlPath);
      await res.body?.cancel();
      if (res.status === 200) return;
      assert.equal(res.status, 503, `answered ${res.status} while recovering`);
      assert.ok(Date.now() - since < RECOVERY_BOUND_MS, `${urlPath} still refused 10 s after PostgreSQL came back`);
      await sleep(200);
    }
  };

  it('answers the query API and logins 503 with Retry-After while PostgreSQL is down, and recovers by itself', async () => {
    const before = await query('/1/data/latest');
    assert.equal(before.status, 200, await before.text());

    pgProxy.cut();
    try {
      for (const urlPath of ['/1/data/latest', '/1/data/users/os', '/api/services']) {
        const started = Date.now();
        const res = await query(urlPath);
        const elapsed = Date.now() - started;
        const body = await res.json();
        assert.equal(res.status, 503, `${urlPath} answered ${res.status}: ${JSON.stringify(body)}`);
        assert.ok(Number(res.headers.get('retry-after')) > 0, `no Retry-After on ${urlPath}'s 503`);
        assert.equal(body.error, 'unavailable');
        assert.match(body.message, /retry later/);
        assert.ok(elapsed <= REFUSAL_BOUND_MS, `${urlPath}'s refusal took ${elapsed} ms`);
      }
      // users and sessions are in PostgreSQL too
      const refusedLogin = await login(loginUser, LOGIN_PASSWORD);
      assert.equal(refusedLogin.status, 503, await refusedLogin.text());
      assert.ok(Number(refusedLogin.headers.get('retry-after')) > 0);
      await assertServing();
    } finally {
      pgProxy.restore();
    }
    await waitForQueries('/1/data/latest', Date.now());
    assert.equal((await login(loginUser, LOGIN_PASSWORD)).status, 200);
  });

  it('answers the query API 503 in bounded time while PostgreSQL accepts connections but never answers', async () => {
    pgProxy.cut({ stall: true });
    try {
      // the first may meet a pooled connection the cut broke; the next ones wait on a connect that never completes
      for (let i = 0; i < 3; i++) {
        const started = Date.now();
        const res = await query('/1/data/latest');
        const elapsed = Date.now() - started;
        await res.body?.cancel();
        assert.equal(res.status, 503, `query ${i} answered ${res.status}`);
        assert.ok(Number(res.headers.get('retry-after')) > 0);
        assert.ok(elapsed <= REFUSAL_BOUND_MS, `refusal ${i} took ${elapsed} ms`);
      }
      await assertServing();
    } finally {
      pgProxy.restore();
    }
    await waitForQueries('/1/data/latest', Date.now());
  });

  it('keeps logins working while Redis is down, limited per process, and shares the limits again after', async () => {
    const redis = new Redis(TEST_REDIS_URL);
    /** the attempts Redis has counted for a user name (0: none, so not counted there) */
    const countedInRedis = async (username: string) => {
      const [key] = await redis.keys(`*login-user:${username}`);
      return key === undefined ? 0 : Number(await redis.get(key));
    };
    const fallbackNotices = () => server.output().match(/Redis cannot be reached/g)?.length ?? 0;
    const recoveryNotices = () => server.output().match(/counted across processes again/g)?.length ?? 0;
    try {
      const shared = `shared-${RUN}`;
      assert.equal((await login(shared, 'wrong-password')).status, 401);
      assert.equal(await countedInRedis(shared), 1, 'login attempts are not counted in Redis to begin with');

      redisProxy.cut();
      try {
        const right = await login(loginUser, LOGIN_PASSWORD);
        assert.equal(right.status, 200, await right.text());
        const wrong = await login(loginUser, 'wrong-password');
        assert.equal(wrong.status, 401, await wrong.text());

        // counted in this process now: a user name's 10 attempts in 15 minutes still hold
        const limited = `limited-${RUN}`;
        for (let i = 0; i < 10; i++) assert.equal((await login(limited, 'wrong-password')).status, 401);
        const refused = await login(limited, 'wrong-password');
        assert.equal(refused.status, 429, await refused.text());
        assert.ok(Number(refused.headers.get('retry-after')) > 0);
        assert.equal(await countedInRedis(limited), 0);
        assert.equal(fallbackNotices(), 1, `the fallback is not logged once:\n${server.output()}`);
        await assertServing();
      } finally {
        redisProxy.restore();
      }

      // back to Redis by itself: a new name's attempts are counted there again
      const restoredAt = Date.now();
      for (let i = 0; ; i++) {
        const name = `back-${RUN}-${i}`;
        assert.equal((await login(name, 'wrong-password')).status, 401);
        if ((await countedInRedis(name)) === 1) break;
        assert.ok(Date.now() - restoredAt < RECOVERY_BOUND_MS, 'login limits not back in Redis 10 s after it returned');
        await sleep(250);
      }
      assert.equal((await login(shared, 'wrong-password')).status, 401);
      assert.equal(await countedInRedis(shared), 2, 'the limit counted before the outage is not the one used after');
      assert.equal(fallbackNotices(), 1);
      assert.equal(recoveryNotices(), 1, `the recovery is not logged once:\n${server.output()}`);
    } finally {
      redis.disconnect();
    }
  });
});
