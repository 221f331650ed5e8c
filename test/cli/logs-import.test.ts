/**
 * tmon logs import against a real tmon (in this process, on a real port; the
 * CLI runs as a child): rotated logs of several days, imported, give the
 * rankings, the daily series and the totals counted here from the files;
 * reimports and interrupted imports store no line twice.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { openGeoLocator } from '../../src/enrich/geoip.js';
import { buildIpPool } from '../../src/loadgen/ip-pool.js';
import { seededRandom } from '../../src/loadgen/random.js';
import type { StoredEvent } from '../../src/store/store.js';
import { countBy, type LogLine, logText, logTime, randomLogLines } from '../support/access-log-files.js';
import { freePort, type ListeningTmon, startListeningTmon, waitFor } from '../support/client-helpers.js';
import { addTestToken } from '../support/test-tmon.js';
import { REPO, tmonCli } from '../support/tmon-process.js';

const DAY = 86_400_000;
const MAIN = path.join(REPO, 'src/main.ts');

interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `tmon logs import …` as a child, without blocking this process (the server answering it lives here). */
function importLogs(args: string[], env: Record<string, string>, stdin?: Buffer): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', MAIN, 'logs', 'import', ...args],
      { cwd: REPO, env: { ...process.env, TMON_SERVER: '', TMON_TOKEN: '', ...env }, timeout: 120_000 },
      (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(stdin);
  });
}

async function allEvents(tmon: ListeningTmon, serviceId: number): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (let after = 0; ; ) {
    const page = await tmon.runtime.eventStore.eventsAfterSeq(serviceId, after, 5_000);
    if (page.length === 0) return events;
    events.push(...page);
    after = page[page.length - 1]!.seq;
  }
}

describe('tmon logs import', () => {
  let tmon: ListeningTmon;
  let dir: string;
  let env: Record<string, string>;
  let locate: (ip: string) => string;
  let ips: string[];
  /** ten good lines, for the tests about refusals of the whole run */
  let smallLog: string;

  before(async () => {
    tmon = await startListeningTmon();
    dir = await mkdtemp(path.join(os.tmpdir(), 'tmon-logs-import-'));
    const token = await addTestToken(tmon.runtime, 'alice', 'ingest', tmon.service.id);
    env = { TMON_SERVER: tmon.url, TMON_TOKEN: token };
    // real public addresses the shipped DB-IP database places, as loadgen draws them
    const locator = await openGeoLocator({ cacheSize: 0 });
    ips = buildIpPool((ip) => locator.locate(ip), { size: 60, random: seededRandom(7) }).ips;
    locate = (ip) => locator.locate(ip)?.country ?? 'unknown';
    smallLog = path.join(dir, 'small.log');
    const now = tmon.clock.read();
    await writeFile(smallLog, logText(randomLogLines(seededRandom(15), ips, 10, now - 60_000, now), seededRandom(16)));
  });

  after(async () => {
    await tmon.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Tells the test service's events apart from the next test's: each test imports into a fresh service. */
  async function freshService(name: string): Promise<{ id: number; env: Record<string, string> }> {
    const service = await tmon.runtime.accounts.addService({ name, ownerName: 'alice' });
    const token = await addTestToken(tmon.runtime, 'alice', 'ingest', service.id);
    return { id: service.id, env: { ...env, TMON_TOKEN: token } };
  }

  it('imports rotated logs of several days: rankings, daily series and totals match the files', async () => {
    const now = tmon.clock.read();
    const random = seededRandom(11);
    const days = 5;
    const lines = randomLogLines(random, ips, 6_000, now - days * DAY + 60_000, now - 60_000);
    // logrotate's names: the oldest gzipped, yesterday's plain, today's being written
    const parts = {
      'access.log.2.gz': lines.slice(0, 3_000),
      'access.log.1': lines.slice(3_000, 4_800),
      'access.log': lines.slice(4_800),
    };
    await writeFile(path.join(dir, 'access.log.2.gz'), gzipSync(logText(parts['access.log.2.gz'], random)));
    await writeFile(path.join(dir, 'access.log.1'), logText(parts['access.log.1'], random));
    await writeFile(path.join(dir, 'access.log'), logText(parts['access.log'], random));
    const service = await freshService('rotated');
    const files = ['access.log', 'access.log.1', 'access.log.2.gz'].map((name) => path.join(dir, name));

    const run = await importLogs([...files, '--json'], service.env);
    assert.equal(run.status, 0, run.stderr);
    const summary = JSON.parse(run.stdout);
    assert.equal(summary.lines_read, lines.length);
    assert.equal(summary.accepted, lines.length);
    assert.equal(summary.refused_lines, 0);

    const store = tmon.runtime.eventStore;
    assert.equal(await store.countEvents(service.id), lines.length);
    const countries = await store.topValues(service.id, 'country', 'all', 500, now);
    assert.deepEqual(
      countries.map((c): [string, number] => [c.key, c.requests]).sort((a, b) => (a[0] < b[0] ? -1 : 1)),
      countBy(lines, (line) => locate(line.ip)),
    );
    const urls = await store.topValues(service.id, 'url', 'all', 100, now);
    assert.deepEqual(
      urls.map((u): [string, number] => [u.key, u.requests]).sort((a, b) => (a[0] < b[0] ? -1 : 1)),
      countBy(lines, (line) => line.url),
    );
    const series = await store.requestSeries(service.id, 'day', days + 1, now);
    assert.deepEqual(
      series.filter((point) => point.requests > 0).map((point): [string, number] => [String(point.ts), point.requests]),
      countBy(lines, (line) => Math.floor(line.ts / DAY) * DAY),
    );
    // oldest first: the first events stored are the gzipped file's, given last on the command line
    const first = (await store.eventsAfterSeq(service.id, 0, 1))[0]!;
    assert.ok(first.ts <= parts['access.log.2.gz'].at(-1)!.ts, 'the oldest file was sent first');

    const again = await importLogs([...files, '--json'], service.env);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(JSON.parse(again.stdout).accepted, lines.length);
    assert.equal(await store.countEvents(service.id), lines.length, 'the second import stores nothing');
  });

  it('stores only the new lines of a log that grew and was rotated and gzipped after an import', async () => {
    const now = tmon.clock.read();
    const random = seededRandom(18);
    const text = logText(randomLogLines(random, ips, 800, now - DAY, now - 60_000), random);
    const firstPart = `${text.split('\n').slice(0, 500).join('\n')}\n`;
    const service = await freshService('rotation');
    const live = path.join(dir, 'rotation.log');
    await writeFile(live, firstPart);
    assert.equal((await importLogs([live], service.env)).status, 0);
    assert.equal(await tmon.runtime.eventStore.countEvents(service.id), 500);
    // the web server wrote 300 more lines, then logrotate renamed the file and gzipped it
    const rotated = path.join(dir, 'rotation.log.1.gz');
    await writeFile(rotated, gzipSync(text));
    await rm(live);
    const run = await importLogs([rotated, '--json'], service.env);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).accepted, 800);
    assert.equal(await tmon.runtime.eventStore.countEvents(service.id), 800);
  });

  it('reads a custom nginx log_format given with --format, and takes the client from X-Forwarded-For when asked', async () => {
    const format = `'$remote_addr [$time_local] "$request" $status $request_time "$http_user_agent" "$http_x_forwarded_for" $host'`;
    const file = path.join(dir, 'custom.log');
    const ts = Math.floor(tmon.clock.read() / 1000) * 1000 - 3_600_000;
    await writeFile(
      file,
      `10.0.0.2 [${logTime(ts, 60)}] "POST /api/orders HTTP/1.1" 201 0.250 "curl/8.5" "81.2.69.142, 10.0.0.1" shop.example\n`,
    );
    const service = await freshService('custom');
    const run = await importLogs([file, '--format', format, '--forwarded-for'], service.env);
    assert.equal(run.status, 0, run.stderr);
    const [event] = await allEvents(tmon, service.id);
    assert.ok(event);
    assert.equal(event.url, '/api/orders');
    assert.equal(event.method, 'POST');
    assert.equal(event.status, 201);
    assert.equal(event.durationMs, 250);
    assert.equal(event.ts, ts);
    assert.equal(event.geo?.country, 'GB', 'located by the forwarded address, not the proxy');
    assert.deepEqual(event.extra, { vhost: 'shop.example' });
  });

  it('counts refused lines by reason with their line numbers, and goes on past them', async () => {
    const now = tmon.clock.read();
    const random = seededRandom(12);
    const good = randomLogLines(random, ips, 50, now - 3_600_000, now - 60_000);
    const text = logText(good, random).split('\n');
    text.splice(2, 0, 'not an access log line');
    text.splice(9, 0, '203.0.113.5 - - [07/Foo/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "curl/8"');
    text.splice(20, 0, 'another broken line');
    // tmon refuses this one itself: older than the 400 days it takes when retention is off
    text.splice(30, 0, logText(randomLogLines(random, ips, 1, now - 500 * DAY, now - 500 * DAY), random).trimEnd());
    const file = path.join(dir, 'refused.log');
    await writeFile(file, text.join('\n'));
    const service = await freshService('refused');

    const run = await importLogs([file], service.env);
    assert.equal(run.status, 0, run.stderr);
    assert.match(
      run.stdout,
      new RegExp(
        '^read 54 lines; tmon accepted 50 events; refused 3 lines: no_match 2 \\(lines 3, 21\\), bad_time 1 \\(line 10\\); ' +
          'tmon refused 1 event: "ts is more than 400 days[^"]* in the past" 1 \\(line 31\\)\n$',
      ),
    );
    assert.equal(await tmon.runtime.eventStore.countEvents(service.id), 50);
  });

  it('reads gzipped stdin, telling gzip by its bytes', async () => {
    const now = tmon.clock.read();
    const random = seededRandom(13);
    const lines = randomLogLines(random, ips, 1_500, now - 2 * DAY, now - 60_000);
    const service = await freshService('stdin');
    const run = await importLogs(['-', '--json'], service.env, gzipSync(logText(lines, random)));
    assert.equal(run.status, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).accepted, lines.length);
    const stored = await allEvents(tmon, service.id);
    assert.deepEqual(
      countBy(stored, (event) => event.url),
      countBy(lines, (line) => line.url),
    );
  });

  it('sends the lines before a gzipped file breaks off, names that file and exits 1', async () => {
    const now = tmon.clock.read();
    const random = seededRandom(17);
    const lines = randomLogLines(random, ips, 3_000, now - DAY, now - 60_000);
    const gzipped = gzipSync(logText(lines.slice(0, 2_000), random));
    const cut = path.join(dir, 'cut.log.1.gz');
    await writeFile(cut, gzipped.subarray(0, Math.floor(gzipped.length / 2)));
    const whole = path.join(dir, 'whole.log');
    await writeFile(whole, logText(lines.slice(2_000), random));
    const service = await freshService('cut');

    const run = await importLogs([cut, whole, '--json'], service.env);
    assert.equal(run.status, 1);
    assert.match(run.stderr, new RegExp(`tmon logs: could not read ${cut} to the end\n$`));
    const summary = JSON.parse(run.stdout);
    assert.match(summary.unreadable[cut], /^unexpected end of file \(after line \d+\)$/);
    const readFromCut = Number(/after line (\d+)/.exec(summary.unreadable[cut])![1]);
    assert.ok(readFromCut > 0 && readFromCut < 2_000, `${readFromCut} lines of the cut file`);
    assert.equal(summary.lines_read, readFromCut + 1_000);
    assert.equal(await tmon.runtime.eventStore.countEvents(service.id), readFromCut + 1_000);
  });

  it('stores every line exactly once when an interrupted import is run again', async () => {
    const now = tmon.clock.read();
    const random = seededRandom(14);
    const lines: LogLine[] = randomLogLines(random, ips, 40_000, now - 3 * DAY, now - 60_000);
    const file = path.join(dir, 'interrupted.log');
    await writeFile(file, logText(lines, random));
    const service = await freshService('interrupted');
    const store = tmon.runtime.eventStore;

    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', MAIN, 'logs', 'import', file], {
      cwd: REPO,
      env: { ...process.env, ...service.env },
      stdio: 'ignore',
    });
    await waitFor(async () => (await store.countEvents(service.id)) >= 2_000, 60_000);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const partly = await store.countEvents(service.id);
    assert.ok(partly < lines.length, `the import was cut short (${partly} of ${lines.length} stored)`);

    const rerun = await importLogs([file], service.env);
    assert.equal(rerun.status, 0, rerun.stderr);
    const stored = await allEvents(tmon, service.id);
    assert.equal(stored.length, lines.length);
    assert.equal(new Set(stored.map((event) => event.id)).size, lines.length, 'no id stored twice');
  });

  it('runs at a lower CPU priority (nice 10): on a busy host tmon and the web server come first', {
    skip: process.platform === 'linux' ? false : 'reads the nice value from /proc',
  }, async () => {
    const service = await freshService('nice');
    // reading stdin that stays open: the import has started and waits for lines
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', MAIN, 'logs', 'import', '-'], {
      cwd: REPO,
      env: { ...process.env, ...service.env },
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    try {
      // field 19 of /proc/PID/stat, the 17th after the command name in parentheses
      const niceOf = async (pid: number) => {
        const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(') ') + 2).split(' ')[16]);
      };
      // lowered to 10, or left where it was when a nice command already put it lower
      const expected = Math.max(10, await niceOf(process.pid));
      await waitFor(async () => (await niceOf(child.pid!)) === expected, 30_000);
    } finally {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  });

  it('stops at once with one line and exit code 1 when tmon refuses the token', async () => {
    const run = await importLogs([smallLog], { ...env, TMON_TOKEN: 'tmon_not-a-token' });
    assert.equal(run.status, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^tmon logs: tmon refused the token \(401 [a-z_]+: .+\)\n$/);
  });

  it('says within seconds that it cannot reach a server nobody answers, and exits 1', async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const started = performance.now();
    const run = await importLogs([smallLog], { ...env, TMON_SERVER: nobody });
    assert.equal(run.status, 1);
    assert.match(run.stderr, new RegExp(`cannot reach ${nobody}: connection refused; trying again in \\d+\\.\\d s\\n`));
    assert.match(
      run.stderr,
      new RegExp(
        `tmon logs: cannot reach ${nobody}: connection refused \\(\\d+ tries in \\d+\\.\\d s\\); run the import again later: no line is stored twice\\n$`,
      ),
    );
    // 15 s until tmon was reached once, and node's start
    assert.ok(performance.now() - started < 25_000, `took ${Math.round(performance.now() - started)} ms`);
  });

  it('prints the usage of both subcommands for tmon help logs, and wants a file', async () => {
    const help = tmonCli(['help', 'logs']);
    assert.equal(help.status, 0, help.stderr);
    assert.match(
      help.stdout,
      /^tmon logs import FILE… \[--server URL\] \[--token T\] \[--format F\] \[--forwarded-for\]/,
    );
    assert.match(help.stdout, /\ntmon logs follow FILE…/);
    const run = await importLogs([], env);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /name at least one log file \(or - for stdin\)/);
  });

  it('says a token is needed when neither --token nor TMON_TOKEN gives one', async () => {
    const run = await importLogs([smallLog], { TMON_SERVER: tmon.url });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /an ingest token is needed: --token T or TMON_TOKEN/);
  });
});
