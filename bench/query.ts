/**
 * npm run bench:query: seeds N events through the store (or reuses a seeded
 * data directory), starts tmon on it and times every query endpoint × window
 * with sequential keep-alive requests, beside GET /healthz as the in-run
 * baseline; then tmon's resident memory and the database size (targets:
 * bench/README.md).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { SQLITE_FILE_NAME } from '../src/store/sqlite/database.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { parseOptions } from './support/args.js';
import { KeepAliveClient } from './support/http-timer.js';
import { type Summary, summarize } from './support/percentiles.js';
import { fileSizes, procMemory } from './support/proc-memory.js';
import { describeMachine, fixed, int, megabytes, printTargets, type Target, table } from './support/report.js';
import { commandAsTyped, RECORD_OPTION, recordResults } from './support/results-file.js';
import { seedEvents } from './support/seed.js';
import { addAdmin, addService, addToken, describeNodeOptions, describeStorage, startTmon } from './support/tmon.js';

const options = parseOptions('npm run bench:query --', {
  events: { kind: 'number', default: 10_000_000, help: 'events to seed' },
  days: { kind: 'number', default: 60, help: 'seeded events span this many days up to now' },
  reuse: { kind: 'string', help: 'data directory to reuse (seeded on first use, kept)' },
  requests: { kind: 'number', default: 200, help: 'timed requests per endpoint and window' },
  warmup: { kind: 'number', default: 20, help: 'untimed requests before them' },
  encoding: {
    kind: 'string',
    default: 'gzip',
    help: 'accept-encoding of the requests: gzip (as browsers) or identity',
  },
  keep: { kind: 'boolean', help: 'keep a fresh data directory (print its path) instead of removing it' },
  record: RECORD_OPTION,
});

const SERVICE_NAME = 'bench';
const WINDOWS = ['10m', '24h', '30d', 'all'] as const;
const P95_TARGET_MS = 10;
const MEMORY_TARGET_BYTES = 400 * 1024 * 1024;
const BOXES = [
  { name: 'world', path: '90/180/-90/-180' },
  { name: 'Berlin', path: '52.7/13.8/52.3/13.0' },
  { name: 'antimeridian', path: '-5/-170/-25/170' },
];
const SERIES = ['second/3600', 'minute/1440', 'hour/720', 'day/365'];

interface Case {
  endpoint: string;
  window: string;
  path: string;
}

interface Measured extends Case {
  summary: Summary;
  failures: string[];
  results: number;
  bytes: number;
}

const log = (line = '') => process.stdout.write(`${line}\n`);

function cases(wsid: number): Case[] {
  const out: Case[] = [{ endpoint: 'GET /healthz (baseline)', window: '-', path: '/healthz' }];
  for (const dim of ['country', 'city', 'os', 'device', 'browser', 'url']) {
    for (const w of WINDOWS)
      out.push({ endpoint: `users/${dim}`, window: w, path: `/${wsid}/data/users/${dim}?window=${w}` });
  }
  for (const box of BOXES) {
    for (const w of WINDOWS) {
      out.push({
        endpoint: `locations ${box.name}`,
        window: w,
        path: `/${wsid}/data/users/locations/${box.path}?window=${w}`,
      });
    }
  }
  for (const s of SERIES) out.push({ endpoint: `requests/${s}`, window: '-', path: `/${wsid}/data/requests/${s}` });
  out.push({ endpoint: 'latest', window: '-', path: `/${wsid}/data/latest` });
  return out;
}

/** The data directory with a seeded service (its id and event count): reused as it is when it already holds one. */
async function prepare(dataDir: string): Promise<{ serviceId: number; events: number }> {
  if (existsSync(path.join(dataDir, SQLITE_FILE_NAME))) {
    const store = await openSqliteStore({ dataDir });
    try {
      const service = await store.accounts.findServiceByName(SERVICE_NAME);
      const count = service ? await store.events.countEvents(service.id) : 0;
      if (service && count > 0) {
        const [newest] = await store.events.latestEvents(service.id, 1);
        const age = newest ? (Date.now() - newest.ts) / 60_000 : Number.NaN;
        log(`reusing ${dataDir}: ${int(count)} events, the newest ${fixed(age, 0)} min old`);
        if (age > 10)
          log('  (older than 10 min: the 10m window is empty, the 24h one holds fewer events than when seeded)');
        return { serviceId: service.id, events: count };
      }
    } finally {
      await store.close();
    }
  }
  await mkdir(dataDir, { recursive: true });
  await addAdmin(dataDir, 'admin', `bench-${Math.random().toString(36).slice(2)}`);
  const service = await addService(dataDir, SERVICE_NAME);
  log(`seeding ${int(options.events)} events over ${options.days} days into ${dataDir}`);
  const store = await openSqliteStore({ dataDir });
  let events: number;
  try {
    await store.migrate();
    const seeded = await seedEvents(store.events, service.id, options.events, options.days);
    events = seeded.events;
    const t0 = performance.now();
    await store.events.advanceWindows(Date.now());
    await store.events.pruneRollups(Date.now(), Number.MAX_SAFE_INTEGER);
    log(
      `seeded ${int(seeded.events)} events in ${fixed(seeded.seconds, 0)} s (${int(seeded.events / seeded.seconds)} events/s); ` +
        `${seeded.shape.countries} countries, ${int(seeded.shape.cities)} cities, ${int(seeded.shape.urls)} URLs; ` +
        `advanceWindows + pruneRollups ${fixed((performance.now() - t0) / 1000, 1)} s`,
    );
  } finally {
    await store.close();
  }
  return { serviceId: service.id, events };
}

async function measure(client: KeepAliveClient, c: Case): Promise<Measured> {
  const failures: string[] = [];
  const samples: number[] = [];
  let last: Buffer = Buffer.alloc(0);
  let bytes = 0;
  for (let i = 0; i < options.warmup + options.requests; i++) {
    const answer = await client.get(c.path);
    if (answer.status !== 200 && failures.length < 3)
      failures.push(`${answer.status} ${answer.body.toString().slice(0, 200)}`);
    if (i < options.warmup) continue;
    samples.push(answer.ms);
    bytes += answer.bytes;
    last = answer.body;
  }
  let results = Number.NaN;
  try {
    const text = options.encoding === 'gzip' && last[0] === 0x1f ? gunzipSync(last).toString() : last.toString();
    const parsed = JSON.parse(text) as { results?: unknown };
    results = Array.isArray(parsed.results) ? parsed.results.length : 1;
  } catch {
    failures.push('answer is not JSON');
  }
  return { ...c, summary: summarize(samples), failures, results, bytes: bytes / samples.length };
}

async function main(): Promise<number> {
  log('tmon query benchmark: every query endpoint × window, sequential keep-alive requests on 127.0.0.1');
  log(describeMachine());
  const dataDir = options.reuse
    ? path.resolve(options.reuse)
    : await mkdtemp(path.join(os.tmpdir(), 'tmon-bench-query-'));
  const { serviceId, events } = await prepare(dataDir);

  const tmon = await startTmon({ dataDir });
  let measured: Measured[];
  let memory: Awaited<ReturnType<typeof procMemory>>;
  let exitCode: number | null;
  try {
    const token = await addToken(dataDir);
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, 'accept-encoding': options.encoding };
    const client = new KeepAliveClient(tmon.port, headers);
    const startMemory = await procMemory(tmon.pid);
    log(
      `tmon pid ${tmon.pid} port ${tmon.port} (${describeNodeOptions()}), ${describeStorage(tmon)}, resident at start ${megabytes(startMemory.rss)}`,
    );
    log(`${options.warmup} warm-up + ${options.requests} timed requests per row, accept-encoding: ${options.encoding}`);
    measured = [];
    for (const c of cases(serviceId)) measured.push(await measure(client, c));
    client.close();
    memory = await procMemory(tmon.pid);
  } finally {
    exitCode = await tmon.stop();
  }
  const sizes = await fileSizes(dataDir);

  const figures: string[] = [];
  figures.push(
    table([
      ['endpoint', 'window', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'results', 'bytes', 'errors'],
      ...measured.map((m) => [
        m.endpoint,
        m.window,
        fixed(m.summary.p50, 2),
        fixed(m.summary.p95, 2),
        fixed(m.summary.p99, 2),
        fixed(m.summary.max, 1),
        int(m.results),
        int(m.bytes),
        m.failures.length === 0 ? '0' : m.failures[0]!,
      ]),
    ]),
  );
  const dbBytes = Object.values(sizes).reduce((a, b) => a + b, 0);
  figures.push(
    `tmon resident memory after the run: ${megabytes(memory.rss)}, peak ${megabytes(memory.peak)} (VmRSS / VmHWM); exit code ${exitCode}\n` +
      `database: ${Object.entries(sizes)
        .map(([name, size]) => `${name} ${megabytes(size)}`)
        .join(', ')} (total ${megabytes(dbBytes)})`,
  );
  for (const block of figures) log(`\n${block}`);
  log();

  const queries = measured.slice(1);
  const slow = queries.filter((m) => m.summary.p95 > P95_TARGET_MS);
  const failed = measured.filter((m) => m.failures.length > 0);
  const targets: Target[] = [
    {
      name: `query p95 ≤ ${P95_TARGET_MS} ms, every endpoint and window`,
      met: slow.length === 0,
      detail:
        slow.length === 0
          ? `worst ${fixed(Math.max(...queries.map((m) => m.summary.p95)), 2)} ms`
          : `${slow.length} of ${queries.length} over: ${slow.map((m) => `${m.endpoint} ${m.window} ${fixed(m.summary.p95, 1)} ms`).join('; ')}`,
    },
    {
      name: 'resident memory ≤ 400 MB',
      met: memory.peak <= MEMORY_TARGET_BYTES,
      detail: `peak ${megabytes(memory.peak)}, after the run ${megabytes(memory.rss)}`,
    },
    {
      name: 'every answer 200 and JSON',
      met: failed.length === 0,
      detail: failed.length === 0 ? 'yes' : failed.map((m) => `${m.endpoint} ${m.window}: ${m.failures[0]}`).join('; '),
    },
  ];
  printTargets(targets);
  if (options.record) {
    await recordResults({
      benchmark: 'bench:query',
      command: commandAsTyped('bench:query', 'bench/query.ts'),
      figures: [
        `${int(events)} events stored${options.reuse ? ' (a reused data directory)' : ''}; ${options.warmup} warm-up + ${options.requests} timed requests per row, accept-encoding: ${options.encoding}`,
        ...figures,
      ],
      targets,
    });
    log('figures recorded in bench/RESULTS.md');
  }

  if (options.reuse) log(`data directory kept for --reuse: ${dataDir}`);
  else if (options.keep) log(`data directory kept: ${dataDir} (run again with --reuse ${dataDir})`);
  else await rm(dataDir, { recursive: true, force: true });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `bench:query failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
