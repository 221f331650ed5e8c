/**
 * Two `tmon serve` processes on one PostgreSQL and one Redis, both
 * evaluating the same rules every second: each transition is one row and
 * one delivery per channel, and a webhook receiver gets each once. A
 * restart of both while a rule fires sends no second "fired" and still
 * resolves. Runs when TMON_TEST_DATABASE_URL is set and Redis answers.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { generateWebhookSecret } from '../../src/alerts/delivery/standard-webhooks.js';
import type { Store } from '../../src/store/store.js';
import { createTempSchema, TEST_DATABASE_URL, type TempPostgresSchema } from '../support/postgres-temp.js';
import { redisMissing, TEST_REDIS_URL } from '../support/redis-probe.js';
import { IPHONE_UA } from '../support/senders.js';
import { suiteOrSkip } from '../support/suite-or-skip.js';
import { exited, type ServerProcess, startServer, tmonCli } from '../support/tmon-process.js';

async function missing(): Promise<string | false> {
  if (!TEST_DATABASE_URL) return 'set TMON_TEST_DATABASE_URL=postgres://… to run the multi-process alert tests';
  return redisMissing();
}

const skip = await missing();

async function until<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | null | undefined | false>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

suiteOrSkip('alerts evaluated by two tmon processes on one PostgreSQL', skip, () => {
  let schema: TempPostgresSchema;
  let store: Store;
  let dataDir: string;
  let env: Record<string, string>;
  let servers: ServerProcess[] = [];
  let token: string;
  let receiver: Server;
  let receiverUrl: string;
  /** webhook-id → times received, per path */
  const received = new Map<string, number>();

  before(async () => {
    schema = await createTempSchema(TEST_DATABASE_URL!);
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'tmon-alerts-'));
    env = {
      TMON_DATABASE_URL: `${schema.url}?schema=${schema.schema}`,
      TMON_REDIS_URL: TEST_REDIS_URL,
      TMON_ALERT_INTERVAL_SECONDS: '1',
      // the receiver is on this machine's loopback
      TMON_ALERT_PRIVATE_TARGETS: '1',
    };
    const cli = (...args: string[]) => {
      const res = tmonCli([...args, '--data', dataDir], env);
      assert.equal(res.status, 0, res.stderr);
      return res.stdout;
    };
    cli('user', 'add', 'owner', '--password', 'owner-password-1');
    cli('service', 'add', 'shop', '--owner', 'owner');
    token = cli('token', 'add', '--user', 'owner', '--scope', 'ingest', '--service', '1').trim();
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const key = `${req.url} ${req.headers['webhook-id']}`;
        received.set(key, (received.get(key) ?? 0) + 1);
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    store = await schema.openStore();
    const rule = await store.alertRules.createRule(
      1,
      {
        name: 'burst',
        kind: 'spike',
        windowSeconds: 60,
        threshold: 20,
        minRequests: 0,
        errorsFrom: 500,
        urlPrefix: null,
        forSeconds: 0,
        repeatMinutes: null,
        mutedUntil: null,
      },
      Date.now(),
    );
    assert.ok(!('refused' in rule));
    for (const name of ['a', 'b']) {
      await store.alertChannels.createChannel({
        serviceId: 1,
        name,
        kind: 'webhook',
        target: `${receiverUrl}/${name}`,
        secret: generateWebhookSecret(),
        now: Date.now(),
      });
    }
    servers = [await startServer(dataDir, env), await startServer(dataDir, env)];
  });

  after(async () => {
    for (const server of servers) {
      if (server.child.exitCode === null && server.child.signalCode === null) {
        server.child.kill('SIGTERM');
        await exited(server.child);
      }
    }
    await schema?.drop();
    await rm(dataDir, { recursive: true, force: true });
    await new Promise((resolve) => receiver?.close(resolve));
  });

  /** 30 requests that happened `agoMs` ago: they leave the 60 s window 60 s after that */
  async function burst(server: ServerProcess, agoMs: number) {
    const ts = Date.now() - agoMs;
    const events = Array.from({ length: 30 }, (_, i) => ({ url: `/b/${i}`, ip: '8.8.8.8', useragent: IPHONE_UA, ts }));
    const res = await fetch(`${server.url}/data/collect`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ events }),
    });
    assert.equal(res.status, 200, await res.text());
  }
  const transitions = async () => (await store.alertRules.recentTransitions(1, 100)).map((t) => t.kind).reverse();
  const deliveries = () =>
    schema.query<{ channel_id: number; transition_id: number }>(
      'SELECT channel_id, transition_id FROM alert_deliveries ORDER BY transition_id, channel_id',
    );

  it('makes one transition row, one delivery per channel, and one webhook each, with two processes evaluating', async () => {
    await burst(servers[0]!, 50_000);
    await until('fired', 10_000, async () => (await transitions()).length >= 1);
    await until('resolved', 30_000, async () => (await transitions()).length >= 2);
    // a few more rounds of both processes: nothing more happens
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    assert.deepEqual(await transitions(), ['fired', 'resolved']);
    assert.equal((await deliveries()).length, 4, 'two transitions × two channels');
    await until('four webhooks', 15_000, async () => received.size >= 4);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.equal(received.size, 4);
    assert.deepEqual(new Set(received.values()), new Set([1]), 'each webhook received once');
  });

  it('sends no second "fired" and still resolves when both processes restart while the rule fires', async () => {
    await burst(servers[1]!, 45_000);
    await until('fired again', 10_000, async () => (await transitions()).length >= 3);
    for (const server of servers) {
      server.child.kill('SIGKILL');
      await exited(server.child);
    }
    servers = [await startServer(dataDir, env), await startServer(dataDir, env)];
    await until('resolved after the restart', 40_000, async () => (await transitions()).length >= 4);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    assert.deepEqual(await transitions(), ['fired', 'resolved', 'fired', 'resolved']);
    assert.equal((await deliveries()).length, 8);
  });
});
