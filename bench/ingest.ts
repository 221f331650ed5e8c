/**
 * npm run bench:ingest: collect throughput of tmon against a bare node:http
 * server answering the same requests in the same run (SPEC §8), then checks
 * that every acknowledged event is in the store after a SIGTERM.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseOptions } from './support/args.js';
import {
  BodySource,
  makeScenario,
  measureBuildMicros,
  SCENARIO_KEYS,
  type Scenario,
  type ScenarioKey,
} from './support/bodies.js';
import { type LoadResult, runLoad } from './support/load.js';
import { REPO_ROOT, type ServerProcess, spawnServer } from './support/processes.js';
import { describeMachine, fixed, int, printTargets, type Target, table } from './support/report.js';
import { addService, addToken, startTmon } from './support/tmon.js';
import { checkStored } from './support/verify-store.js';

const options = parseOptions('npm run bench:ingest --', {
  duration: { kind: 'number', default: 10, help: 'seconds of each timed run' },
  warmup: { kind: 'number', default: 2, help: 'seconds of warm-up before each timed run (not counted)' },
  connections: { kind: 'number', default: 50, help: 'keep-alive connections of the load generator' },
  scenarios: { kind: 'string', default: SCENARIO_KEYS.join(','), help: 'which scenarios, comma-separated' },
  'pool-mb': { kind: 'number', default: 400, help: 'memory for bodies built before a timed run' },
  'cpu-prof': { kind: 'string', help: 'write a V8 CPU profile of tmon into this directory' },
  keep: { kind: 'boolean', help: "keep tmon's data directory" },
});

/** sent_at must stay within 300 s of the server's clock: pre-built v2 bodies are only used in shorter runs. */
const MAX_PREBUILT_AGE_S = 240;
const SINGLE_RATIO_TARGET = 0.5;
const BATCH_EVENTS_TARGET = 100_000;

interface Row {
  scenario: Scenario;
  buildMicros: number;
  bare: LoadResult;
  tmon: LoadResult;
  pool: { size: number; seconds: number; onDemand: number };
}

const log = (line = '') => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  const keys = options.scenarios.split(',').map((k) => k.trim()) as ScenarioKey[];
  const unknown = keys.filter((k) => !SCENARIO_KEYS.includes(k));
  if (unknown.length > 0)
    throw new Error(`unknown scenario ${unknown.join(', ')} (known: ${SCENARIO_KEYS.join(', ')})`);

  log('tmon ingest benchmark (SPEC §8): POST /data/collect, keep-alive, load only on 127.0.0.1');
  log(describeMachine());
  log(
    `load: autocannon, ${options.connections} connections, pipelining 1, ${options.warmup} s warm-up + ${options.duration} s per server and scenario`,
  );

  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tmon-bench-ingest-'));
  let bare: ServerProcess | null = null;
  let tmon: ServerProcess | null = null;
  try {
    bare = await spawnServer({
      name: 'bare node:http',
      args: ['--import', 'tsx', path.join(REPO_ROOT, 'bench/bare-server.ts')],
      ready: /bare listening on http:\/\/[^:\s]+:(\d+)/,
    });
    tmon = await startTmon({ dataDir, cpuProfDir: options['cpu-prof'] });
    const service = await addService(dataDir, 'bench');
    const token = await addToken(dataDir);
    log(`bare node:http pid ${bare.pid} port ${bare.port}; tmon pid ${tmon.pid} port ${tmon.port}, data ${dataDir}`);
    log();

    const rows: Row[] = [];
    const acked = new Map<Scenario, number[]>();
    let tmonErrors = 0;
    for (const key of keys) {
      const scenario = makeScenario(key, service);
      const buildMicros = measureBuildMicros(scenario);
      log(`${scenario.label}: one body costs ${fixed(buildMicros, 1)} µs to build on demand`);

      // the bare server checks nothing: a cycled pool of distinct bodies costs the client the same per request
      const bareSource = new BodySource(scenario, 0, true);
      bareSource.prebuild(2_000);
      await runLoad({ ...load(options.warmup), port: bare.port, source: bareSource });
      const bareRun = await runLoad({ ...load(options.duration), port: bare.port, source: bareSource });

      // tmon: unique bodies; as many pre-built as the bare rate could use, within the memory budget
      const source = new BodySource(scenario, 1);
      const runSeconds = options.warmup + options.duration;
      const bodyBytes = scenario.body(0).length * 2 + 64;
      const wanted = Math.ceil(bareRun.okPerSecond * runSeconds * 1.2) + options.connections * 2;
      const affordable = Math.floor((options['pool-mb'] * 1024 * 1024) / bodyBytes);
      const poolSize =
        runSeconds > MAX_PREBUILT_AGE_S && key !== 'gen1' && key !== 'gen2' ? 0 : Math.min(wanted, affordable);
      const poolSeconds = source.prebuild(poolSize);
      const warm = await runLoad({ ...load(options.warmup), port: tmon.port, source });
      const tmonRun = await runLoad({ ...load(options.duration), port: tmon.port, source });
      acked.set(scenario, [...warm.acked, ...tmonRun.acked]);
      tmonErrors += warm.errors + warm.non2xx + tmonRun.errors + tmonRun.non2xx;
      const pool = { size: poolSize, seconds: poolSeconds, onDemand: source.builtOnDemand };
      rows.push({ scenario, buildMicros, bare: bareRun, tmon: tmonRun, pool });
      log(
        `  bare ${int(bareRun.okPerSecond)} req/s, tmon ${int(tmonRun.okPerSecond)} req/s; ` +
          `${int(pool.size)} bodies pre-built in ${fixed(pool.seconds, 1)} s, ${int(pool.onDemand)} built on demand` +
          (tmonRun.non2xx > 0
            ? `; tmon status codes ${JSON.stringify(tmonRun.statusCodes)}, first: ${tmonRun.firstRefusal}`
            : ''),
      );
    }

    const metrics = await serverCounters(tmon.port, token);
    await bare.stop();
    const exitCode = await tmon.stop(60_000);
    tmon = null;

    const ackedCount = [...acked].reduce((sum, [s, ns]) => sum + ns.length * s.eventsPerRequest, 0);
    const check = await checkStored(dataDir, service.id, {
      count: ackedCount,
      *ids() {
        for (const [scenario, ns] of acked) for (const n of ns) yield* scenario.ids(n);
      },
    });

    log();
    log(resultsTable(rows));
    log();
    log(
      `store after SIGTERM (tmon exit code ${exitCode}): ${int(check.stored)} events stored; ` +
        `${int(check.acknowledged)} acknowledged by a 200 the load generator read, ${int(check.missing)} of them missing` +
        (check.missing > 0 ? ` (e.g. ${check.missingExamples.join(', ')})` : '') +
        `; ${int(check.unacknowledged)} stored whose answer was still in flight when a run ended`,
    );
    log(
      `tmon's own counters before SIGTERM: ${int(metrics.accepted)} events accepted (answered 200), ${int(metrics.stored)} newly stored`,
    );
    log();
    printTargets(targets(rows, tmonErrors, check, metrics, exitCode));
    if (options['cpu-prof']) log(`CPU profile of tmon written to ${options['cpu-prof']}`);
    return 0;
  } finally {
    await bare?.stop();
    await tmon?.stop();
    if (options.keep) log(`kept tmon's data directory: ${dataDir}`);
    else await rm(dataDir, { recursive: true, force: true });
  }
}

function load(duration: number) {
  return { duration, connections: options.connections };
}

function resultsTable(rows: readonly Row[]): string {
  return table([
    [
      'scenario',
      'bare req/s',
      'tmon req/s',
      'ratio',
      'tmon events/s',
      'errors',
      'non-2xx',
      'p50 ms',
      'p99 ms',
      'bare p50/p99 ms',
    ],
    ...rows.map(({ scenario, bare, tmon }) => [
      scenario.label,
      int(bare.okPerSecond),
      int(tmon.okPerSecond),
      `${fixed((tmon.okPerSecond / bare.okPerSecond) * 100, 0)} %`,
      int(tmon.okPerSecond * scenario.eventsPerRequest),
      int(tmon.errors),
      int(tmon.non2xx),
      fixed(tmon.p50, 0),
      fixed(tmon.p99, 0),
      `${fixed(bare.p50, 0)} / ${fixed(bare.p99, 0)}`,
    ]),
  ]);
}

interface ServerCounters {
  accepted: number;
  stored: number;
}

/** tmon's /metrics: what the server itself answered 200 and stored. */
async function serverCounters(port: number, token: string): Promise<ServerCounters> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
  const text = await response.text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return { accepted: value('tmon_collect_accepted_events_total'), stored: value('tmon_collect_stored_events_total') };
}

function targets(
  rows: readonly Row[],
  tmonErrors: number,
  check: Awaited<ReturnType<typeof checkStored>>,
  metrics: ServerCounters,
  exitCode: number | null,
): Target[] {
  const out: Target[] = [];
  for (const { scenario, bare, tmon } of rows) {
    if (scenario.eventsPerRequest === 1) {
      const ratio = tmon.okPerSecond / bare.okPerSecond;
      out.push({
        name: `${scenario.label} ≥ ${SINGLE_RATIO_TARGET * 100} % of bare node:http`,
        met: ratio >= SINGLE_RATIO_TARGET,
        detail: `${fixed(ratio * 100, 0)} % (${int(tmon.okPerSecond)} / ${int(bare.okPerSecond)} req/s)`,
      });
    } else {
      const eventsPerSecond = tmon.okPerSecond * scenario.eventsPerRequest;
      out.push({
        name: `${scenario.label} ≥ ${int(BATCH_EVENTS_TARGET)} events/s`,
        met: eventsPerSecond >= BATCH_EVENTS_TARGET,
        detail: `${int(eventsPerSecond)} events/s`,
      });
    }
  }
  out.push({
    name: 'zero errors',
    met: tmonErrors === 0,
    detail: `${int(tmonErrors)} errors, timeouts or non-2xx answers from tmon (warm-ups included)`,
  });
  out.push({
    name: 'every acknowledged event stored',
    met: check.missing === 0 && metrics.accepted === check.stored && exitCode === 0,
    detail:
      `${int(check.missing)} of ${int(check.acknowledged)} acknowledged events missing; ` +
      `stored ${int(check.stored)} = accepted by tmon ${int(metrics.accepted)}: ${metrics.accepted === check.stored ? 'yes' : 'NO'}; clean exit: ${exitCode === 0 ? 'yes' : 'NO'}`,
  });
  return out;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `bench:ingest failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
