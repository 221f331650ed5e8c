/**
 * npm run bench:otlp: spans/s into tmon through POST /v1/traces, in OTLP
 * protobuf exports of 512 HTTP server spans (the OpenTelemetry SDKs'
 * default batch), against events/s of v2 batches of the same 512 events in
 * the same run, on the same tmon, alternating in slices so that a drifting
 * machine slows both alike. Target (bench/README.md): OTLP at least half
 * of v2. Then checks that tmon stored every span and event it acknowledged.
 * Load only on 127.0.0.1; about 40 s with the defaults.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { runAlternating } from './support/alternate.js';
import { parseOptions } from './support/args.js';
import { planCores } from './support/cores.js';
import { type Bucket, SERVER_BUCKETS, summariseProfiles } from './support/cpu-profile-summary.js';
import { type LoadResult, loadResultOf } from './support/load.js';
import { otlpBody, v2Body } from './support/otlp-bodies.js';
import { runTmonCli, type ServerProcess } from './support/processes.js';
import { describeMachine, fixed, int, printTargets, type Target, table } from './support/report.js';
import { commandAsTyped, RECORD_OPTION, recordResults } from './support/results-file.js';
import { serverCounters, settledCounters } from './support/server-counters.js';
import { addService, addToken, describeNodeOptions, describeStorage, startTmon } from './support/tmon.js';

const options = parseOptions('npm run bench:otlp --', {
  duration: { kind: 'number', default: 15, help: 'seconds of load per way in, split over the slices' },
  slices: { kind: 'number', default: 5, help: 'OTLP and v2 alternate in this many slices each' },
  warmup: {
    kind: 'number',
    default: 3,
    help: 'seconds of warm-up of each way in before the timed slices (not counted)',
  },
  connections: { kind: 'number', default: 4, help: 'keep-alive connections of the load generator' },
  batch: { kind: 'number', default: 512, help: 'spans per export, and events per v2 batch' },
  'cpu-prof': {
    kind: 'string',
    help: "write V8 CPU profiles of tmon into this directory and print where its CPU went (both ways' load together)",
  },
  record: RECORD_OPTION,
});

/** the server's stages, OTLP decoding and mapping first */
const PROFILE_BUCKETS: readonly Bucket[] = [
  { name: 'OTLP (src/otlp, protobufjs)', url: /\/src\/otlp\/|\/node_modules\/protobufjs\// },
  ...SERVER_BUCKETS,
];

const log = (line = '') => process.stdout.write(`${line}\n`);
const figures: string[] = [];
const logFigures = (text: string) => {
  log(text);
  figures.push(text);
};

/** the share of v2's events/s that OTLP's spans/s must reach */
const TARGET_RATIO = 0.5;

interface Way {
  name: string;
  path: string;
  headers: Record<string, string>;
  body: (n: number) => string | Buffer;
  /** request numbers taken so far: every body is new */
  next: number;
  /** ms spent building bodies in the load generator, and how many */
  buildMs: number;
  built: number;
}

/** `seconds` of load on one way in: keep-alive connections, each request a new body, answers counted. */
async function load(port: number, way: Way, seconds: number): Promise<LoadResult> {
  let firstRefusal: string | null = null;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: options.connections,
    pipelining: 1,
    duration: seconds,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: way.path,
        headers: way.headers,
        setupRequest(request) {
          const start = performance.now();
          const body = way.body(way.next++);
          way.buildMs += performance.now() - start;
          way.built++;
          return { ...request, body };
        },
        onResponse(status, body) {
          if (status !== 200) firstRefusal ??= `${status} ${body.slice(0, 300)}`;
        },
      },
    ],
  });
  return loadResultOf(result, [], firstRefusal);
}

async function main(): Promise<number> {
  log('tmon OTLP benchmark: POST /v1/traces (protobuf) against POST /data/collect (v2), load only on 127.0.0.1');
  const cores = planCores(null);
  log(describeMachine(cores.serverCore === null ? undefined : 'tmon and the load generator, each on its own core(s)'));
  const size = options.batch;
  logFigures(
    `${cores.describe}\n` +
      `load: autocannon, ${options.connections} connections, ${size} spans per OTLP export and ${size} events per v2 batch, ` +
      `${options.warmup} s warm-up each, then ${options.duration} s each in ${options.slices} alternating slices`,
  );

  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tmon-bench-otlp-'));
  let tmon: ServerProcess | null = null;
  try {
    tmon = await startTmon({ dataDir, core: cores.serverCore, cpuProfDir: options['cpu-prof'] });
    const service = await addService(dataDir, 'bench');
    const adminToken = await addToken(dataDir);
    const ingestToken = await runTmonCli([
      ...['token', 'add', '--user', 'admin', '--scope', 'ingest', '--service', String(service.id)],
      ...['--name', 'otlp-bench', '--data', dataDir],
    ]);
    log(`tmon pid ${tmon.pid} port ${tmon.port} (${describeNodeOptions()}), ${describeStorage(tmon)}`);
    const port = tmon.port;

    const otlp: Way = {
      name: `OTLP protobuf, ${size} spans`,
      path: '/v1/traces',
      headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${ingestToken}` },
      body: (n) => otlpBody(n, size),
      next: 0,
      buildMs: 0,
      built: 0,
    };
    const v2: Way = {
      name: `v2 AES-GCM, ${size} events`,
      path: '/data/collect',
      headers: { 'content-type': 'application/json' },
      body: (n) => v2Body(n, size, service),
      next: 0,
      buildMs: 0,
      built: 0,
    };
    const sample = otlpBody(0, size);
    log(
      `an OTLP body of ${size} spans: ${int(sample.length)} bytes; a v2 body: ${int(v2Body(0, size, service).length)} bytes`,
    );

    for (const way of [otlp, v2]) {
      const warm = await load(port, way, options.warmup);
      log(
        `warm-up ${way.name}: ${int(warm.ok)} answered 200${warm.non2xx > 0 ? `, first refusal ${warm.firstRefusal}` : ''}`,
      );
    }
    const counted = await settledCounters(() => serverCounters(port, adminToken));
    const [otlpRun, v2Run] = await runAlternating(
      [otlp, v2].map((way) => ({ pids: [tmon?.pid ?? 0], run: (seconds: number) => load(port, way, seconds) })),
      { seconds: options.duration, slices: options.slices, withPostgres: false },
    );
    if (!otlpRun || !v2Run) throw new Error('a way in did not run');
    const settled = await settledCounters(() => serverCounters(port, adminToken));

    const spansPerSecond = otlpRun.run.okPerSecond * size;
    const eventsPerSecond = v2Run.run.okPerSecond * size;
    const ratio = spansPerSecond / eventsPerSecond;
    const row = (way: Way, run: LoadResult, perSecond: number, cpuSeconds: number) => [
      way.name,
      int(run.okPerSecond * run.seconds),
      fixed(run.okPerSecond, 1),
      int(perSecond),
      fixed(run.p50, 0),
      fixed(run.p99, 0),
      int((perSecond * run.seconds) / Math.max(cpuSeconds, 1e-9)),
      fixed((way.buildMs / Math.max(way.built, 1)) * 1000, 0),
    ];
    logFigures(
      table([
        [
          'way in',
          'requests 200',
          'requests/s',
          'spans or events/s',
          'p50 ms',
          'p99 ms',
          'per tmon CPU s',
          'body build µs',
        ],
        row(otlp, otlpRun.run, spansPerSecond, otlpRun.cpu.tmon),
        row(v2, v2Run.run, eventsPerSecond, v2Run.cpu.tmon),
      ]),
    );
    logFigures(
      `OTLP spans/s against v2 events/s, slice by slice: ${otlpRun.slices
        .map((slice, i) => fixed((slice.okPerSecond / (v2Run.slices[i]?.okPerSecond ?? Number.NaN)) * 100, 0))
        .join(', ')} %`,
    );
    const refused = [otlpRun.run, v2Run.run].filter((run) => run.non2xx > 0 || run.errors > 0);
    for (const run of refused)
      log(`refusals or errors: ${JSON.stringify(run.statusCodes)}, first: ${run.firstRefusal}`);

    // every acknowledged span and event is stored: the accepted counter moved as much as the stored one
    const accepted = settled.accepted - counted.accepted;
    const stored = settled.stored - counted.stored;
    const targets: Target[] = [
      {
        name: `OTLP protobuf spans/s at least ${TARGET_RATIO * 100} % of v2 events/s`,
        met: ratio >= TARGET_RATIO,
        detail: `${int(spansPerSecond)} against ${int(eventsPerSecond)}, ${fixed(ratio * 100, 0)} %`,
      },
      {
        name: 'every acknowledged span and event stored once',
        met: accepted === stored && refused.length === 0,
        detail: `${int(accepted)} acknowledged, ${int(stored)} stored in the timed slices, ${refused.length === 0 ? 'no' : 'some'} refusals`,
      },
    ];
    printTargets(targets);
    if (options.record) {
      await recordResults({
        benchmark: 'bench:otlp',
        command: commandAsTyped('bench:otlp', 'bench/otlp.ts'),
        figures,
        targets,
      });
      log('recorded in bench/RESULTS.md');
    }
    if (options['cpu-prof']) {
      await tmon.stop();
      tmon = null;
      const summary = await summariseProfiles(options['cpu-prof'], PROFILE_BUCKETS, 12);
      log(`tmon's CPU by stage (${int(summary.totalMs)} ms sampled):`);
      for (const bucket of summary.buckets) log(`  ${bucket.name}: ${fixed((bucket.ms / summary.totalMs) * 100, 0)} %`);
      for (const top of summary.top)
        log(`  ${fixed((top.ms / summary.totalMs) * 100, 1)} %  ${top.name} (${top.bucket})`);
    }
    return targets.every((target) => target.met) ? 0 : 1;
  } finally {
    await tmon?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
