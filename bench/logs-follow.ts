/**
 * npm run bench:logs-follow: how long a line appended to an access log takes
 * to reach the dashboard through `tmon logs follow` — from the append to the
 * live stream's frame that shows it — while the log grows by 1,000 lines a
 * second. The target: within 1 s. tmon and the follower run built (dist/),
 * each in its own process, on 127.0.0.1; this process writes the log, a few
 * lines every few milliseconds, and reads the live stream. A frame names the
 * newest events of its 250 ms and counts the older ones it skipped: a skipped
 * line reached the dashboard with that frame (frame-coverage.ts).
 */
import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseOptions } from './support/args.js';
import { FrameCoverage } from './support/frame-coverage.js';
import { summarize } from './support/percentiles.js';
import { REPO_ROOT, runTmonCli, type ServerProcess } from './support/processes.js';
import { describeMachine, fixed, int, printTargets, type Target, table } from './support/report.js';
import { commandAsTyped, RECORD_OPTION, recordResults } from './support/results-file.js';
import { openSse } from './support/sse-client.js';
import { addAdmin, addService, addToken, describeNodeOptions, startTmon } from './support/tmon.js';

const options = parseOptions('npm run bench:logs-follow --', {
  rate: { kind: 'number', default: 1_000, help: 'lines appended per second' },
  seconds: { kind: 'number', default: 10, help: 'how long the log grows (the first second is warm-up, not measured)' },
  record: RECORD_OPTION,
});

const TARGET_MS = 1_000;
/** a line not on the dashboard after this long counts as lost */
const LOST_AFTER_MS = 10_000;
/** the log is appended to this often, with the lines due by then */
const APPEND_EVERY_MS = 5;
const WARM_UP_MS = 1_000;
const URL_PREFIX = '/bench/';

const log = (line = '') => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  log('tmon logs follow benchmark: a line appended to an access log → on the live stream, on 127.0.0.1');
  log(describeMachine('tmon, the follower, the log writer and the stream reader'));
  const directory = await mkdtemp(path.join(os.tmpdir(), 'tmon-bench-follow-'));
  const dataDir = path.join(directory, 'data');
  const logFile = path.join(directory, 'access.log');
  let tmon: ServerProcess | null = null;
  let stopFollower: (() => Promise<void>) | null = null;
  try {
    await addAdmin(dataDir, 'admin', `bench-${Math.random().toString(36).slice(2)}`);
    const service = await addService(dataDir, 'logs');
    const readToken = await addToken(dataDir);
    const ingestToken = await runTmonCli([
      'token',
      'add',
      '--user',
      'admin',
      '--scope',
      'ingest',
      '--service',
      String(service.id),
      '--data',
      dataDir,
    ]);
    tmon = await startTmon({ dataDir });
    log(`tmon pid ${tmon.pid} port ${tmon.port} (${describeNodeOptions()})`);
    await writeFile(logFile, '');
    stopFollower = await startFollower(logFile, `http://127.0.0.1:${tmon.port}`, ingestToken, directory);

    const started = performance.now();
    const coverage = new FrameCoverage(started + WARM_UP_MS);
    const stream = await openSse(
      tmon.port,
      `/${service.id}/live`,
      { authorization: `Bearer ${readToken}` },
      (message) => {
        if (message.event !== 'events') return;
        const frame = JSON.parse(message.data) as { events: { url: string }[]; skipped: number };
        const shown = frame.events
          .filter((event) => event.url.startsWith(URL_PREFIX))
          .map((event) => Number(event.url.slice(URL_PREFIX.length)));
        coverage.frame(message.at, shown, frame.skipped);
      },
    );
    const lines = Math.round(options.rate * options.seconds);
    let appended = 0;
    while (appended < lines) {
      const now = performance.now();
      const due = Math.min(lines, Math.floor(((now - started) / 1000) * options.rate));
      let text = '';
      for (; appended < due; appended++) {
        coverage.sent(appended, now);
        text += combinedLine(`${URL_PREFIX}${appended}`);
      }
      if (text !== '') await appendFile(logFile, text);
      await new Promise((resolve) => setTimeout(resolve, APPEND_EVERY_MS));
    }
    const appendSeconds = (performance.now() - started) / 1000;
    const until = performance.now() + LOST_AFTER_MS;
    while (coverage.covered < lines && performance.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    stream.close();

    const summary = summarize(coverage.latencies);
    const lost = coverage.uncovered();
    const figures = [
      table([
        ['lines', 'lines/s', 'measured', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'lost'],
        [
          int(lines),
          int(lines / appendSeconds),
          int(summary.count),
          fixed(summary.p50, 0),
          fixed(summary.p95, 0),
          fixed(summary.p99, 0),
          fixed(summary.max, 0),
          int(lost),
        ],
      ]) +
        `\nmeasured: the lines appended after the first ${WARM_UP_MS / 1000} s; latency: from the append to the first ` +
        'live frame that names the line or counts it as skipped; lost: not on the dashboard ' +
        `${LOST_AFTER_MS / 1000} s after the last append.`,
    ];
    const targets: Target[] = [
      {
        name: `at ${int(options.rate)} lines/s, an appended line is on the dashboard within ${TARGET_MS} ms (p99), none lost`,
        met: lost === 0 && summary.count > 0 && summary.p99 <= TARGET_MS,
        detail: `p50 ${fixed(summary.p50, 0)} ms, p99 ${fixed(summary.p99, 0)} ms, slowest ${fixed(summary.max, 0)} ms; ${int(lost)} of ${int(lines)} lines lost`,
      },
    ];
    log();
    for (const figure of figures) log(figure);
    printTargets(targets);
    if (options.record) {
      await recordResults({
        benchmark: 'bench:logs-follow',
        command: commandAsTyped('bench:logs-follow', 'bench/logs-follow.ts'),
        figures,
        targets,
      });
      log('figures recorded in bench/RESULTS.md');
    }
  } finally {
    await stopFollower?.();
    await tmon?.stop();
    await rm(directory, { recursive: true, force: true });
  }
}

/** The built `tmon logs follow` on the log; resolves once it says it follows, with a function that stops it. */
async function startFollower(
  logFile: string,
  server: string,
  token: string,
  directory: string,
): Promise<() => Promise<void>> {
  const args = ['dist/src/main.js', 'logs', 'follow', logFile, '--server', server, '--token', token];
  args.push('--state', path.join(directory, 'state.json'), '--spool', path.join(directory, 'spool'));
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (stderr.includes('following ')) resolve();
    });
    exited.then((code) => reject(new Error(`tmon logs follow exited (${code}):\n${stderr}`)));
  });
  return async () => {
    child.kill('SIGTERM');
    const code = await exited;
    if (code !== 0) log(`tmon logs follow exited with ${code}:\n${stderr}`);
  };
}

function combinedLine(url: string): string {
  const time = new Date().toUTCString().replace(/^\w+, (\d+) (\w+) (\d+) ([\d:]+) GMT$/, '$1/$2/$3:$4 +0000');
  return `81.2.69.142 - - [${time}] "GET ${url} HTTP/1.1" 200 512 "-" "tmon-bench"\n`;
}

await main();
