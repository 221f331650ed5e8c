/**
 * The real OpenTelemetry Node SDK exporting to tmon: a node:http service
 * instrumented with the SDK's HTTP instrumentation, in a child process
 * (test/support/otlp-instrumented-server.ts), sends its spans through the
 * OTLP/HTTP protobuf exporter and, in a second run, the OTLP/HTTP JSON
 * exporter, configured only by OTEL_EXPORTER_OTLP_TRACES_ENDPOINT and
 * OTEL_EXPORTER_OTLP_HEADERS. Requests from several addresses (through
 * X-Forwarded-For, which the instrumentation reports as client.address)
 * and browsers must reach the rankings, the map, the latest events and the
 * live stream, with their status, duration, user and route.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, fork } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ListeningTmon, startListeningTmon, waitFor } from '../support/client-helpers.js';
import { type OpenedStream, openLiveStream } from '../support/live-streams.js';
import { IPHONE_UA, WINDOWS_CHROME_UA } from '../support/senders.js';
import { addTestToken } from '../support/test-tmon.js';
import { REPO } from '../support/tmon-process.js';

const SERVER_SCRIPT = path.join(REPO, 'test/support/otlp-instrumented-server.ts');
const LINUX_FIREFOX_UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';

interface Visit {
  method: string;
  path: string;
  from: string;
  useragent: string;
}

/** who asks what: three countries (GB, US, BR), three browsers, each status the service answers */
const VISITS: Visit[] = [
  { method: 'GET', path: '/products/42', from: '81.2.69.142', useragent: IPHONE_UA },
  { method: 'GET', path: '/products/7?ref=mail', from: '8.8.8.8', useragent: WINDOWS_CHROME_UA },
  { method: 'GET', path: '/slow', from: '200.160.2.3', useragent: LINUX_FIREFOX_UA },
  { method: 'GET', path: '/account', from: '81.2.69.142', useragent: IPHONE_UA },
  { method: 'GET', path: '/missing', from: '8.8.8.8', useragent: WINDOWS_CHROME_UA },
  { method: 'POST', path: '/fail', from: '200.160.2.3', useragent: LINUX_FIREFOX_UA },
];

/** One request to the instrumented service, as a browser behind a proxy sends it. */
function visit(port: number, { method, path: target, from, useragent }: Visit): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, method, path: target, agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.setHeader('user-agent', useragent);
    request.setHeader('x-forwarded-for', `${from}, 10.0.0.1`);
    request.on('error', reject);
    request.end();
  });
}

/** The instrumented service, exporting to `endpoint` with `token`; resolves once it listens, with its port. */
function startService(
  kind: 'proto' | 'json',
  endpoint: string,
  token: string,
): Promise<{ child: ChildProcess; port: number }> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !name.startsWith('OTEL_')) env[name] = value;
  }
  env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = endpoint;
  // the specification's form: name=value pairs, the value percent-encoded
  env.OTEL_EXPORTER_OTLP_HEADERS = `Authorization=Bearer%20${token}`;
  const child = fork(SERVER_SCRIPT, [kind], {
    execArgv: ['--import', 'tsx'],
    env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the instrumented service exited (${code})`)));
    child.once('message', (message) => resolve({ child, port: (message as { port: number }).port }));
  });
}

/** Asks the service to export every span it holds; resolves once the exporter's request was answered. */
function flush(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once('message', (message) => {
      if (message === 'flushed') resolve();
      else reject(new Error(`flush failed: ${JSON.stringify(message)}`));
    });
    child.send('flush');
  });
}

for (const kind of ['proto', 'json'] as const) {
  describe(`the OpenTelemetry Node SDK exporting to tmon, OTLP/HTTP ${kind === 'proto' ? 'protobuf' : 'JSON'}`, () => {
    let tmon: ListeningTmon;
    let child: ChildProcess | undefined;
    let stream: OpenedStream;
    const statuses: number[] = [];

    const query = async (url: string) => {
      const res = await tmon.app.inject({ url, headers: { authorization: `Bearer ${tmon.aliceToken}` } });
      assert.equal(res.statusCode, 200, res.body);
      return res.json().results as Record<string, unknown>[];
    };
    /** a ranking as {value: requests}, once it counts every visit (rankings trail commits by up to a second) */
    const ranking = async (dimension: string) => {
      let rows: Record<string, unknown>[] = [];
      await waitFor(async () => {
        rows = await query(`/1/data/users/${dimension}?window=1h`);
        return rows.reduce((sum, row) => sum + Number(row.requests), 0) === VISITS.length;
      });
      return Object.fromEntries(rows.map((row) => [row[dimension], row.requests]));
    };

    before(async () => {
      tmon = await startListeningTmon();
      const token = await addTestToken(tmon.runtime, 'alice', 'ingest', tmon.service.id);
      stream = await openLiveStream(tmon.url, tmon.service.id, tmon.aliceToken);
      const service = await startService(kind, `${tmon.url}/v1/traces`, token);
      child = service.child;
      for (const each of VISITS) statuses.push(await visit(service.port, each));
      await flush(child);
      await waitFor(async () => (await tmon.runtime.eventStore.countEvents(tmon.service.id)) === VISITS.length);
    });
    after(async () => {
      child?.removeAllListeners('exit');
      child?.disconnect();
      child?.kill();
      await stream?.close();
      await tmon?.close();
    });

    it('served every request (the service answered as it was asked to)', () => {
      assert.deepEqual(statuses, [200, 200, 200, 200, 404, 500]);
    });

    it('stores one event per request, with its path, method, status, duration, user, address and route', async () => {
      const latest = await query('/1/data/latest?limit=50');
      assert.equal(latest.length, VISITS.length);
      const byUrl = new Map(latest.map((event) => [event.url, event]));
      for (const [i, { path: url, from, method }] of VISITS.entries()) {
        const event = byUrl.get(url);
        assert.ok(event, `${url} is stored: ${[...byUrl.keys()]}`);
        assert.deepEqual([event.ip, event.method, event.status], [from, method, statuses[i]], url);
        assert.match(String(event.id), /^otel-[0-9a-z]{8}-[0-9a-f]{32}-[0-9a-f]{16}$/);
        assert.equal((event.extra as Record<string, unknown>)['service.name'], `shop-${kind}`);
        assert.equal((event.extra as Record<string, unknown>)['deployment.environment'], 'test');
      }
      assert.ok(
        Number(byUrl.get('/slow')?.duration_ms) >= 300,
        `the slow route took ${byUrl.get('/slow')?.duration_ms} ms`,
      );
      assert.ok(Number(byUrl.get('/products/42')?.duration_ms) < 300);
      assert.equal(
        (byUrl.get('/products/42')?.extra as Record<string, unknown> | undefined)?.['http.route'],
        '/products/:id',
      );
      assert.equal(byUrl.get('/account')?.username, 'ann');
      assert.equal(byUrl.get('/products/42')?.useragent, IPHONE_UA);
    });

    it('puts the requests in the country, browser, OS and device rankings', async () => {
      assert.deepEqual(await ranking('country'), { GB: 2, US: 2, BR: 2 });
      assert.deepEqual(await ranking('browser'), { 'Mobile Safari': 2, Chrome: 2, Firefox: 2 });
      assert.deepEqual(await ranking('os'), { iOS: 2, Windows: 2, Linux: 2 });
      const devices = await ranking('device');
      assert.equal(devices.mobile, 2);
    });

    it('puts the requests on the map', async () => {
      const points = await query('/1/data/users/locations/90/180/-90/-180?window=1h');
      assert.deepEqual([...new Set(points.map((point) => point.country))].sort(), ['BR', 'GB', 'US']);
    });

    it('shows the requests on the live stream', async () => {
      for (const { path: url } of VISITS) await stream.waitFor(JSON.stringify(url).slice(0, -1), 5_000);
    });
  });
}
