/**
 * `npm run demo`: tmon on a throw-away data directory with a demo user and
 * service, fed by the load generator, so a newcomer sees live traffic on the
 * map within seconds. Ctrl-C stops both and removes the data.
 *
 * One process: the server and the generator share the GeoIP data (~130 MB)
 * and stop together. Settings come from the flags only, never from TMON_*
 * variables: a demo must not write into a configured PostgreSQL.
 */
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generatePassword } from './accounts/random.js';
import { buildApp } from './app.js';
import { systemClock } from './clock.js';
import { loadConfig } from './config.js';
import { openGeoLocator } from './enrich/geoip.js';
import { progressPrinter } from './loadgen/report.js';
import { runLoadgen } from './loadgen/run-loadgen.js';
import { createTrafficSource } from './loadgen/traffic-source.js';
import { createLogger } from './log.js';
import { createRuntime } from './runtime.js';

/** events per second: a lively map and chart, nothing a laptop notices */
const DEFAULT_RATE = 20;
/** sent at once at the start, so the map and the rankings are not empty while the first seconds tick by */
const WARM_UP_EVENTS = 500;

const { values } = parseArgs({
  options: { port: { type: 'string', default: '8000' }, rate: { type: 'string' } },
  strict: true,
});
const rate = values.rate === undefined ? DEFAULT_RATE : Number(values.rate);
if (!(rate > 0)) throw new Error('--rate must be a positive number');

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tmon-demo-'));
const removeData = () => rmSync(dataDir, { recursive: true, force: true });
const demoPassword = generatePassword();
const config = loadConfig(
  { data: dataDir, port: values.port },
  { TMON_LOG_LEVEL: 'warn', TMON_ADMIN_PASSWORD: generatePassword() },
  process.cwd(),
);
const log = createLogger(config.logLevel);
const geo = await openGeoLocator({});
const runtime = await createRuntime(
  config,
  systemClock,
  {
    info: (message) => log.info(message),
    error: (message, error) => log.error({ err: error }, message),
  },
  { geo },
);
await runtime.accounts.ensureAdmin(config.adminPassword, generatePassword);
await runtime.accounts.addUser('demo', demoPassword, false);
const service = await runtime.accounts.addService({ name: 'demo', ownerName: 'demo' });
const app = await buildApp({ ...runtime, logger: log });

const stopTraffic = new AbortController();
let stopping = false;
async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    stopTraffic.abort();
    process.stderr.write('\nstopping the demo and removing its data…\n');
    try {
      await app.close();
      await runtime.close();
    } finally {
      removeData();
    }
  }
  process.exit(code);
}
process.once('SIGINT', () => void stop(0));
process.once('SIGTERM', () => void stop(0));
// a second Ctrl-C while stopping: leave at once, still without leaving data behind
process.on('exit', removeData);

try {
  await app.listen({ port: config.port, host: config.host });
} catch (error) {
  const taken = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
  process.stderr.write(
    taken
      ? `port ${config.port} is taken: try npm run demo -- --port ${config.port + 1}\n`
      : `tmon demo: ${(error as Error).message}\n`,
  );
  await stop(1);
}

const base = `http://localhost:${config.port}`;
process.stdout.write(
  [
    '',
    `tmon demo: open ${base}/login?next=/view/dashboard/${service.id} — user demo, password ${demoPassword}`,
    `           service "demo" (id ${service.id}, secret ${service.secret}) receives ~${rate} events/s from the load generator`,
    `           data in ${dataDir} (removed on exit); Ctrl-C stops`,
    '',
    '',
  ].join('\n'),
);

const traffic = await createTrafficSource({ locator: geo });
const target = {
  server: `http://127.0.0.1:${config.port}`,
  wsid: service.id,
  secret: service.secret,
  protocol: 'v2' as const,
};
await runLoadgen({
  ...target,
  rate: WARM_UP_EVENTS * 4,
  durationSec: 0.25,
  concurrency: 2,
  batch: 100,
  // dated over the last 25 s at the demo's own pace: the chart starts with a history, not a spike
  nextEvent: () => ({ ...traffic.nextEvent(), ts: Date.now() - Math.random() * (WARM_UP_EVENTS / rate) * 1000 }),
  signal: stopTraffic.signal,
});
const printer = progressPrinter(process.stderr);
await runLoadgen({
  ...target,
  rate,
  durationSec: 0,
  concurrency: 4,
  batch: 1,
  nextEvent: traffic.nextEvent,
  signal: stopTraffic.signal,
  onProgress: printer.onProgress,
});
