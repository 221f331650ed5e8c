/**
 * npm run bench:live: collect → dashboard latency (SPEC §8: p99 ≤ 300 ms at
 * 5,000 events/s). Sends v2 events to tmon at a steady rate while a
 * dashboard's stream (GET /$wsid/live, SSE) is open, and measures for every
 * event the time from sending it to the first live frame that shows it (by
 * name, or in the count of older events a busy frame skips). The in-run
 * reference is the collect request's own answer time: the dashboard can be no
 * faster than the commit, and waits at most one frame interval (250 ms) more.
 */

import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { FRAME_INTERVAL_MS } from '../src/live/live-channels.js';
import { parseOptions } from './support/args.js';
import { makeScenario } from './support/bodies.js';
import { FrameCoverage } from './support/frame-coverage.js';
import { type Summary, summarize } from './support/percentiles.js';
import { cpuSince, cpuSnapshot } from './support/proc-cpu.js';
import { describeMachine, fixed, int, printTargets, table } from './support/report.js';
import { openSse } from './support/sse-client.js';
import { addAdmin, addService, addToken, describeNodeOptions, describeStorage, startTmon } from './support/tmon.js';

const options = parseOptions('npm run bench:live --', {
  rate: { kind: 'number', default: 5_000, help: 'events per second, one event per request' },
  duration: { kind: 'number', default: 20, help: 'seconds measured' },
  warmup: { kind: 'number', default: 3, help: 'seconds sent before the measured ones (not counted)' },
  connections: { kind: 'number', default: 32, help: 'keep-alive connections of the sender' },
});

const P99_TARGET_MS = 300;
const RATE_TARGET = 5_000;
/** the sender falls behind rather than queue without bound when tmon answers slower than it sends */
const MAX_IN_FLIGHT_PER_CONNECTION = 8;
const TICK_MS = 5;
/** frames keep coming this long after the last event was sent, for the last ones to be shown */
const DRAIN_MS = 2 * FRAME_INTERVAL_MS + 500;

const log = (line = '') => process.stdout.write(`${line}\n`);

interface SendResult {
  sent: number;
  measuredSent: number;
  ok: number;
  refused: number;
  errors: number;
  behindTicks: number;
  firstRefusal: string | null;
  answerMs: number[];
}

async function main(): Promise<void> {
  log('tmon live benchmark (SPEC §8): collect → dashboard latency, one event per request, on 127.0.0.1');
  log(describeMachine());
  log(
    `rate ${int(options.rate)} events/s, ${options.warmup} s warm-up + ${options.duration} s measured, ` +
      `${options.connections} keep-alive connections; one dashboard stream open`,
  );
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tmon-bench-live-'));
  let tmon: Awaited<ReturnType<typeof startTmon>> | null = null;
  try {
    await mkdir(dataDir, { recursive: true });
    await addAdmin(dataDir, 'admin', `bench-${Math.random().toString(36).slice(2)}`);
    const service = await addService(dataDir, 'live');
    const token = await addToken(dataDir);
    tmon = await startTmon({ dataDir });
    log(`tmon pid ${tmon.pid} port ${tmon.port} (${describeNodeOptions()}), ${describeStorage(tmon)}`);
    const port = tmon.port;

    const start = performance.now();
    const measureFrom = start + options.warmup * 1000;
    const coverage = new FrameCoverage(measureFrom);
    let frames = 0;
    let shownTotal = 0;
    let skippedTotal = 0;
    const stream = await openSse(port, `/${service.id}/live`, { authorization: `Bearer ${token}` }, (message) => {
      if (message.event !== 'events') return;
      const frame = JSON.parse(message.data) as { events: { id: string | null }[]; skipped: number };
      const shown: number[] = [];
      for (const event of frame.events) {
        const n = Number(event.id?.slice(3)); // ids are `v2-<n>`
        if (Number.isInteger(n)) shown.push(n);
      }
      frames++;
      shownTotal += shown.length;
      skippedTotal += frame.skipped;
      coverage.frame(message.at, shown, frame.skipped);
    });

    const before = cpuSnapshot([tmon.pid], false);
    const sending = await send(port, makeScenario('v2', service), coverage, start, measureFrom);
    const cpu = cpuSince(before);
    await new Promise((resolve) => setTimeout(resolve, DRAIN_MS));
    stream.close();

    const measuredSeconds = options.duration;
    const rate = sending.measuredSent / measuredSeconds;
    const dashboard = summarize(coverage.latencies);
    const answers = summarize(sending.answerMs);
    log();
    log(
      `sent ${int(sending.sent)} events (${int(rate)} events/s measured), ${int(sending.ok)} answered 200, ` +
        `${int(sending.refused)} refused, ${int(sending.errors)} errors` +
        (sending.behindTicks > 0
          ? `; ${sending.behindTicks} send ticks waited at the bound of ${options.connections * MAX_IN_FLIGHT_PER_CONNECTION} requests in flight`
          : '') +
        (sending.firstRefusal ? `; first refusal: ${sending.firstRefusal}` : ''),
    );
    log(
      `frames ${int(frames)} (${fixed(frames / (measuredSeconds + options.warmup), 1)}/s): ${int(shownTotal)} events named, ` +
        `${int(skippedTotal)} counted as skipped; ${int(coverage.covered)} events reached the dashboard, ` +
        `${int(coverage.uncovered())} never did, ${int(coverage.unmatchedSkips)} skips matched no event`,
    );
    log(
      `CPU s during the run: tmon ${fixed(cpu.tmon, 1)}, sender and stream reader ${fixed(cpu.loadGenerator, 1)} ` +
        `of ${fixed(os.cpus().length * (measuredSeconds + options.warmup), 0)}`,
    );
    log();
    const row = (name: string, s: Summary) => [
      name,
      int(s.count),
      fixed(s.p50, 1),
      fixed(s.p95, 1),
      fixed(s.p99, 1),
      fixed(s.max, 1),
    ];
    log(
      table([
        ['measured events', 'count', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
        row('collect answer (reference)', answers),
        row('collect → dashboard frame', dashboard),
      ]),
    );
    log();
    const lost = coverage.uncovered();
    printTargets([
      {
        name: `collect → dashboard p99 ≤ ${P99_TARGET_MS} ms at ≥ ${int(RATE_TARGET)} events/s`,
        met: dashboard.p99 <= P99_TARGET_MS && rate >= RATE_TARGET * 0.98,
        detail: `p99 ${fixed(dashboard.p99, 1)} ms at ${int(rate)} events/s`,
      },
      {
        name: 'every event answered 200 and shown',
        met: sending.refused === 0 && sending.errors === 0 && lost === 0,
        detail: `${int(sending.refused + sending.errors)} not answered 200, ${int(lost)} never reached the dashboard`,
      },
    ]);
  } finally {
    const exitCode = await tmon?.stop();
    if (exitCode !== undefined && exitCode !== 0) log(`tmon exited with ${exitCode}: ${tmon?.stderr()}`);
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Sends request n at start + n / rate, as far as the in-flight bound allows, until the measured time is over. */
function send(
  port: number,
  scenario: ReturnType<typeof makeScenario>,
  coverage: FrameCoverage,
  start: number,
  measureFrom: number,
): Promise<SendResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const end = measureFrom + options.duration * 1000;
  const result: SendResult = {
    sent: 0,
    measuredSent: 0,
    ok: 0,
    refused: 0,
    errors: 0,
    behindTicks: 0,
    firstRefusal: null,
    answerMs: [],
  };
  let inFlight = 0;
  return new Promise((resolve) => {
    const one = (n: number) => {
      const body = scenario.body(n);
      const sentAt = performance.now();
      coverage.sent(n, sentAt);
      result.sent++;
      if (sentAt >= measureFrom) result.measuredSent++;
      inFlight++;
      const request = http.request(
        {
          host: '127.0.0.1',
          port,
          path: '/data/collect',
          method: 'POST',
          agent,
          headers: { 'content-type': scenario.contentType, 'content-length': Buffer.byteLength(body) },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            inFlight--;
            if (response.statusCode === 200) {
              result.ok++;
              if (sentAt >= measureFrom) result.answerMs.push(performance.now() - sentAt);
            } else {
              result.refused++;
              result.firstRefusal ??= `${response.statusCode} ${Buffer.concat(chunks).toString().slice(0, 200)}`;
            }
          });
        },
      );
      request.on('error', (error) => {
        inFlight--;
        result.errors++;
        result.firstRefusal ??= error.message;
      });
      request.end(body);
    };
    const timer = setInterval(() => {
      const now = performance.now();
      if (now >= end) {
        clearInterval(timer);
        const settle = setInterval(() => {
          if (inFlight > 0) return;
          clearInterval(settle);
          agent.destroy();
          resolve(result);
        }, 10);
        return;
      }
      const due = Math.floor(((now - start) / 1000) * options.rate);
      while (result.sent < due) {
        if (inFlight >= options.connections * MAX_IN_FLIGHT_PER_CONNECTION) {
          result.behindTicks++;
          break;
        }
        one(result.sent);
      }
    }, TICK_MS);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:live failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
