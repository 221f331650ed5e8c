/**
 * npm run bench:logs: how fast `tmon logs import` takes a large access log
 * into tmon — read, parsed, sent, geolocated, stored and rolled up — against
 * GoAccess reading the same file into its JSON report, in the same run
 * (target: tmon at least as fast; goal: twice). One generated `combined` log
 * (bench/support/access-log-writer.ts); GoAccess runs alone, then tmon's
 * importer against a real tmon, both built, each in its own process. With
 * `--cpu-prof`, both tmon processes are profiled and their CPU time is
 * broken down by stage: what limits the import. Then it runs
 * bench/logs-follow.ts (follow latency), unless `--skip-follow`.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { writeCombinedLog } from './support/access-log-writer.js';
import { parseOptions } from './support/args.js';
import {
  IMPORTER_BUCKETS,
  type ProfileSummary,
  SERVER_BUCKETS,
  summariseProfiles,
} from './support/cpu-profile-summary.js';
import { ensureGoaccess, runGoaccess } from './support/goaccess.js';
import { processCpuSeconds, threadCpuSeconds, threadsUsed } from './support/proc-cpu.js';
import { procMemory } from './support/proc-memory.js';
import { REPO_ROOT, runTmonCli, type ServerProcess } from './support/processes.js';
import { describeMachine, fixed, int, megabytes, printTargets, type Target, table } from './support/report.js';
import { commandAsTyped, RECORD_OPTION, recordResults } from './support/results-file.js';
import { rollupTotals } from './support/rollup-totals.js';
import { runTimed } from './support/timed-command.js';
import { addAdmin, addService, addToken, describeNodeOptions, describeStorage, startTmon } from './support/tmon.js';

const options = parseOptions('npm run bench:logs --', {
  lines: { kind: 'number', default: 1_000_000, help: 'lines of the generated access log' },
  days: { kind: 'number', default: 30, help: 'the log covers this many days, up to an hour ago' },
  seed: { kind: 'number', default: 1, help: 'seed of the generated log (the same seed, the same file)' },
  'cpu-prof': {
    kind: 'boolean',
    help: "profile tmon's importer and server (node --cpu-prof) and print where their CPU time goes (profiling slows them a little)",
  },
  'skip-follow': { kind: 'boolean', help: 'do not run bench:logs-follow (follow latency) afterwards' },
  keep: { kind: 'boolean', help: "keep the log, GoAccess's report, tmon's data directory and the profiles" },
  record: RECORD_OPTION,
});

const log = (line = '') => process.stdout.write(`${line}\n`);
const figures: string[] = [];
const logFigures = (text: string) => {
  log(text);
  figures.push(text);
};

const TARGET_RATIO = 1;
const GOAL_RATIO = 2;

async function main(): Promise<void> {
  log('tmon access log benchmark: tmon logs import against GoAccess, the same generated log, on 127.0.0.1');
  log(
    describeMachine(
      'GoAccess (run alone first), then the importer, tmon and its SQLite writer thread together, with whatever else runs on it',
    ),
  );
  const goaccessVersion = ensureGoaccess(log);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tmon-bench-logs-'));
  let tmon: ServerProcess | null = null;
  try {
    const file = path.join(dir, 'access.log');
    const generated = await writeCombinedLog({
      file,
      lines: options.lines,
      days: options.days,
      seed: options.seed,
      end: Date.now() - 3_600_000,
    });
    logFigures(
      `log: ${int(generated.lines)} lines in nginx's combined format, ${megabytes(generated.bytes)}, ` +
        `${options.days} days, ${int(generated.addresses)} client addresses (IPv4 and IPv6) in ${generated.countries} countries ` +
        `and ${int(generated.cities)} cities, seed ${options.seed}`,
    );

    const goaccess = await runGoaccess(file, dir, goaccessVersion);
    log(`GoAccess ${goaccess.version}: ${int(goaccess.validRequests)} requests in ${fixed(goaccess.wallSeconds, 1)} s`);
    if (goaccess.validRequests !== generated.lines) {
      throw new Error(`GoAccess counted ${goaccess.validRequests} of ${generated.lines} lines as requests`);
    }

    const dataDir = path.join(dir, 'data');
    const profiles = { importer: path.join(dir, 'profile-importer'), server: path.join(dir, 'profile-server') };
    if (options['cpu-prof']) for (const profileDir of Object.values(profiles)) await mkdir(profileDir);
    await addAdmin(dataDir, 'admin', `bench-${Math.random().toString(36).slice(2)}`);
    const service = await addService(dataDir, 'logs');
    const readToken = await addToken(dataDir);
    const ingestToken = await runTmonCli([
      ...['token', 'add', '--user', 'admin', '--scope', 'ingest', '--service', String(service.id)],
      ...['--data', dataDir],
    ]);
    tmon = await startTmon({ dataDir, cpuProfDir: options['cpu-prof'] ? profiles.server : undefined });
    const base = `http://127.0.0.1:${tmon.port}`;
    log(`tmon pid ${tmon.pid} port ${tmon.port} (${describeNodeOptions()}), ${describeStorage(tmon)}`);

    const serverCpuBefore = processCpuSeconds(tmon.pid);
    const serverThreadsBefore = threadCpuSeconds(tmon.pid);
    const profile = options['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', profiles.importer] : [];
    const importer = await runTimed(
      process.execPath,
      [...profile, 'dist/src/main.js', 'logs', 'import', file, '--server', base, '--token', ingestToken, '--json'],
      // TMON_SERVER and TMON_TOKEN of the shell must not override the options
      { cwd: REPO_ROOT, env: { ...process.env, TMON_SERVER: '', TMON_TOKEN: '' } },
    );
    const serverCpu = processCpuSeconds(tmon.pid) - serverCpuBefore;
    const serverThreads = threadsUsed(tmon.pid, serverThreadsBefore);
    const serverMemory = await procMemory(tmon.pid);
    if (importer.code !== 0) {
      throw new Error(
        `tmon logs import exited with ${importer.code}:\n${importer.stdout}${importer.stderr.slice(-4000)}`,
      );
    }
    const summary = JSON.parse(importer.stdout) as { lines_read: number; accepted: number; refused_lines: number };
    const rollups = await rollupTotals(base, service.id, readToken, {
      days: options.days,
      expected: summary.lines_read,
      waitMs: 10_000,
    });
    const exitCode = await tmon.stop(120_000);
    tmon = null;
    const store = await openSqliteStore({ dataDir });
    const stored = await store.events.countEvents(service.id).finally(() => store.close());

    const tmonRate = generated.lines / importer.wallSeconds;
    const goaccessRate = generated.lines / goaccess.wallSeconds;
    const tmonCpu = importer.cpuSeconds + serverCpu;
    log();
    logFigures(
      table([
        ['', 'wall s', 'lines/s', 'CPU s', 'lines per CPU s', 'peak memory'],
        [
          `GoAccess ${goaccess.version}`,
          fixed(goaccess.wallSeconds, 1),
          int(goaccessRate),
          fixed(goaccess.cpuSeconds, 1),
          int(generated.lines / goaccess.cpuSeconds),
          megabytes(goaccess.peakRssBytes),
        ],
        [
          'tmon (importer + server)',
          fixed(importer.wallSeconds, 1),
          int(tmonRate),
          fixed(tmonCpu, 1),
          int(generated.lines / tmonCpu),
          megabytes(importer.peakRssBytes + serverMemory.peak),
        ],
        [
          '  tmon logs import',
          '',
          '',
          fixed(importer.cpuSeconds, 1),
          int(generated.lines / importer.cpuSeconds),
          megabytes(importer.peakRssBytes),
        ],
        ['  tmon serve', '', '', fixed(serverCpu, 1), int(generated.lines / serverCpu), megabytes(serverMemory.peak)],
        ['tmon / GoAccess', '', `${fixed(tmonRate / goaccessRate, 2)}×`, '', '', ''],
      ]) +
        '\nwall s: from start to exit (tmon: until the last batch was committed); CPU s: user + system ' +
        `(${goaccess.measuredBy} for GoAccess and the importer, /proc/<pid>/stat of the server over the import, its threads included); ` +
        "peak memory: the process's largest resident set (the server's since it started). " +
        'GoAccess builds its report in memory and geolocates nothing (no database given); ' +
        'tmon geolocates every address, parses every user agent, stores every event durably and keeps its rollups.',
    );
    const busy = (seconds: number) =>
      `${fixed(seconds, 1)} s (${fixed((100 * seconds) / importer.wallSeconds, 0)} % of the import's wall time)`;
    logFigures(
      `server threads over the import: main (HTTP, decoding, enrichment) ${busy(serverThreads.main)}; ` +
        `the busiest other one (the SQLite writer: inserts, rollups, commits) ${busy(serverThreads.busiestOther)}; ` +
        `the ${serverThreads.others} others (checkpointer, garbage collection, libuv) ${fixed(serverThreads.rest, 1)} s. ` +
        'A thread near 100 % is what limits the import.',
    );
    logFigures(
      `importer: ${int(summary.lines_read)} lines read, ${int(summary.accepted)} accepted, ${int(summary.refused_lines)} refused; ` +
        `after the import (tmon exit code ${exitCode}): ${int(stored)} events stored; the rollups count ` +
        `${int(rollups.daily)} requests by day and ${int(rollups.countries)} in ${rollups.countryRows} countries ` +
        `(slower query ${fixed(rollups.slowestQueryMs, 0)} ms)`,
    );
    if (options['cpu-prof']) {
      logFigures(
        profileTable(
          await summariseProfiles(profiles.importer, IMPORTER_BUCKETS),
          await summariseProfiles(profiles.server, SERVER_BUCKETS),
        ),
      );
    }
    const ratio = tmonRate / goaccessRate;
    const targets: Target[] = [
      {
        name: `tmon logs import at least as fast as GoAccess (goal ${GOAL_RATIO}×)`,
        met: ratio >= TARGET_RATIO,
        detail: `${int(tmonRate)} against ${int(goaccessRate)} lines/s, ${fixed(ratio, 2)}×${ratio >= GOAL_RATIO ? ', goal met' : ''}`,
      },
      {
        name: 'every line stored once and counted by the rollups',
        met:
          summary.lines_read === generated.lines &&
          summary.accepted === generated.lines &&
          stored === generated.lines &&
          rollups.daily === generated.lines &&
          rollups.countries === generated.lines &&
          exitCode === 0,
        detail: `${int(generated.lines)} lines, ${int(summary.accepted)} accepted, ${int(stored)} stored, rollups ${int(rollups.daily)} by day and ${int(rollups.countries)} by country`,
      },
    ];
    log();
    printTargets(targets);
    if (options.record) {
      await recordResults({
        benchmark: 'bench:logs',
        command: commandAsTyped('bench:logs', 'bench/logs.ts'),
        figures,
        targets,
      });
      log('figures recorded in bench/RESULTS.md');
    }
  } finally {
    await tmon?.stop();
    if (options.keep) log(`kept ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}

/** Where the CPU went, by stage: importer and server side by side, then each one's busiest functions. */
function profileTable(importer: ProfileSummary, server: ProfileSummary): string {
  const share = (ms: number, total: number) => `${fixed((100 * ms) / total, 0)} %`;
  const rows = (summary: ProfileSummary, who: string) =>
    summary.buckets
      .filter((bucket) => bucket.ms > 0)
      .map((bucket) => [who, bucket.name, fixed(bucket.ms / 1000, 1), share(bucket.ms, summary.totalMs)]);
  const top = (summary: ProfileSummary, who: string) =>
    summary.top.map((fn) => [
      who,
      fn.name.length > 72 ? `${fn.name.slice(0, 71)}…` : fn.name,
      fn.bucket,
      fixed(fn.ms / 1000, 1),
      share(fn.ms, summary.totalMs),
    ]);
  return [
    `CPU profiles (node --cpu-prof; self time by stage; ${importer.files} importer and ${server.files} server threads). ` +
      'Sampled s is the time the profiler found a thread in a function: CPU, and also waits inside a synchronous call ' +
      "(SQLite's fsync at a commit or checkpoint) or while the machine ran something else; idle time is left out.",
    table([['process', 'stage', 'sampled s', 'share'], ...rows(importer, 'importer'), ...rows(server, 'server')]),
    '',
    'busiest functions (self time):',
    table([
      ['process', 'function', 'stage', 'sampled s', 'share'],
      ...top(importer, 'importer'),
      ...top(server, 'server'),
    ]),
  ].join('\n');
}

/** bench/logs-follow.ts in a process of its own (it reads its own options), --record passed on; resolves to its exit code. */
function runFollowBenchmark(): Promise<number | null> {
  log();
  log('then bench:logs-follow (npm run bench:logs-follow), the latency of tmon logs follow:');
  const args = [
    '--import',
    'tsx',
    path.join(REPO_ROOT, 'bench/logs-follow.ts'),
    ...(options.record ? ['--record'] : []),
  ];
  // its RESULTS.md section then names the npm script that reruns it alone
  const asScript = process.env.npm_lifecycle_event === 'bench:logs' ? { npm_lifecycle_event: 'bench:logs-follow' } : {};
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    stdio: 'inherit',
    env: { ...process.env, ...asScript },
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
}

main()
  .then(async () => {
    if (options['skip-follow']) return 0;
    const code = await runFollowBenchmark();
    if (code !== 0) process.stderr.write(`bench:logs-follow exited with ${code}\n`);
    return code === 0 ? 0 : 1;
  })
  .then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(
        `bench:logs failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(1);
    },
  );
