/**
 * Issue 21, item 1: a flood of slow connections must not take every file
 * descriptor. A real `tmon serve` limited to 512 open files (`ulimit -n`),
 * with TMON_MAX_CONNECTIONS=400 below it and 3 s deadlines, faces 1,000
 * connections that each send part of a request and then nothing: the cap
 * closes those beyond it as they are accepted, the deadlines cut the rest,
 * and /healthz and collect answer again once they are cut.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RawConnection } from '../support/raw-connection.js';
import { gen2Body } from '../support/senders.js';
import { exited, type ServerProcess, startServer, tmonCli } from '../support/tmon-process.js';

const FD_LIMIT = 512;
const MAX_CONNECTIONS = 400;
const SLOW_CONNECTIONS = 1000;
const DEADLINE_S = 3;

const SLOW_STARTS = [
  // a head that never ends: the head deadline
  'POST /data/collect HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n',
  'GET /healthz HTTP/1.1\r\nHost: x\r\n',
  // a whole head and no body: the body deadline
  'POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n',
];

interface Answer {
  status: number;
  body: string;
}

/** One request on a connection of its own; null when the server closed it unanswered (over the cap). */
function request(url: string, method: string, headers: Record<string, string>, body?: string): Promise<Answer | null> {
  return new Promise((resolve) => {
    const req = http.request(url, { method, headers, agent: false, timeout: 5_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.once('error', () => resolve(null));
    });
    req.once('timeout', () => req.destroy());
    // reset or closed unanswered: the connection was over the cap, the test asks again
    req.once('error', () => resolve(null));
    req.end(body);
  });
}

/** Asks until the answer is a 200, for at most `withinMs`: the instant it was, or null. */
async function firstSuccess(ask: () => Promise<Answer | null>, withinMs: number): Promise<number | null> {
  const until = performance.now() + withinMs;
  while (performance.now() < until) {
    const answer = await ask();
    if (answer?.status === 200) return performance.now();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return null;
}

describe(`a tmon with ${FD_LIMIT} file descriptors facing ${SLOW_CONNECTIONS} slow connections`, () => {
  let dataDir: string;
  let server: ServerProcess;
  let secret: string;
  let wsid: number;

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'tmon-cap-'));
    tmonCli(['user', 'add', 'owner', '--password', 'owner-password-1', '--data', dataDir]);
    const service = JSON.parse(
      tmonCli(['service', 'add', 'shop', '--owner', 'owner', '--json', '--data', dataDir]).stdout,
    );
    secret = service.secret;
    wsid = service.id;
    server = await startServer(
      dataDir,
      {
        TMON_MAX_CONNECTIONS: String(MAX_CONNECTIONS),
        TMON_HEAD_TIMEOUT: String(DEADLINE_S),
        TMON_BODY_TIMEOUT: String(DEADLINE_S),
        TMON_KEEPALIVE_TIMEOUT: String(DEADLINE_S),
      },
      0,
      { fdLimit: FD_LIMIT },
    );
  });
  after(async () => {
    server.child.kill('SIGTERM');
    await exited(server.child);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('closes those over the cap at once, cuts the rest on time, and answers /healthz and collect again', async () => {
    const port = Number(new URL(server.url).port);
    const flooded = performance.now();
    const opened = await Promise.all(
      Array.from({ length: SLOW_CONNECTIONS }, (_, i) =>
        RawConnection.open(port).then(
          (connection) => {
            connection.write(SLOW_STARTS[i % SLOW_STARTS.length] as string);
            return connection;
          },
          // closed before the handshake was even seen through: as good as closed at once
          () => null,
        ),
      ),
    );
    const slow = opened.filter((connection) => connection !== null);

    const ask = {
      healthz: () => request(`${server.url}/healthz`, 'GET', {}),
      collect: () =>
        request(
          `${server.url}/data/collect`,
          'POST',
          { 'content-type': 'application/x-www-form-urlencoded' },
          gen2Body(wsid, secret, { url: '/after-the-flood', ip: '8.8.8.8', useragent: 'x' }),
        ),
    };
    // due once the held connections are cut: a deadline, and time for 1,000 connections on 2 busy cores
    const dueMs = DEADLINE_S * 1000 + 2_000;
    const [healthzAt, collectAt] = await Promise.all([
      firstSuccess(ask.healthz, dueMs),
      firstSuccess(ask.collect, dueMs),
    ]);
    assert.notEqual(healthzAt, null, `/healthz did not answer 200 within ${dueMs} ms of the flood`);
    assert.notEqual(collectAt, null, `collect did not answer 200 within ${dueMs} ms of the flood`);

    await Promise.all(slow.map((connection) => connection.closed(dueMs)));
    const open = slow.filter((connection) => !connection.isClosed).length;
    assert.equal(open, 0, `${open} slow connections still open ${Math.round(performance.now() - flooded)} ms after`);
    const closedAfter = slow.map((connection) => (connection.closedAt as number) - flooded);
    const atOnce = closedAfter.filter((ms) => ms < 1_500).length;
    assert.ok(atOnce >= SLOW_CONNECTIONS - MAX_CONNECTIONS, `only ${atOnce} closed at once, over the cap`);
    const latest = Math.max(...closedAfter);
    assert.ok(latest <= dueMs, `the last slow connection closed ${Math.round(latest)} ms after the flood`);

    assert.equal(server.child.exitCode, null, 'still running');
    assert.doesNotMatch(server.output(), /EMFILE/);
    assert.match(server.output(), /TMON_MAX_CONNECTIONS/, 'the cap reached is logged');
    // and once the flood is over, it serves as before
    assert.equal((await ask.healthz())?.status, 200);
  });
});
