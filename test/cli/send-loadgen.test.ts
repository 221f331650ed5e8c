/** tmon send and tmon loadgen against a real tmon (in this process: the CLI runs as a child, asynchronously). */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ListeningTmon, startListeningTmon, storedEvents } from '../support/client-helpers.js';
import { REPO } from '../support/tmon-process.js';

/** Runs the CLI without blocking this process's event loop: the server answering it lives here. */
function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ status: number; stdout: string; stderr: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(REPO, 'src/main.ts'), ...args],
      // killed after 30 s: a command that should have given up fails the test instead of hanging it
      { cwd: REPO, env: { ...process.env, TMON_SERVER: '', TMON_LOG_LEVEL: 'warn', ...env }, timeout: 30_000 },
      (error, stdout, stderr) =>
        resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr, ms: performance.now() - started }),
    );
  });
}

/** A local address where nothing listens: a port the system gave out, then closed again. */
async function closedAddress(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

/** node + tsx start-up on the 2-core dev machine, on top of the command's own budget */
const STARTUP_MS = 5_000;

describe('tmon send and tmon loadgen where nothing listens', () => {
  const service = ['--wsid', '1', '--secret', 'Abcdefgh0123456789Abcdefgh012345'];

  it('send says it cannot reach the server and exits 1 within its 3 tries', async () => {
    const server = await closedAddress();
    const res = await cli(['send', '--server', server, ...service]);
    assert.equal(res.status, 1, res.stderr);
    assert.match(
      res.stderr,
      new RegExp(`^tmon send: cannot reach ${server}: connection refused \\(3 tries in \\d+\\.\\d s\\)\\n$`),
    );
    assert.ok(res.ms < 2_000 + STARTUP_MS, `took ${Math.round(res.ms)} ms`);
  });

  it('loadgen without an end says it cannot reach the server and exits 1 after about 2 s', async () => {
    const server = await closedAddress();
    const res = await cli(['loadgen', '--server', server, ...service, '--rate', '50', '--duration', '0', '--json']);
    assert.equal(res.status, 1, res.stderr);
    assert.match(
      res.stderr,
      new RegExp(`tmon loadgen: cannot reach ${server}: connection refused \\(\\d+ tries in 2\\.\\d s\\)\\n$`),
    );
    assert.equal(res.stdout, '');
    assert.ok(res.ms < 2_500 + STARTUP_MS, `took ${Math.round(res.ms)} ms`);
  });

  it('send and loadgen take the server from TMON_SERVER when --server is not given', async () => {
    const server = await closedAddress();
    const send = await cli(['send', ...service], { TMON_SERVER: server });
    assert.match(send.stderr, new RegExp(`cannot reach ${server}:`));
    const loadgen = await cli(['loadgen', ...service, '--rate', '20', '--duration', '1'], { TMON_SERVER: server });
    assert.match(loadgen.stderr, new RegExp(`cannot reach ${server}:`));
  });

  it('refuses a TMON_SERVER that is not an http(s) URL, naming it', async () => {
    const res = await cli(['send', ...service], { TMON_SERVER: 'localhost:8000' });
    assert.equal(res.status, 2);
    assert.match(
      res.stderr,
      /TMON_SERVER must be an http\(s\) URL such as http:\/\/localhost:8000, got "localhost:8000"/,
    );
  });
});

describe('tmon send and tmon loadgen', () => {
  let tmon: ListeningTmon;
  let target: string[];

  before(async () => {
    tmon = await startListeningTmon();
    target = ['--server', tmon.url, '--wsid', String(tmon.service.id), '--secret', tmon.service.secret];
  });
  after(() => tmon.close());

  it('sends one event and prints the answer as JSON', async () => {
    const res = await cli([
      'send',
      ...target,
      '--url',
      '/from-cli',
      '--ip',
      '81.2.69.142',
      '--username',
      'ann',
      '--json',
    ]);
    assert.equal(res.status, 0, res.stderr);
    assert.deepEqual(JSON.parse(res.stdout), { status: 200, status_code: 200, accepted: 1 });
    const [event] = await storedEvents(tmon, 1);
    assert.deepEqual(
      { url: event?.url, ip: event?.ip, username: event?.username, country: event?.geo?.country },
      { url: '/from-cli', ip: '81.2.69.142', username: 'ann', country: 'GB' },
    );
    assert.match(event?.useragent ?? '', /^tmon send/);
  });

  it('sends with a legacy protocol and prints the answer as text', async () => {
    const res = await cli(['send', ...target, '--protocol', 'gen2', '--url', '/gen2-from-cli']);
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stdout, /^200 stored \(1 event\)/);
  });

  it('sends to TMON_SERVER when --server is not given', async () => {
    const res = await cli(['send', ...target.slice(2), '--url', '/via-env', '--json'], { TMON_SERVER: tmon.url });
    assert.equal(res.status, 0, res.stderr);
    const [event] = await storedEvents(tmon, 1);
    assert.equal(event?.url, '/via-env');
  });

  it('prints the refusal and exits 1 when tmon refuses the event', async () => {
    const res = await cli(['send', ...target.slice(0, 4), '--secret', 'Wrong0Secret0Wrong0Secret0Wrong0', '--json']);
    assert.equal(res.status, 1);
    assert.equal(JSON.parse(res.stdout).error, 'decryption_failed');
  });

  it('generates paced traffic from many countries and reports rate, latency and errors', async () => {
    const before = (await storedEvents(tmon)).length;
    // seeded: the mix is drawn at random, and ~1 % of events carry a 5xx status, so an unseeded
    // run of ~400 events has none about once in 50 runs
    const res = await cli(['loadgen', ...target, '--rate', '200', '--duration', '2', '--seed', '7', '--json']);
    assert.equal(res.status, 0, res.stderr);
    const summary = JSON.parse(res.stdout);
    assert.equal(summary.rate_asked, 200);
    assert.ok(summary.rate_reached > 150 && summary.rate_reached < 250, `rate reached ${summary.rate_reached}`);
    assert.ok(summary.latency_ms.p50 > 0 && summary.latency_ms.p50 <= summary.latency_ms.p99);
    assert.deepEqual(summary.errors, {});
    assert.equal(summary.events.accepted, summary.events.sent);
    const all = await storedEvents(tmon);
    const stored = all.slice(0, all.length - before);
    assert.ok(stored.length >= 360 && stored.length <= 440, `${stored.length} events stored for 200/s × 2 s`);
    assert.equal(stored.length, summary.events.accepted);
    const countries = new Set(stored.map((e) => e.geo?.country).filter(Boolean));
    assert.ok(countries.size >= 15, `${countries.size} countries`);
    assert.ok(
      stored.every((e) => e.geo?.city),
      'every address resolves to a city',
    );
    const devices = new Set(stored.map((e) => e.agent.device));
    for (const device of ['desktop', 'mobile', 'tablet', 'bot']) assert.ok(devices.has(device as never), device);
    assert.ok(
      stored.some((e) => e.status !== null && e.status >= 500),
      'a few server errors',
    );
  });

  it('sends v2 batches with --batch and refuses --batch with a legacy protocol', async () => {
    const res = await cli(['loadgen', ...target, '--rate', '1000', '--duration', '1', '--batch', '50', '--json']);
    assert.equal(res.status, 0, res.stderr);
    const summary = JSON.parse(res.stdout);
    assert.equal(summary.events.accepted, summary.requests.ok * 50);
    const wrong = await cli([
      'loadgen',
      ...target,
      '--rate',
      '10',
      '--duration',
      '1',
      '--batch',
      '5',
      '--protocol',
      'gen1',
    ]);
    assert.equal(wrong.status, 2);
    assert.match(wrong.stderr, /--batch above 1 needs --protocol v2/);
  });
});
