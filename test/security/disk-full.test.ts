/**
 * A full disk under a real `tmon serve`: its data directory on a tmpfs of a
 * few megabytes, filled by collect requests. While the disk is full, collect
 * and the query API answer 503 with Retry-After (never a 500), the process
 * keeps serving, and nothing acknowledged is lost: once there is room again
 * (the tmpfs grown) and the server restarted, every event answered 200 is
 * stored, exactly once. Needs root and tmpfs mounts; skips saying why otherwise.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import Database from 'better-sqlite3';
import { SQLITE_FILE_NAME } from '../../src/store/sqlite/database.js';
import { v2Body } from '../support/senders.js';
import { suiteOrSkip } from '../support/suite-or-skip.js';
import { exited, type ServerProcess, startServer, tmonCli } from '../support/tmon-process.js';

const FULL_SIZE = '6m';
const ROOMY_SIZE = '64m';
/**
 * Events of ~3 KB (an extra property) on a few URLs fill the disk in a few
 * dozen requests; distinct long URLs would fill it with their rollups instead.
 */
const EVENTS_PER_REQUEST = 50;
const PADDING = 'x'.repeat(3_000);
const MAX_REQUESTS = 2_000;
const RECOVERY_BOUND_MS = 10_000;

function mountProblem(): string | false {
  if (process.getuid?.() !== 0) return 'the disk-full test mounts a tmpfs: run it as root';
  const probe = path.join(os.tmpdir(), `tmon-mount-probe-${process.pid}`);
  try {
    execFileSync('mkdir', ['-p', probe]);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'pipe' });
    execFileSync('umount', [probe]);
    return false;
  } catch (error) {
    return `this machine does not let the test mount a tmpfs: ${(error as Error).message.split('\n')[0]}`;
  } finally {
    execFileSync('rm', ['-rf', probe]);
  }
}

const skip = mountProblem();

suiteOrSkip('a full disk', skip, () => {
  let mountPoint: string;
  let dataDir: string;
  let secret: string;
  let server: ServerProcess | undefined;

  before(async () => {
    mountPoint = await mkdtemp(path.join(os.tmpdir(), 'tmon-disk-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${FULL_SIZE}`, 'tmpfs', mountPoint]);
    dataDir = path.join(mountPoint, 'data');
    assert.equal(tmonCli(['user', 'add', 'owner', '--password', 'owner-password-1', '--data', dataDir]).status, 0);
    const added = tmonCli(['service', 'add', 'shop', '--owner', 'owner', '--json', '--data', dataDir]);
    assert.equal(added.status, 0, added.stderr);
    secret = JSON.parse(added.stdout).secret;
  });

  after(async () => {
    if (server && server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await exited(server.child);
    }
    execFileSync('umount', [mountPoint]);
    await rm(mountPoint, { recursive: true, force: true });
  });

  it('answers 503 with Retry-After while full, keeps serving, and loses nothing it acknowledged', async () => {
    server = await startServer(dataDir);
    const url = server.url;
    const acknowledged = new Set<string>();
    const statuses = new Map<number, number>();
    let fullAnswer: Response | undefined;
    for (let request = 0; request < MAX_REQUESTS && !fullAnswer; request++) {
      const ids = Array.from({ length: EVENTS_PER_REQUEST }, (_, i) => `r${request}-e${i}`);
      const events = ids.map((id, i) => ({
        url: `/p/${i % 5}`,
        ip: '8.8.8.8',
        useragent: 'disk',
        id,
        padding: PADDING,
      }));
      const res = await fetch(`${url}/data/collect`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: v2Body(1, secret, events, Date.now()),
      });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status === 200) for (const id of ids) acknowledged.add(id);
      else fullAnswer = res;
    }
    assert.ok(fullAnswer, `the disk never filled in ${MAX_REQUESTS} requests`);
    assert.equal(fullAnswer.status, 503, `answered ${fullAnswer.status}: ${await fullAnswer.clone().text()}`);
    assert.ok(Number(fullAnswer.headers.get('retry-after')) > 0, 'a Retry-After');
    assert.equal((await fullAnswer.json()).error, 'unavailable');

    // still full: the process answers, and says why it cannot store
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    const again = await fetch(`${url}/data/collect`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: v2Body(1, secret, [{ url: '/still-full', ip: '8.8.8.8', useragent: 'disk', id: 'still-full' }], Date.now()),
    });
    assert.ok([200, 503].includes(again.status), `answered ${again.status} while full`);
    if (again.status === 200) acknowledged.add('still-full');
    assert.equal(statuses.get(500), undefined, 'never a 500');

    // room again: collect recovers by itself, and a restart finds every acknowledged event, once
    execFileSync('mount', ['-o', `remount,size=${ROOMY_SIZE}`, mountPoint]);
    const recovered = Date.now() + RECOVERY_BOUND_MS;
    let after: Response;
    for (;;) {
      after = await fetch(`${url}/data/collect`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: v2Body(1, secret, [{ url: '/after', ip: '8.8.8.8', useragent: 'disk', id: 'after' }], Date.now()),
      });
      if (after.status === 200 || Date.now() > recovered) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.equal(after.status, 200, `collects again within ${RECOVERY_BOUND_MS} ms of there being room`);
    server.child.kill('SIGTERM');
    assert.equal(await exited(server.child), 0, 'a clean stop');

    const db = new Database(path.join(dataDir, SQLITE_FILE_NAME), { readonly: true });
    try {
      const rows = db.prepare('SELECT event_key AS id, count(*) AS n FROM events GROUP BY event_key').all() as {
        id: string;
        n: number;
      }[];
      const stored = new Map(rows.map((row) => [row.id, row.n]));
      const missing = [...acknowledged].filter((id) => !stored.has(id));
      assert.deepEqual(missing, [], 'every acknowledged event is stored');
      assert.ok(
        rows.every((row) => row.n === 1),
        'none twice',
      );
      assert.ok(stored.has('after'));
    } finally {
      db.close();
    }
  });
});
