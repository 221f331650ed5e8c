/**
 * Two `tmon serve` processes sharing one PostgreSQL and one Redis (docs/scaling.md):
 * live events cross between them, replay and sessions hold across them, and
 * killing one under load loses no acknowledged event. Runs when
 * TMON_TEST_DATABASE_URL is set and Redis answers; skips saying why otherwise.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { createTempSchema, TEST_DATABASE_URL, type TempPostgresSchema } from '../support/postgres-temp.js';
import { redisMissing, TEST_REDIS_URL } from '../support/redis-probe.js';
import { gen2Body, v2Body } from '../support/senders.js';
import { suiteOrSkip } from '../support/suite-or-skip.js';
import { exited, type ServerProcess, startServer, tmonCli } from '../support/tmon-process.js';

async function missing(): Promise<string | false> {
  if (!TEST_DATABASE_URL) return 'set TMON_TEST_DATABASE_URL=postgres://… to run the multi-process tests';
  return redisMissing();
}

const skip = await missing();

suiteOrSkip('two tmon processes on one PostgreSQL and one Redis', skip, () => {
  let schema: TempPostgresSchema;
  let dataDir: string;
  let env: Record<string, string>;
  let a: ServerProcess;
  let b: ServerProcess;
  let secret: string;
  let token: string;

  before(async () => {
    schema = await createTempSchema(TEST_DATABASE_URL!);
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'tmon-scale-'));
    // trusting X-Forwarded-For gives the login below an address of its own: Redis keeps per-IP login counts between runs
    env = {
      TMON_DATABASE_URL: `${schema.url}?schema=${schema.schema}`,
      TMON_REDIS_URL: TEST_REDIS_URL,
      TMON_TRUST_PROXY: '1',
    };
    const cli = (...args: string[]) => {
      const res = tmonCli([...args, '--data', dataDir], env);
      assert.equal(res.status, 0, res.stderr);
      return res.stdout;
    };
    cli('user', 'add', 'owner', '--password', 'owner-password-1');
    secret = JSON.parse(cli('service', 'add', 'shop', '--owner', 'owner', '--json')).secret;
    token = cli('token', 'add', '--user', 'owner').trim();
    a = await startServer(dataDir, env);
    b = await startServer(dataDir, env);
  });

  after(async () => {
    for (const server of [a, b]) {
      if (server && server.child.exitCode === null && server.child.signalCode === null) {
        server.child.kill('SIGTERM');
        await exited(server.child);
      }
    }
    await schema?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const auth = () => ({ authorization: `Bearer ${token}` });
  const post = (server: ServerProcess, body: string, type = 'application/json') =>
    fetch(`${server.url}/data/collect`, { method: 'POST', headers: { 'content-type': type }, body });

  it('shows an event sent to A in a stream opened on B within a second, and in B’s answers', async () => {
    const controller = new AbortController();
    const res = await fetch(`${b.url}/1/live`, { headers: auth(), signal: controller.signal });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('event: snapshot')) text += decoder.decode((await reader.read()).value, { stream: true });
    const marker = `/via-a-${Date.now()}`;
    const sentAt = Date.now();
    const sent = await post(
      a,
      gen2Body(1, secret, { url: marker, ip: '81.2.69.142', useragent: 'x' }),
      'application/x-www-form-urlencoded',
    );
    assert.equal(sent.status, 200);
    while (!text.includes(marker)) {
      text += decoder.decode((await reader.read()).value, { stream: true });
      assert.ok(Date.now() - sentAt < 1_000, 'not on B within 1 s');
    }
    controller.abort();
    const latest = await (await fetch(`${b.url}/1/data/latest?limit=5`, { headers: auth() })).json();
    assert.ok(latest.results.some((e: { url: string }) => e.url === marker));
    const countries = await (await fetch(`${b.url}/1/data/users/country`, { headers: auth() })).json();
    assert.ok(countries.results.some((c: { country: string }) => c.country === 'GB'));
  });

  it('refuses on B a v2 request that A accepted (replay)', async () => {
    const body = v2Body(1, secret, [{ url: '/once', ip: '8.8.8.8', useragent: 'x' }], Date.now());
    assert.equal((await post(a, body)).status, 200);
    const replayed = await post(b, body);
    assert.equal(replayed.status, 403);
    assert.equal((await replayed.json()).error, 'replayed');
  });

  it('accepts on B a session made on A', async () => {
    const login = await fetch(`${a.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.9.${Math.floor(Math.random() * 250)}.7` },
      body: JSON.stringify({ username: 'owner', password: 'owner-password-1' }),
    });
    assert.equal(login.status, 200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const me = await fetch(`${b.url}/api/me`, { headers: { cookie } });
    assert.equal(me.status, 200);
    assert.equal((await me.json()).results.name, 'owner');
  });

  it('keeps every acknowledged event when one process is killed with SIGKILL under load', async () => {
    const acknowledged: string[] = [];
    let stop = false;
    const sender = async (target: () => ServerProcess, n: number) => {
      for (let round = 0; !stop; round++) {
        const ids = Array.from({ length: 10 }, (_, i) => `k${n}-${round}-${i}`);
        const events = ids.map((id) => ({ url: '/load', ip: '8.8.8.8', useragent: 'x', id }));
        try {
          const res = await post(target(), v2Body(1, secret, events, Date.now()));
          if (res.status === 200) acknowledged.push(...ids);
          else await res.body?.cancel();
        } catch {
          // the process died under this request: it was never acknowledged
          if (target() === a) return;
        }
      }
    };
    const senders = [
      ...Array.from({ length: 4 }, (_, n) => sender(() => a, n)),
      ...Array.from({ length: 4 }, (_, n) => sender(() => b, 100 + n)),
    ];
    while (acknowledged.length < 1_000) await new Promise((r) => setTimeout(r, 20));
    a.child.kill('SIGKILL');
    await exited(a.child);
    // B runs on for a while after A died
    await new Promise((r) => setTimeout(r, 500));
    stop = true;
    await Promise.all(senders);
    const rows = await schema.query<{ event_key: string }>("SELECT event_key FROM events WHERE event_key LIKE 'k%'");
    const stored = new Set(rows.map((r) => r.event_key));
    assert.equal(rows.length, stored.size, 'no event stored twice');
    const lost = acknowledged.filter((id) => !stored.has(id));
    assert.deepEqual(lost, [], `${lost.length} acknowledged events lost`);
  });
});
