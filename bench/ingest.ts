/**
 * npm run bench:ingest: collect throughput of tmon against a bare node:http
 * server answering the same requests in the same run (targets:
 * bench/README.md), then checks
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
import { makeScenario, measureBuildMicros, SCENARIO_KEYS, type Scenario, type ScenarioKey } from './support/bodies.js';
import { planCores } from './support/cores.js';
import { type IngestRow, ingestTargets, resultsTable, sqliteFloorLine } from './support/ingest-results.js';
import { poolSizeFor, runScenario, type ScenarioSettings } from './support/ingest-scenario.js';
import { checkStoredPostgres, DEFAULT_DATABASE_URL, postgresVersion } from './support/postgres.js';
import {
  type PostgresSide,
  postgresCounters,
  postgresTable,
  postgresTargets,
  redact,
  runPostgres,
  startPostgresSide,
  stopPostgresSide,
} from './support/postgres-side.js';
import { REPO_ROOT, type ServerProcess, spawnServer } from './support/processes.js';
import { describeMachine, fixed, int, printTargets } from './support/report.js';
import { commandAsTyped, RECORD_OPTION, recordResults } from './support/results-file.js';
import { serverCounters, settledCounters } from './support/server-counters.js';
import { measureSqliteFloor } from './support/sqlite-floor.js';
import { addService, addToken, describeNodeOptions, describeStorage, startTmon } from './support/tmon.js';
import { checkStored } from './support/verify-store.js';
import { wrkMissing } from './support/wrk.js';

const options = parseOptions('npm run bench:ingest --', {
  duration: { kind: 'number', default: 10, help: 'seconds of each timed run' },
  slices: {
    kind: 'number',
    default: 5,
    help: 'the timed runs of bare and tmon alternate in this many slices each (a drifting machine then slows both alike)',
  },
  warmup: { kind: 'number', default: 2, help: 'seconds of warm-up before each timed run (not counted)' },
  connections: { kind: 'number', default: 50, help: 'keep-alive connections of the load generator' },
  rate: {
    kind: 'number',
    help: 'requests/s for every timed run instead of as many as each server answers: latency at a steady load (the ratio then says nothing)',
  },
  scenarios: { kind: 'string', default: SCENARIO_KEYS.join(','), help: 'which scenarios, comma-separated' },
  'pool-mb': { kind: 'number', default: 400, help: 'memory for bodies built before a timed run' },
  load: {
    kind: 'string',
    default: 'autocannon',
    help: 'autocannon, or wrk (apt-get install -y wrk): a C load generator that keeps the bare server busy, but cannot tell which requests were answered',
  },
  'cpu-prof': { kind: 'string', help: 'write a V8 CPU profile of tmon into this directory' },
  keep: { kind: 'boolean', help: "keep tmon's data directory (and the PostgreSQL schema)" },
  'share-cores': {
    kind: 'boolean',
    help: 'do not pin: servers and load generator share every core (by default each server gets a core of its own)',
  },
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
  record: RECORD_OPTION,
});

const log = (line = '') => process.stdout.write(`${line}\n`);
/** what --record writes into bench/RESULTS.md, as it was printed */
const figures: string[] = [];
const logFigures = (text: string) => {
  log(text);
  figures.push(text);
};

/** how long SQLite's insert alone is measured after a batch scenario */
const SQLITE_FLOOR_SECONDS = 3;

async function main(): Promise<number> {
  const keys = options.scenarios.split(',').map((k) => k.trim()) as ScenarioKey[];
  const unknown = keys.filter((k) => !SCENARIO_KEYS.includes(k));
  if (unknown.length > 0)
    throw new Error(`unknown scenario ${unknown.join(', ')} (known: ${SCENARIO_KEYS.join(', ')})`);
  if (options.store !== 'sqlite' && options.store !== 'postgres')
    throw new Error(`--store must be sqlite or postgres, got "${options.store}"`);
  const withPostgres = options.store === 'postgres';
  if (options.load !== 'autocannon' && options.load !== 'wrk')
    throw new Error(`--load must be autocannon or wrk, got "${options.load}"`);
  const useWrk = options.load === 'wrk';
  if (useWrk) {
    const missing = wrkMissing();
    if (missing) throw new Error(missing);
    if (withPostgres || options.rate !== undefined)
      throw new Error('--load wrk goes with neither --store postgres nor --rate');
  }

  log('tmon ingest benchmark: POST /data/collect, keep-alive, load only on 127.0.0.1');
  // tmon on PostgreSQL needs cores for the database server too: then every run of the comparison shares them
  const unpinned = options['share-cores'] ? '--share-cores' : withPostgres ? '--store postgres' : null;
  const cores = planCores(unpinned);
  log(
    describeMachine(
      cores.serverCore === null ? undefined : 'the servers under test and the load generator, each on its own core(s)',
    ),
  );
  logFigures(
    `${cores.describe}\n` +
      `load: ${options.load}, ${options.connections} connections, pipelining 1, ${options.warmup} s warm-up + ${options.duration} s per server and scenario, ` +
      `bare and tmon alternating in ${options.slices} slices of ${fixed(options.duration / options.slices, 1)} s` +
      (options.rate === undefined ? '' : `, at a steady ${int(options.rate)} requests/s`),
  );
  if (withPostgres) {
    log(
      `PostgreSQL: ${(await postgresVersion(options['database-url'])).split(',')[0]}, ${redact(options['database-url'])}`,
    );
  }

  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tmon-bench-ingest-'));
  // wrk reads its bodies from files
  const wrkDir = useWrk ? await mkdtemp(path.join(os.tmpdir(), 'tmon-bench-wrk-')) : null;
  let bare: ServerProcess | null = null;
  let tmon: ServerProcess | null = null;
  let pg: PostgresSide | null = null;
  try {
    bare = await spawnServer({
      name: 'bare node:http',
      args: ['--import', 'tsx', path.join(REPO_ROOT, 'bench/bare-server.ts')],
      ready: /bare listening on http:\/\/[^:\s]+:(\d+)/,
      core: cores.serverCore,
    });
    tmon = await startTmon({ dataDir, cpuProfDir: options['cpu-prof'], core: cores.serverCore });
    const service = await addService(dataDir, 'bench');
    const token = await addToken(dataDir);
    log(
      `bare node:http pid ${bare.pid} port ${bare.port}; tmon pid ${tmon.pid} port ${tmon.port} (${describeNodeOptions()}), ${describeStorage(tmon)}`,
    );
    if (withPostgres) {
      pg = await startPostgresSide(options['database-url']);
      log(
        `tmon on PostgreSQL: schema ${pg.schema.schema}, pids ${pg.first?.pid} (port ${pg.first?.port}) and ` +
          `${pg.second?.pid} (port ${pg.second?.port}), the second used only for the two-process runs`,
      );
    }
    log();

    const settings: ScenarioSettings = {
      warmup: options.warmup,
      duration: options.duration,
      slices: options.slices,
      connections: options.connections,
      rate: options.rate,
      poolMb: options['pool-mb'],
      wrkDir,
      withPostgres,
    };
    const rows: IngestRow[] = [];
    /** request numbers answered 200 (autocannon), or sent (wrk: which were answered is not known) */
    const acked = new Map<Scenario, number[]>();
    /** with wrk: events sent whose answer may have been cut off when a run ended (at most a request per connection) */
    let inFlightBound = 0;
    let tmonErrors = 0;
    for (const key of keys) {
      const scenario = makeScenario(key, service);
      const buildMicros = measureBuildMicros(scenario);
      log(`${scenario.label}: one body costs ${fixed(buildMicros, 1)} µs to build on demand`);

      const outcome = await runScenario(scenario, buildMicros, { bare, tmon }, settings);
      const { row } = outcome;
      const { bare: bareRun, tmon: tmonRun, pool } = row;
      acked.set(scenario, outcome.acked);
      inFlightBound += outcome.inFlightBound;
      tmonErrors += outcome.errors;
      rows.push(row);
      log(
        `  bare ${int(bareRun.okPerSecond)} req/s, tmon ${int(tmonRun.okPerSecond)} req/s ` +
          `(ratio slice by slice ${row.sliceRatios.map((ratio) => fixed(ratio * 100, 0)).join(', ')} %); ` +
          `${int(pool.size)} bodies pre-built in ${fixed(pool.seconds, 1)} s, ${int(pool.onDemand)} built on demand` +
          (tmonRun.non2xx > 0
            ? `; tmon status codes ${JSON.stringify(tmonRun.statusCodes)}, first: ${tmonRun.firstRefusal}`
            : ''),
      );
      if (scenario.eventsPerRequest > 1 && options.rate === undefined) {
        row.sqliteFloor = await measureSqliteFloor(cores.serverCore, SQLITE_FLOOR_SECONDS);
        log(`  ${sqliteFloorLine(row, row.sqliteFloor)}`);
      }
      if (pg) {
        row.pg = await runPostgres(pg, key, {
          warmup: options.warmup,
          duration: options.duration,
          connections: options.connections,
          poolSize: (pgScenario) => poolSizeFor(pgScenario, bareRun, settings),
          log,
        });
      }
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
    logFigures(resultsTable(rows));
    const floors = rows.flatMap((r) =>
      r.sqliteFloor ? [`${r.scenario.label}: ${sqliteFloorLine(r, r.sqliteFloor)}`] : [],
    );
    if (floors.length > 0) figures.push(floors.join('\n'));
    if (pg) {
      log();
      logFigures(
        `${postgresTable(rows)}\n` +
          'CPU s: utime+stime from /proc/<pid>/stat during the timed run — tmon (both processes, summed, for 2×PG), ' +
          'PostgreSQL (postmaster and all backends), load generator (this process); ' +
          `${os.cpus().length} cores = ${int(os.cpus().length * options.duration)} CPU s per timed run at most`,
      );
    }
    log();
    logFigures(
      `store after SIGTERM (tmon exit code ${exitCode}): ${int(check.stored)} events stored; ` +
        (useWrk
          ? `${int(check.acknowledged)} sent (wrk does not say which were answered), ${int(check.missing)} of them missing, ` +
            `of which at most ${int(inFlightBound)} may have been cut off in flight when a run ended`
          : `${int(check.acknowledged)} acknowledged by a 200 the load generator read, ${int(check.missing)} of them missing`) +
        (check.missing > 0 ? ` (e.g. ${check.missingExamples.join(', ')})` : '') +
        `; ${int(check.unacknowledged)} stored whose answer was still in flight when a run ended\n` +
        `tmon's own counters before SIGTERM: ${int(metrics.accepted)} events accepted (answered 200), ${int(metrics.stored)} newly stored, ` +
        `in ${int(metrics.groupCommits)} group commits (${fixed(metrics.stored / metrics.groupCommits, 1)} events each on average)`,
    );
    if (pgCheck && pgMetrics && pgExitCodes) {
      logFigures(
        `PostgreSQL schema after SIGTERM (tmon exit codes ${pgExitCodes.join(', ')}): ${int(pgCheck.stored)} events stored; ` +
          `${int(pgCheck.acknowledged)} acknowledged, ${int(pgCheck.missing)} of them missing` +
          (pgCheck.missing > 0 ? ` (e.g. ${pgCheck.missingExamples.join(', ')})` : '') +
          `; ${int(pgCheck.unacknowledged)} stored whose answer was still in flight when a run ended\n` +
          `tmon on PostgreSQL, counters of both processes summed: ${int(pgMetrics.accepted)} events accepted, ${int(pgMetrics.stored)} newly stored`,
      );
    }
    log();
    const targets = [
      ...ingestTargets(
        rows,
        options.rate !== undefined,
        tmonErrors,
        check,
        metrics,
        exitCode,
        useWrk ? inFlightBound : 0,
      ),
      ...(pg && pgCheck && pgMetrics && pgExitCodes
        ? postgresTargets(rows, pg.errors, pgCheck, pgMetrics, pgExitCodes)
        : []),
    ];
    printTargets(targets);
    if (options.record) {
      await recordResults({
        benchmark: pg ? 'bench:ingest --store postgres' : 'bench:ingest',
        command: commandAsTyped('bench:ingest', 'bench/ingest.ts'),
        figures,
        targets,
      });
      log('figures recorded in bench/RESULTS.md');
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
      if (wrkDir) await rm(wrkDir, { recursive: true, force: true });
      if (pg) {
        for (const dir of pg.dataDirs) await rm(dir, { recursive: true, force: true });
        await pg.schema.drop();
      }
    }
  }
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
