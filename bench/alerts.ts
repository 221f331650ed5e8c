/**
 * npm run bench:alerts: the cost of evaluating alert rules. 1,000 rules over
 * 100 services (every kind, some narrowed to a URL prefix) on a store with
 * traffic of the last minutes and of the same minutes on the 7 days before;
 * then rounds of evaluation as the server runs them, the clock moving one
 * interval per round, and the process's CPU (every thread: the writer
 * thread answers the readings) per round, as a share of one core at the
 * interval. SQLite by default, PostgreSQL with --database-url.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AlertEvaluator, type RoundSummary } from '../src/alerts/evaluator.js';
import type { RuleKind, RuleSettings } from '../src/alerts/rules.js';
import { loadConfig } from '../src/config.js';
import type { EnrichedEvent } from '../src/enrich/enriched-event.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';
import { parseOptions } from './support/args.js';
import { createBenchSchema } from './support/postgres.js';
import { describeMachine, fixed, int, printTargets, type Target, table } from './support/report.js';
import { commandAsTyped, RECORD_OPTION, recordResults } from './support/results-file.js';

const options = parseOptions('npm run bench:alerts --', {
  services: { kind: 'number', default: 100, help: 'services' },
  rules: { kind: 'number', default: 1_000, help: 'rules, spread evenly over the services' },
  rounds: { kind: 'number', default: 60, help: 'timed evaluation rounds (after 3 untimed)' },
  interval: { kind: 'number', default: 10, help: 'seconds between rounds, as TMON_ALERT_INTERVAL_SECONDS' },
  'database-url': { kind: 'string', help: 'evaluate on PostgreSQL (a fresh schema there) instead of SQLite' },
  record: RECORD_OPTION,
});

const MINUTE = 60_000;
const DAY = 86_400_000;
/** the run stops timing after this long, whatever --rounds says */
const BUDGET_MS = 30_000;

/** The mix of one service's 10 rules: every kind, three narrowed to a prefix. */
const MIX: { kind: RuleKind; threshold: number; windowSeconds: number; urlPrefix: string | null }[] = [
  { kind: 'spike', threshold: 5_000, windowSeconds: 300, urlPrefix: null },
  { kind: 'spike', threshold: 500, windowSeconds: 60, urlPrefix: '/api/' },
  { kind: 'silence', threshold: 0, windowSeconds: 300, urlPrefix: null },
  { kind: 'silence', threshold: 0, windowSeconds: 900, urlPrefix: '/checkout/' },
  { kind: 'error_share', threshold: 5, windowSeconds: 300, urlPrefix: null },
  { kind: 'error_share', threshold: 5, windowSeconds: 600, urlPrefix: '/api/' },
  { kind: 'p95', threshold: 800, windowSeconds: 300, urlPrefix: null },
  { kind: 'p95', threshold: 800, windowSeconds: 3_600, urlPrefix: null },
  { kind: 'baseline', threshold: 3, windowSeconds: 600, urlPrefix: null },
  { kind: 'spike', threshold: 20_000, windowSeconds: 3_600, urlPrefix: null },
];

const URLS = ['/', '/api/orders', '/api/items/7', '/checkout/pay', '/products/42', '/about'];

function event(ts: number, i: number): EnrichedEvent {
  return {
    url: URLS[i % URLS.length] as string,
    ip: '93.184.216.34',
    useragent: 'Mozilla/5.0',
    ts,
    id: null,
    method: 'GET',
    status: i % 25 === 0 ? 503 : 200,
    durationMs: 20 + ((i * 37) % 400),
    referrer: null,
    username: null,
    extra: null,
    geo: null,
    agent: {
      browser: 'Firefox',
      browserVersion: '120',
      os: 'Linux',
      osVersion: null,
      device: 'desktop',
      vendor: null,
      model: null,
      bot: false,
    },
  } as EnrichedEvent;
}

async function seed(store: Store, now: number): Promise<number[]> {
  const owner = await store.accounts.createUser({ name: 'bench', passwordHash: 'x', admin: false, now });
  const serviceIds: number[] = [];
  for (let s = 0; s < options.services; s++) {
    const service = await store.accounts.createService({
      name: `svc-${s}`,
      ownerId: owner.id,
      secret: 'a'.repeat(32),
      now,
    });
    serviceIds.push(service.id);
  }
  for (let r = 0; r < options.rules; r++) {
    const serviceId = serviceIds[r % serviceIds.length] as number;
    const mix = MIX[Math.floor(r / serviceIds.length) % MIX.length]!;
    const settings: RuleSettings = {
      name: `rule ${r}`,
      ...mix,
      minRequests: 20,
      errorsFrom: 500,
      forSeconds: 0,
      repeatMinutes: null,
      mutedUntil: null,
    };
    await store.alertRules.createRule(serviceId, settings, now);
  }
  return serviceIds;
}

/** 10 minutes of traffic up to `now` and the same 10 minutes on each of the 7 days before: 2 requests/s per service. */
async function traffic(store: Store, serviceIds: readonly number[], now: number): Promise<number> {
  let written = 0;
  for (const serviceId of serviceIds) {
    for (let d = 0; d <= 7; d++) {
      const events = Array.from({ length: 1_200 }, (_, i) => event(now - d * DAY - 10 * MINUTE + i * 500, i));
      await store.events.writeEvents([{ serviceId, events, replayKey: null, replayKeyExpiresAt: null }], now);
      written += events.length;
    }
  }
  return written;
}

async function main(): Promise<void> {
  console.log(describeMachine('this process: the store (its writer thread too) and the evaluator'));
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tmon-bench-alerts-'));
  let dropSchema: (() => Promise<void>) | null = null;
  let databaseUrl: string | null = null;
  if (options['database-url']) {
    const schema = await createBenchSchema(options['database-url']);
    databaseUrl = schema.tmonUrl;
    dropSchema = schema.drop;
  }
  const config = loadConfig(
    { data: dataDir },
    { TMON_LOG_LEVEL: 'silent', ...(databaseUrl ? { TMON_DATABASE_URL: databaseUrl } : {}) },
    process.cwd(),
  );
  const store = await openStore(config, { sqliteWriter: 'thread', onBackgroundError: (e) => console.error(e) });
  try {
    await store.migrate();
    let now = Date.UTC(2026, 0, 15, 12, 0, 0);
    const serviceIds = await seed(store, now);
    const evaluator = new AlertEvaluator({
      rules: store.alertRules,
      events: store.events,
      clock: () => now,
      publicUrl: null,
      log: { error: (message, error) => console.error(message, error) },
    });
    // a first round tells the store the prefixes the rules watch: the traffic is then counted under them too
    await evaluator.evaluateNow();
    const events = await traffic(store, serviceIds, now);
    const intervalMs = options.interval * 1000;
    for (let i = 0; i < 3; i++) {
      now += intervalMs;
      await evaluator.evaluateNow();
    }
    const perRound: number[] = [];
    const wallPerRound: number[] = [];
    const totals: RoundSummary = { rules: 0, transitions: 0, deliveries: 0, lost: 0 };
    const started = Date.now();
    for (let i = 0; i < options.rounds && Date.now() - started < BUDGET_MS; i++) {
      now += intervalMs;
      const before = process.cpuUsage();
      const wallBefore = performance.now();
      const round = await evaluator.evaluateNow();
      wallPerRound.push(performance.now() - wallBefore);
      const used = process.cpuUsage(before);
      perRound.push((used.user + used.system) / 1000);
      totals.rules += round.rules;
      totals.transitions += round.transitions;
    }
    perRound.sort((a, b) => a - b);
    const mean = perRound.reduce((a, b) => a + b, 0) / perRound.length;
    const p95 = perRound[Math.min(perRound.length - 1, Math.ceil(0.95 * perRound.length) - 1)] ?? 0;
    const share = (100 * mean) / intervalMs;
    const storage = databaseUrl
      ? "PostgreSQL (tmon's process only: the database server's CPU is not counted)"
      : 'SQLite (writer thread)';
    const figures = [
      `${int(options.rules)} rules over ${int(serviceIds.length)} services on ${storage}; ${int(events)} events seeded (10 min now and on each of the 7 days before)`,
      table([
        [
          'rounds',
          'CPU ms per round: mean',
          'p95',
          'max',
          `CPU at one round per ${options.interval} s`,
          'wall-clock ms per round: mean',
          'transitions',
        ],
        [
          int(perRound.length),
          fixed(mean, 1),
          fixed(p95, 1),
          fixed(perRound.at(-1) ?? 0, 1),
          `${fixed(share, 2)} % of a core`,
          fixed(wallPerRound.reduce((a, b) => a + b, 0) / wallPerRound.length, 1),
          int(totals.transitions),
        ],
      ]),
    ];
    for (const line of figures) console.log(line);
    const targets: Target[] = [
      {
        name: `evaluating ${int(options.rules)} rules costs < 5 % of a core`,
        met: share < 5,
        detail: `${fixed(share, 2)} % (${fixed(mean, 1)} ms of CPU per round every ${options.interval} s)`,
      },
    ];
    printTargets(targets);
    if (options.record) {
      await recordResults({
        benchmark: 'bench:alerts',
        command: commandAsTyped('bench:alerts', 'bench/alerts.ts'),
        figures,
        targets,
      });
    }
  } finally {
    await store.close();
    await dropSchema?.();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
