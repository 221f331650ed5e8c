/**
 * `npm run bench:ingest -- --store postgres`: tmon on PostgreSQL beside the
 * SQLite run — two tmon processes on a fresh schema (the first alone for the
 * one-process runs), the load of each scenario on one process and then spread
 * over both, the CPU each run cost, and the targets against SQLite.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BodySource, makeScenario, type Scenario, type ScenarioKey } from './bodies.js';
import { type LoadResult, runLoad } from './load.js';
import { type BenchSchema, createBenchSchema } from './postgres.js';
import { type CpuUsed, cpuSince, cpuSnapshot } from './proc-cpu.js';
import type { ServerProcess } from './processes.js';
import { fixed, int, type Target, table } from './report.js';
import { type ServerCounters, serverCounters, settledCounters } from './server-counters.js';
import { addService, addToken, type BenchService, startTmon } from './tmon.js';
import type { StoreCheck } from './verify-store.js';

/** One process on PostgreSQL must reach this share of the SQLite rate. */
const RATIO_TARGET = 0.5;

export interface PostgresRow {
  /** one tmon process on PostgreSQL */
  single: LoadResult;
  singleCpu: CpuUsed;
  /** two tmon processes on the same schema, the connections spread over both */
  dual: LoadResult;
  dualCpu: CpuUsed;
}

/** A scenario's SQLite run and, with --store postgres, its PostgreSQL runs. */
export interface PostgresComparison {
  scenario: Scenario;
  /** tmon on SQLite: the baseline */
  tmon: LoadResult;
  tmonCpu: CpuUsed;
  pg?: PostgresRow;
}

/** tmon on PostgreSQL: two processes on one schema (the first alone for the one-process runs). */
export interface PostgresSide {
  schema: BenchSchema;
  dataDirs: [string, string];
  first: ServerProcess | null;
  second: ServerProcess | null;
  service: BenchService;
  token: string;
  acked: [Scenario, number[]][];
  errors: number;
}

/** How the runs go: the SQLite run's settings, and how many bodies to pre-build for a scenario. */
export interface PostgresRunSettings {
  warmup: number;
  duration: number;
  connections: number;
  poolSize(scenario: Scenario): number;
  log(line: string): void;
}

/** A fresh schema, tmon started on it (it creates the tables and the admin), a service and token, then a second tmon. */
export async function startPostgresSide(url: string): Promise<PostgresSide> {
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

export async function stopPostgresSide(side: PostgresSide): Promise<[number | null, number | null]> {
  const codes = await Promise.all([side.first?.stop(60_000) ?? null, side.second?.stop(60_000) ?? null]);
  side.first = null;
  side.second = null;
  return codes;
}

/** One scenario on PostgreSQL: one process, then the same load spread over two. */
export async function runPostgres(
  side: PostgresSide,
  key: ScenarioKey,
  run: PostgresRunSettings,
): Promise<PostgresRow> {
  const first = side.first as ServerProcess;
  const second = side.second as ServerProcess;
  const scenario = makeScenario(key, side.service);
  const load = (duration: number) => ({ duration, connections: run.connections });
  const tally = (warm: LoadResult, run: LoadResult) => {
    side.acked.push([scenario, [...warm.acked, ...run.acked]]);
    side.errors += warm.errors + warm.non2xx + run.errors + run.non2xx;
  };

  const source = new BodySource(scenario, 1);
  source.prebuild(run.poolSize(scenario));
  const warm = await runLoad({ ...load(run.warmup), port: first.port, source });
  let before = cpuSnapshot([first.pid], true);
  const single = await runLoad({ ...load(run.duration), port: first.port, source });
  const singleCpu = cpuSince(before);
  tally(warm, single);

  // request numbers go on where the one-process run stopped: every id stays unique in the schema
  const dualSource = new BodySource(scenario, source.next);
  dualSource.prebuild(run.poolSize(scenario));
  const two = { port: first.port, morePorts: [second.port], source: dualSource };
  const dualWarm = await runLoad({ ...load(run.warmup), ...two });
  before = cpuSnapshot([first.pid, second.pid], true);
  const dual = await runLoad({ ...load(run.duration), ...two });
  const dualCpu = cpuSince(before);
  tally(dualWarm, dual);

  run.log(
    `  PostgreSQL: one tmon ${int(single.okPerSecond)} req/s (CPU s tmon ${fixed(singleCpu.tmon)}, PostgreSQL ${fixed(singleCpu.postgres)}), ` +
      `two tmon ${int(dual.okPerSecond)} req/s (CPU s tmon ${fixed(dualCpu.tmon)}, PostgreSQL ${fixed(dualCpu.postgres)})` +
      (single.non2xx + dual.non2xx > 0
        ? `; status codes ${JSON.stringify(single.statusCodes)} / ${JSON.stringify(dual.statusCodes)}, first: ${single.firstRefusal ?? dual.firstRefusal}`
        : ''),
  );
  return { single, singleCpu, dual, dualCpu };
}

/** Both PostgreSQL processes' counters, summed, once they stop moving. */
export function postgresCounters(side: PostgresSide): Promise<ServerCounters> {
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

export function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

/** --store postgres: tmon on SQLite (the baseline) against one and two tmon processes on PostgreSQL. */
export function postgresTable(rows: readonly PostgresComparison[]): string {
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

export function postgresTargets(
  rows: readonly PostgresComparison[],
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
      name: `${scenario.label}: one tmon on PostgreSQL ≥ ${RATIO_TARGET * 100} % of tmon on SQLite`,
      met: ratio >= RATIO_TARGET,
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
