/**
 * npm run bench:logs-follow: how long a line appended to an access log takes
 * to reach the dashboard through `tmon logs follow` — from the append to the
 * live stream's frame that shows it. The target: within 1 s. tmon and the
 * follower run built (dist/), each in its own process, on 127.0.0.1; this
 * process writes the log, one line at a time, and reads the live stream.
 */
import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseOptions } from './support/args.js';
import { summarize } from './support/percentiles.js';
import { REPO_ROOT, runTmonCli, type ServerProcess } from './support/processes.js';
import { describeMachine, fixed, int, printTargets, type Target, table } from './support/report.js';
import { commandAsTyped, RECORD_OPTION, recordResults } from './support/results-file.js';
import { openSse } from './support/sse-client.js';
import { addAdmin, addService, addToken, describeNodeOptions, startTmon } from './support/tmon.js';

const options = parseOptions('npm run bench:logs-follow --', {
  lines: { kind: 'number', default: 100, help: 'lines appended, one at a time' },
  'interval-ms': { kind: 'number', default: 300, help: 'pause between two appended lines' },
  record: RECORD_OPTION,
});

const TARGET_MS = 1_000;
/** a line not on the dashboard after this long counts as lost */
const LOST_AFTER_MS = 10_000;

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

    const appendedAt = new Map<string, number>();
    const latencies: number[] = [];
    const stream = await openSse(
      tmon.port,
      `/${service.id}/live`,
      { authorization: `Bearer ${readToken}` },
      (message) => {
        if (message.event !== 'events') return;
        for (const event of (JSON.parse(message.data) as { events: { url: string }[] }).events) {
          const at = appendedAt.get(event.url);
          if (at === undefined) continue;
          latencies.push(message.at - at);
          appendedAt.delete(event.url);
        }
      },
    );
    for (let n = 1; n <= options.lines; n += 1) {
      const url = `/bench/${n}`;
      appendedAt.set(url, performance.now());
      await appendFile(logFile, combinedLine(url));
      await new Promise((resolve) => setTimeout(resolve, options['interval-ms']));
    }
    const until = performance.now() + LOST_AFTER_MS;
    while (appendedAt.size > 0 && performance.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
    stream.close();

    const summary = summarize(latencies);
    const figures = [
      table([
        ['lines', 'shown', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
        [
          int(options.lines),
          int(summary.count),
          fixed(summary.p50, 0),
          fixed(summary.p95, 0),
          fixed(summary.p99, 0),
          fixed(summary.max, 0),
        ],
      ]),
    ];
    const targets: Target[] = [
      {
        name: `an appended line is on the dashboard within ${TARGET_MS} ms`,
        met: summary.count === options.lines && summary.max <= TARGET_MS,
        detail: `${summary.count} of ${options.lines} lines shown, the slowest after ${fixed(summary.max, 0)} ms`,
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
