/**
 * npm run bench:ingest: collect throughput of tmon against a bare node:http
 * server answering the same requests in the same run (SPEC §8), then checks
 * that every acknowledged event is in the store after a SIGTERM.
 *
 * `--store postgres` adds, per scenario, tmon on PostgreSQL (a fresh schema)
 * and two tmon processes on that schema sharing the load, with tmon on SQLite
 * as the baseline of the same run, and the CPU each run cost.
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
import {
  type BenchSchema,
  checkStoredPostgres,
  createBenchSchema,
  DEFAULT_DATABASE_URL,
  postgresVersion,
} from './support/postgres.js';
import { type CpuUsed, cpuSince, cpuSnapshot } from './support/proc-cpu.js';
import { REPO_ROOT, type ServerProcess, spawnServer } from './support/processes.js';
import { describeMachine, fixed, int, printTargets, type Target, table } from './support/report.js';
import { addService, addToken, type BenchService, startTmon } from './support/tmon.js';
import { checkStored, type StoreCheck } from './support/verify-store.js';

const options = parseOptions('npm run bench:ingest --', {
  duration: { kind: 'number', default: 10, help: 'seconds of each timed run' },
  warmup: { kind: 'number', default: 2, help: 'seconds of warm-up before each timed run (not counted)' },
  connections: { kind: 'number', default: 50, help: 'keep-alive connections of the load generator' },
  scenarios: { kind: 'string', default: SCENARIO_KEYS.join(','), help: 'which scenarios, comma-separated' },
  'pool-mb': { kind: 'number', default: 400, help: 'memory for bodies built before a timed run' },
  'cpu-prof': { kind: 'string', help: 'write a V8 CPU profile of tmon into this directory' },
  keep: { kind: 'boolean', help: "keep tmon's data directory (and the PostgreSQL schema)" },
  store: {
    kind: 'string',
    default: 'sqlite',
    help: 'sqlite, or postgres: also tmon on PostgreSQL, one process and two, against SQLite in the same run',
  },
  'database-url': {
    kind: 'string',
    default: process.env.TMON_BENCH_DATABASE_URL || DEFAULT_DATABASE_URL,
    help: 'the PostgreSQL for --store postgres (a schema tmon_bench_<random> is created there and dropped)',
  },
});

/** sent_at must stay within 300 s of the server's clock: pre-built v2 bodies are only used in shorter runs. */
const MAX_PREBUILT_AGE_S = 240;
const SINGLE_RATIO_TARGET = 0.5;
const BATCH_EVENTS_TARGET = 100_000;
const POSTGRES_RATIO_TARGET = 0.5;

interface Row {
  scenario: Scenario;
  buildMicros: number;
  bare: LoadResult;
  tmon: LoadResult;
  pool: { size: number; seconds: number; onDemand: number };
  /** CPU used during tmon's timed run on SQLite */
  tmonCpu: CpuUsed;
  /** with --store postgres */
  pg?: PostgresRow;
}

interface PostgresRow {
  /** one tmon process on PostgreSQL */
  single: LoadResult;
  singleCpu: CpuUsed;
  /** two tmon processes on the same schema, the connections spread over both */
  dual: LoadResult;
  dualCpu: CpuUsed;
}

/** tmon on PostgreSQL: two processes on one schema (the first alone for the one-process runs). */
interface PostgresSide {
  schema: BenchSchema;
  dataDirs: [string, string];
  first: ServerProcess | null;
  second: ServerProcess | null;
  service: BenchService;
  token: string;
  acked: [Scenario, number[]][];
  errors: number;
}

const log = (line = '') => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  const keys = options.scenarios.split(',').map((k) => k.trim()) as ScenarioKey[];
  const unknown = keys.filter((k) => !SCENARIO_KEYS.includes(k));
  if (unknown.length > 0)
    throw new Error(`unknown scenario ${unknown.join(', ')} (known: ${SCENARIO_KEYS.join(', ')})`);
  if (options.store !== 'sqlite' && options.store !== 'postgres')
    throw new Error(`--store must be sqlite or postgres, got "${options.store}"`);
  const withPostgres = options.store === 'postgres';

  log('tmon ingest benchmark (SPEC §8): POST /data/collect, keep-alive, load only on 127.0.0.1');
  log(describeMachine());
  log(
    `load: autocannon, ${options.connections} connections, pipelining 1, ${options.warmup} s warm-up + ${options.duration} s per server and scenario`,
  );
  if (withPostgres) {
    log(
      `PostgreSQL: ${(await postgresVersion(options['database-url'])).split(',')[0]}, ${redact(options['database-url'])}`,
    );
  }

  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tmon-bench-ingest-'));
  let bare: ServerProcess | null = null;
  let tmon: ServerProcess | null = null;
  let pg: PostgresSide | null = null;
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
    if (withPostgres) {
      pg = await startPostgresSide(options['database-url']);
      log(
        `tmon on PostgreSQL: schema ${pg.schema.schema}, pids ${pg.first?.pid} (port ${pg.first?.port}) and ` +
          `${pg.second?.pid} (port ${pg.second?.port}), the second used only for the two-process runs`,
      );
    }
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
      const poolSize = poolSizeFor(scenario, bareRun);
      const poolSeconds = source.prebuild(poolSize);
      const warm = await runLoad({ ...load(options.warmup), port: tmon.port, source });
      const before = cpuSnapshot([tmon.pid], withPostgres);
      const tmonRun = await runLoad({ ...load(options.duration), port: tmon.port, source });
      const tmonCpu = cpuSince(before);
      acked.set(scenario, [...warm.acked, ...tmonRun.acked]);
      tmonErrors += warm.errors + warm.non2xx + tmonRun.errors + tmonRun.non2xx;
      const pool = { size: poolSize, seconds: poolSeconds, onDemand: source.builtOnDemand };
      const row: Row = { scenario, buildMicros, bare: bareRun, tmon: tmonRun, pool, tmonCpu };
      rows.push(row);
      log(
        `  bare ${int(bareRun.okPerSecond)} req/s, tmon ${int(tmonRun.okPerSecond)} req/s; ` +
          `${int(pool.size)} bodies pre-built in ${fixed(pool.seconds, 1)} s, ${int(pool.onDemand)} built on demand` +
          (tmonRun.non2xx > 0
            ? `; tmon status codes ${JSON.stringify(tmonRun.statusCodes)}, first: ${tmonRun.firstRefusal}`
            : ''),
      );
      if (pg) row.pg = await runPostgres(pg, key, bareRun);
    }

    const tmonPort = tmon.port;
    const metrics = await settledCounters(() => serverCounters(tmonPort, token));
    const pgMetrics = pg ? await postgresCounters(pg) : null;
    await bare.stop();
    const exitCode = await tmon.stop(60_000);
    tmon = null;
    const pgExitCodes = pg ? await stopPostgresSide(pg) : null;

    const ackedCount = [...acked].reduce((sum, [s, ns]) => sum + ns.length * s.eventsPerRequest, 0);
    const check = await checkStored(dataDir, service.id, {
      count: ackedCount,
      *ids() {
        for (const [scenario, ns] of acked) for (const n of ns) yield* scenario.ids(n);
      },
    });
    const pgCheck = pg
      ? await checkStoredPostgres(options['database-url'], pg.schema.schema, pg.service.id, {
          count: pg.acked.reduce((sum, [s, ns]) => sum + ns.length * s.eventsPerRequest, 0),
          *ids() {
            for (const [scenario, ns] of (pg as PostgresSide).acked) for (const n of ns) yield* scenario.ids(n);
          },
        })
      : null;

    log();
    log(resultsTable(rows));
    if (pg) {
      log();
      log(postgresTable(rows));
      log(
        'CPU s: utime+stime from /proc/<pid>/stat during the timed run — tmon (both processes, summed, for 2×PG), ' +
          'PostgreSQL (postmaster and all backends), load generator (this process); ' +
          `${os.cpus().length} cores = ${int(os.cpus().length * options.duration)} CPU s per timed run at most`,
      );
    }
    log();
    log(
      `store after SIGTERM (tmon exit code ${exitCode}): ${int(check.stored)} events stored; ` +
        `${int(check.acknowledged)} acknowledged by a 200 the load generator read, ${int(check.missing)} of them missing` +
        (check.missing > 0 ? ` (e.g. ${check.missingExamples.join(', ')})` : '') +
        `; ${int(check.unacknowledged)} stored whose answer was still in flight when a run ended`,
    );
    log(
      `tmon's own counters before SIGTERM: ${int(metrics.accepted)} events accepted (answered 200), ${int(metrics.stored)} newly stored, ` +
        `in ${int(metrics.groupCommits)} group commits (${fixed(metrics.stored / metrics.groupCommits, 1)} events each on average)`,
    );
    if (pgCheck && pgMetrics && pgExitCodes) {
      log(
        `PostgreSQL schema after SIGTERM (tmon exit codes ${pgExitCodes.join(', ')}): ${int(pgCheck.stored)} events stored; ` +
          `${int(pgCheck.acknowledged)} acknowledged, ${int(pgCheck.missing)} of them missing` +
          (pgCheck.missing > 0 ? ` (e.g. ${pgCheck.missingExamples.join(', ')})` : '') +
          `; ${int(pgCheck.unacknowledged)} stored whose answer was still in flight when a run ended`,
      );
      log(
        `tmon on PostgreSQL, counters of both processes summed: ${int(pgMetrics.accepted)} events accepted, ${int(pgMetrics.stored)} newly stored`,
      );
    }
    log();
    printTargets(targets(rows, tmonErrors, check, metrics, exitCode));
    if (pg && pgCheck && pgMetrics && pgExitCodes) {
      printTargets(postgresTargets(rows, pg.errors, pgCheck, pgMetrics, pgExitCodes));
    }
    if (options['cpu-prof']) log(`CPU profile of tmon written to ${options['cpu-prof']}`);
    return 0;
  } finally {
    await bare?.stop();
    await tmon?.stop();
    if (pg) await stopPostgresSide(pg);
    if (options.keep) {
      log(`kept tmon's data directory: ${dataDir}`);
      if (pg) log(`kept the PostgreSQL schema ${pg.schema.schema} and data directories ${pg.dataDirs.join(', ')}`);
    } else {
      await rm(dataDir, { recursive: true, force: true });
      if (pg) {
        for (const dir of pg.dataDirs) await rm(dir, { recursive: true, force: true });
        await pg.schema.drop();
      }
    }
  }
}

/** As many bodies pre-built as the bare rate could use, within the memory budget (none for v2 in long runs). */
function poolSizeFor(scenario: Scenario, bareRun: LoadResult): number {
  const runSeconds = options.warmup + options.duration;
  const bodyBytes = scenario.body(0).length * 2 + 64;
  const wanted = Math.ceil(bareRun.okPerSecond * runSeconds * 1.2) + options.connections * 2;
  const affordable = Math.floor((options['pool-mb'] * 1024 * 1024) / bodyBytes);
  return runSeconds > MAX_PREBUILT_AGE_S && scenario.key !== 'gen1' && scenario.key !== 'gen2'
    ? 0
    : Math.min(wanted, affordable);
}

/** A fresh schema, tmon started on it (it creates the tables and the admin), a service and token, then a second tmon. */
async function startPostgresSide(url: string): Promise<PostgresSide> {
  const schema = await createBenchSchema(url);
  const dataDirs: [string, string] = [
    await mkdtemp(path.join(os.tmpdir(), 'tmon-bench-ingest-pg1-')),
    await mkdtemp(path.join(os.tmpdir(), 'tmon-bench-ingest-pg2-')),
  ];
  const side: PostgresSide = {
    schema,
    dataDirs,
    first: null,
    second: null,
    service: { id: 0, name: '', secret: '' },
    token: '',
    acked: [],
    errors: 0,
  };
  try {
    side.first = await startTmon({ dataDir: dataDirs[0], databaseUrl: schema.tmonUrl });
    side.service = await addService(dataDirs[0], 'bench', 'admin', schema.tmonUrl);
    side.token = await addToken(dataDirs[0], 'admin', schema.tmonUrl);
    side.second = await startTmon({ dataDir: dataDirs[1], databaseUrl: schema.tmonUrl });
    return side;
  } catch (error) {
    await stopPostgresSide(side);
    for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
    await schema.drop();
    throw error;
  }
}

async function stopPostgresSide(side: PostgresSide): Promise<[number | null, number | null]> {
  const codes = await Promise.all([side.first?.stop(60_000) ?? null, side.second?.stop(60_000) ?? null]);
  side.first = null;
  side.second = null;
  return codes;
}

/** One scenario on PostgreSQL: one process, then the same load spread over two. */
async function runPostgres(side: PostgresSide, key: ScenarioKey, bareRun: LoadResult): Promise<PostgresRow> {
  const first = side.first as ServerProcess;
  const second = side.second as ServerProcess;
  const scenario = makeScenario(key, side.service);
  const tally = (warm: LoadResult, run: LoadResult) => {
    side.acked.push([scenario, [...warm.acked, ...run.acked]]);
    side.errors += warm.errors + warm.non2xx + run.errors + run.non2xx;
  };

  const source = new BodySource(scenario, 1);
  source.prebuild(poolSizeFor(scenario, bareRun));
  const warm = await runLoad({ ...load(options.warmup), port: first.port, source });
  let before = cpuSnapshot([first.pid], true);
  const single = await runLoad({ ...load(options.duration), port: first.port, source });
  const singleCpu = cpuSince(before);
  tally(warm, single);

  // request numbers go on where the one-process run stopped: every id stays unique in the schema
  const dualSource = new BodySource(scenario, source.next);
  dualSource.prebuild(poolSizeFor(scenario, bareRun));
  const two = { port: first.port, morePorts: [second.port], source: dualSource };
  const dualWarm = await runLoad({ ...load(options.warmup), ...two });
  before = cpuSnapshot([first.pid, second.pid], true);
  const dual = await runLoad({ ...load(options.duration), ...two });
  const dualCpu = cpuSince(before);
  tally(dualWarm, dual);

  log(
    `  PostgreSQL: one tmon ${int(single.okPerSecond)} req/s (CPU s tmon ${fixed(singleCpu.tmon)}, PostgreSQL ${fixed(singleCpu.postgres)}), ` +
      `two tmon ${int(dual.okPerSecond)} req/s (CPU s tmon ${fixed(dualCpu.tmon)}, PostgreSQL ${fixed(dualCpu.postgres)})` +
      (single.non2xx + dual.non2xx > 0
        ? `; status codes ${JSON.stringify(single.statusCodes)} / ${JSON.stringify(dual.statusCodes)}, first: ${single.firstRefusal ?? dual.firstRefusal}`
        : ''),
  );
  return { single, singleCpu, dual, dualCpu };
}

/**
 * Counters once they stop moving: a timed run ends with up to `--connections`
 * requests in flight (a batch takes hundreds of ms), answered after autocannon
 * stopped listening.
 */
async function settledCounters(read: () => Promise<ServerCounters>): Promise<ServerCounters> {
  let last = await read();
  for (let i = 0; i < 30; i++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = await read();
    if (now.accepted === last.accepted && now.stored === last.stored && now.groupCommits === last.groupCommits)
      return now;
    last = now;
  }
  return last;
}

/** Both PostgreSQL processes' counters, summed, once they stop moving. */
function postgresCounters(side: PostgresSide): Promise<ServerCounters> {
  return settledCounters(async () => {
    const a = await serverCounters((side.first as ServerProcess).port, side.token);
    const b = await serverCounters((side.second as ServerProcess).port, side.token);
    return {
      accepted: a.accepted + b.accepted,
      stored: a.stored + b.stored,
      groupCommits: a.groupCommits + b.groupCommits,
    };
  });
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
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

/** --store postgres: tmon on SQLite (the baseline) against one and two tmon processes on PostgreSQL. */
function postgresTable(rows: readonly Row[]): string {
  const cpu = (c: CpuUsed) => `${fixed(c.tmon)} / ${fixed(c.postgres)} / ${fixed(c.loadGenerator)}`;
  return table([
    [
      'scenario',
      'SQLite req/s',
      'PG req/s',
      'PG/SQLite',
      '2×PG req/s',
      '2×PG/SQLite',
      'PG events/s',
      'PG errors+non-2xx',
      'PG p50/p99 ms',
      '2×PG p50/p99 ms',
      'CPU s SQLite run: tmon/PG/load',
      'CPU s PG run: tmon/PG/load',
      'CPU s 2×PG run: tmons/PG/load',
    ],
    ...rows.flatMap(({ scenario, tmon, tmonCpu, pg }) =>
      pg
        ? [
            [
              scenario.label,
              int(tmon.okPerSecond),
              int(pg.single.okPerSecond),
              `${fixed((pg.single.okPerSecond / tmon.okPerSecond) * 100, 0)} %`,
              int(pg.dual.okPerSecond),
              `${fixed((pg.dual.okPerSecond / tmon.okPerSecond) * 100, 0)} %`,
              int(pg.single.okPerSecond * scenario.eventsPerRequest),
              `${int(pg.single.errors + pg.single.non2xx)} / ${int(pg.dual.errors + pg.dual.non2xx)}`,
              `${fixed(pg.single.p50, 0)} / ${fixed(pg.single.p99, 0)}`,
              `${fixed(pg.dual.p50, 0)} / ${fixed(pg.dual.p99, 0)}`,
              cpu(tmonCpu),
              cpu(pg.singleCpu),
              cpu(pg.dualCpu),
            ],
          ]
        : [],
    ),
  ]);
}

function postgresTargets(
  rows: readonly Row[],
  errors: number,
  check: StoreCheck,
  metrics: ServerCounters,
  exitCodes: readonly (number | null)[],
): Target[] {
  const out: Target[] = [];
  for (const { scenario, tmon, pg } of rows) {
    if (!pg) continue;
    const ratio = pg.single.okPerSecond / tmon.okPerSecond;
    out.push({
      name: `${scenario.label}: one tmon on PostgreSQL ≥ ${POSTGRES_RATIO_TARGET * 100} % of tmon on SQLite`,
      met: ratio >= POSTGRES_RATIO_TARGET,
      detail: `${fixed(ratio * 100, 0)} % (${int(pg.single.okPerSecond)} / ${int(tmon.okPerSecond)} req/s)`,
    });
  }
  out.push({
    name: 'zero errors on PostgreSQL',
    met: errors === 0,
    detail: `${int(errors)} errors, timeouts or non-2xx answers from tmon on PostgreSQL (one and two processes, warm-ups included)`,
  });
  const clean = exitCodes.every((code) => code === 0);
  out.push({
    name: 'every acknowledged event stored on PostgreSQL',
    met: check.missing === 0 && metrics.accepted === check.stored && clean,
    detail:
      `${int(check.missing)} of ${int(check.acknowledged)} acknowledged events missing; ` +
      `stored ${int(check.stored)} = accepted by both tmon ${int(metrics.accepted)}: ${metrics.accepted === check.stored ? 'yes' : 'NO'}; clean exits: ${clean ? 'yes' : 'NO'}`,
  });
  return out;
}

interface ServerCounters {
  accepted: number;
  stored: number;
  /** group commits: stored / groupCommits is the mean group size */
  groupCommits: number;
}

/** tmon's /metrics: what the server itself answered 200 and stored. */
async function serverCounters(port: number, token: string): Promise<ServerCounters> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
  const text = await response.text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return {
    accepted: value('tmon_collect_accepted_events_total'),
    stored: value('tmon_collect_stored_events_total'),
    groupCommits: value('tmon_group_commits_total'),
  };
}

function targets(
  rows: readonly Row[],
  tmonErrors: number,
  check: StoreCheck,
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
