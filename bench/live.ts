/**
 * npm run bench:live: collect → dashboard latency (target: p99 ≤ 300 ms at
 * 5,000 events/s), with one dashboard stream open and then with many on the
 * same service (`--streams`), in the same run and printed side by side: many
 * viewers of a service should cost little more than one. Sends v2
 * events to tmon at a steady rate while the streams (GET /$wsid/live, SSE)
 * are open, and measures for every event the time from sending it to the
 * first live frame of the measured stream that shows it (by name, or in the
 * count of older events a busy frame skips). The other streams are read by a
 * process of their own, as dashboards would. The in-run reference is the
 * collect request's own answer time: the dashboard can be no faster than the
 * commit, and waits at most one frame interval (250 ms) more.
 */

import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FRAME_INTERVAL_MS } from '../src/live/live-channels.js';
import { parseOptions } from './support/args.js';
import { makeScenario } from './support/bodies.js';
import { FrameCoverage } from './support/frame-coverage.js';
import { type SendResult, sendPaced } from './support/paced-sender.js';
import { type Summary, summarize } from './support/percentiles.js';
import { cpuSince, cpuSnapshot, processCpuSeconds } from './support/proc-cpu.js';
import { procMemory } from './support/proc-memory.js';
import type { ServerProcess } from './support/processes.js';
import { describeMachine, fixed, int, printTargets, type Target, table } from './support/report.js';
import { commandAsTyped, RECORD_OPTION, recordResults } from './support/results-file.js';
import { openSse } from './support/sse-client.js';
import { openViewers } from './support/stream-viewers.js';
import {
  addAdmin,
  addService,
  addToken,
  type BenchService,
  describeNodeOptions,
  describeStorage,
  startTmon,
} from './support/tmon.js';

const options = parseOptions('npm run bench:live --', {
  rate: { kind: 'number', default: 5_000, help: 'events per second, one event per request' },
  duration: { kind: 'number', default: 20, help: 'seconds measured, in each of the two measurements' },
  warmup: { kind: 'number', default: 3, help: 'seconds sent before the measured ones (not counted), in each' },
  connections: { kind: 'number', default: 32, help: 'keep-alive connections of the sender' },
  streams: {
    kind: 'number',
    default: 500,
    help: 'live streams open on the service in the second measurement (the measured one and the others)',
  },
  record: RECORD_OPTION,
});

const P99_TARGET_MS = 300;
const RATE_TARGET = 5_000;
/** frames keep coming this long after the last event was sent, for the last ones to be shown */
const DRAIN_MS = 2 * FRAME_INTERVAL_MS + 500;

const log = (line = '') => process.stdout.write(`${line}\n`);
const SETUP =
  `rate ${int(options.rate)} events/s, ${options.warmup} s warm-up + ${options.duration} s measured, ` +
  `${options.connections} keep-alive connections; measured with 1 stream open, then with ${int(options.streams)}`;

interface Measurement {
  streams: number;
  sending: SendResult;
  answers: Summary;
  dashboard: Summary;
  frames: number;
  shownTotal: number;
  skippedTotal: number;
  covered: number;
  lost: number;
  unmatchedSkips: number;
  /** CPU seconds while events were sent */
  cpu: { tmon: number; sender: number; viewers: number };
  /** tmon's resident memory at the end of the sending, every stream still open */
  rss: number;
  /** what the other streams received, all together */
  viewers: { bytes: number; frames: number } | null;
}

async function main(): Promise<void> {
  if (options.streams < 2)
    throw new Error('--streams must be at least 2: the second measurement is against one stream');
  log('tmon live benchmark: collect → dashboard latency, one event per request, on 127.0.0.1');
  log(describeMachine('tmon, the sender, the measured stream and the other streams'));
  log(SETUP);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tmon-bench-live-'));
  let tmon: ServerProcess | null = null;
  try {
    await mkdir(dataDir, { recursive: true });
    await addAdmin(dataDir, 'admin', `bench-${Math.random().toString(36).slice(2)}`);
    const service = await addService(dataDir, 'live');
    const token = await addToken(dataDir);
    // every stream is the bench token's: its user may hold them all (the default is 20 per user)
    const maxStreams = String(Math.max(options.streams, 1000));
    tmon = await startTmon({
      dataDir,
      env: { TMON_MAX_STREAMS_PER_USER: String(options.streams), TMON_MAX_STREAMS: maxStreams },
    });
    log(
      `tmon pid ${tmon.pid} port ${tmon.port} (${describeNodeOptions()}), ${describeStorage(tmon)}; ` +
        `TMON_MAX_STREAMS_PER_USER=${options.streams}`,
    );

    const one = await measure(tmon, service, token, 1, 0);
    const many = await measure(tmon, service, token, options.streams, one.sending.sent);
    log();
    const { figures, targets } = report(one, many);
    if (options.record) {
      await recordResults({
        benchmark: 'bench:live',
        command: commandAsTyped('bench:live', 'bench/live.ts'),
        figures,
        targets,
      });
      log('figures recorded in bench/RESULTS.md');
    }
  } finally {
    const exitCode = await tmon?.stop();
    if (exitCode !== undefined && exitCode !== 0) log(`tmon exited with ${exitCode}: ${tmon?.stderr()}`);
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * One measurement: `streams - 1` streams opened and read by the viewers' process, then the measured one;
 * events sent for the warm-up and the measured time (request numbers from `firstRequest` on, so that no id
 * repeats an earlier measurement's); then every stream closed.
 */
async function measure(
  tmon: ServerProcess,
  service: BenchService,
  token: string,
  streams: number,
  firstRequest: number,
): Promise<Measurement> {
  const streamPath = `/${service.id}/live`;
  const headers = { authorization: `Bearer ${token}` };
  const viewers =
    streams > 1 ? await openViewers({ port: tmon.port, path: streamPath, headers, count: streams - 1 }) : null;
  let coverage: FrameCoverage | null = null;
  let frames = 0;
  let shownTotal = 0;
  let skippedTotal = 0;
  const stream = await openSse(tmon.port, streamPath, headers, (message) => {
    if (message.event !== 'events' || coverage === null) return;
    const frame = JSON.parse(message.data) as { events: { id: string | null }[]; skipped: number };
    const shown: number[] = [];
    for (const event of frame.events) {
      const n = Number(event.id?.slice(3)) - firstRequest; // ids are `v2-<n>`
      if (Number.isInteger(n) && n >= 0) shown.push(n);
    }
    frames++;
    shownTotal += shown.length;
    skippedTotal += frame.skipped;
    coverage.frame(message.at, shown, frame.skipped);
  });

  const start = performance.now();
  const measureFrom = start + options.warmup * 1000;
  const measuring = new FrameCoverage(measureFrom);
  coverage = measuring;
  const before = cpuSnapshot([tmon.pid], false);
  const viewersBefore = viewers ? processCpuSeconds(viewers.pid) : 0;
  const sending = await sendPaced({
    port: tmon.port,
    scenario: makeScenario('v2', service),
    rate: options.rate,
    connections: options.connections,
    start,
    measureFrom,
    end: measureFrom + options.duration * 1000,
    firstRequest,
    onSent: (n, at) => measuring.sent(n, at),
  });
  const cpu = cpuSince(before);
  const viewersCpu = viewers ? processCpuSeconds(viewers.pid) - viewersBefore : 0;
  const { rss } = await procMemory(tmon.pid);
  await new Promise((resolve) => setTimeout(resolve, DRAIN_MS));
  stream.close();
  const received = viewers ? await viewers.close() : null;
  return {
    streams,
    sending,
    answers: summarize(sending.answerMs),
    dashboard: summarize(measuring.latencies),
    frames,
    shownTotal,
    skippedTotal,
    covered: measuring.covered,
    lost: measuring.uncovered(),
    unmatchedSkips: measuring.unmatchedSkips,
    cpu: { tmon: cpu.tmon, sender: cpu.loadGenerator, viewers: viewersCpu },
    rss,
    viewers: received,
  };
}

/** Prints both measurements side by side and judges the targets; returns what --record writes. */
function report(one: Measurement, many: Measurement): { figures: string[]; targets: Target[] } {
  const seconds = options.duration + options.warmup;
  for (const m of [one, many]) {
    const label = m.streams === 1 ? 'with 1 stream' : `with ${int(m.streams)} streams`;
    const { sending } = m;
    log(
      `${label}: sent ${int(sending.sent)} events (${int(sending.measuredSent / options.duration)} events/s measured), ` +
        `${int(sending.ok)} answered 200, ${int(sending.refused)} refused, ${int(sending.errors)} errors` +
        (sending.behindTicks > 0
          ? `; ${sending.behindTicks} send ticks waited at the bound of ${sending.maxInFlight} requests in flight`
          : '') +
        (sending.firstRefusal ? `; first refusal: ${sending.firstRefusal}` : ''),
    );
    log(
      `  measured stream: frames ${int(m.frames)} (${fixed(m.frames / seconds, 1)}/s): ${int(m.shownTotal)} events ` +
        `named, ${int(m.skippedTotal)} counted as skipped; ${int(m.covered)} events reached it, ${int(m.lost)} ` +
        `never did, ${int(m.unmatchedSkips)} skips matched no event`,
    );
    if (m.viewers) {
      const others = m.streams - 1;
      log(
        `  the ${int(others)} other streams received ${fixed(m.viewers.bytes / 1024 / 1024, 0)} MB, ` +
          `${fixed(m.viewers.frames / others / seconds, 1)} frames/s each`,
      );
    }
    log(
      `  CPU s: tmon ${fixed(m.cpu.tmon, 1)}, sender and measured stream ${fixed(m.cpu.sender, 1)}` +
        (m.viewers ? `, the other streams' reader ${fixed(m.cpu.viewers, 1)}` : '') +
        ` of ${fixed(os.cpus().length * seconds, 0)}`,
    );
  }
  log();
  const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? `${fixed(b / a, 2)}×` : '-');
  const row = (name: string, a: number, b: number, digits = 1) => [
    name,
    fixed(a, digits),
    fixed(b, digits),
    ratio(a, b),
  ];
  const sideBySide = table([
    ['measured', '1 stream', `${int(many.streams)} streams`, `${int(many.streams)} / 1`],
    [
      'events/s sent',
      int(one.sending.measuredSent / options.duration),
      int(many.sending.measuredSent / options.duration),
      ratio(one.sending.measuredSent, many.sending.measuredSent),
    ],
    row('collect answer p50 ms', one.answers.p50, many.answers.p50),
    row('collect answer p99 ms', one.answers.p99, many.answers.p99),
    row('collect answer max ms', one.answers.max, many.answers.max),
    row('collect → dashboard p50 ms', one.dashboard.p50, many.dashboard.p50),
    row('collect → dashboard p99 ms', one.dashboard.p99, many.dashboard.p99),
    row('collect → dashboard max ms', one.dashboard.max, many.dashboard.max),
    row('tmon CPU s', one.cpu.tmon, many.cpu.tmon),
    row('tmon RSS MB, streams open', one.rss / 1024 / 1024, many.rss / 1024 / 1024, 0),
  ]);
  log(sideBySide);
  log();
  const rate = one.sending.measuredSent / options.duration;
  const allShown = (m: Measurement) => ({
    name: `every event answered 200 and shown, ${m.streams === 1 ? '1 stream' : `${int(m.streams)} streams`}`,
    met: m.sending.refused === 0 && m.sending.errors === 0 && m.lost === 0,
    detail: `${int(m.sending.refused + m.sending.errors)} not answered 200, ${int(m.lost)} never reached the dashboard`,
  });
  const targets: Target[] = [
    {
      name: `collect → dashboard p99 ≤ ${P99_TARGET_MS} ms at ≥ ${int(RATE_TARGET)} events/s, 1 stream`,
      met: one.dashboard.p99 <= P99_TARGET_MS && rate >= RATE_TARGET * 0.98,
      detail: `p99 ${fixed(one.dashboard.p99, 1)} ms at ${int(rate)} events/s`,
    },
    allShown(one),
    allShown(many),
  ];
  printTargets(targets);
  return { figures: [SETUP, sideBySide], targets };
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:live failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
