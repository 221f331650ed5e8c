/**
 * `tmon serve` failing to start says what is wrong and what to do in one line
 * and exits non-zero: a busy port, a data directory it may not write, a data
 * directory another tmon is using. A failed start creates no admin account.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exited, REPO, startServer, tmonCli } from '../support/tmon-process.js';

/** a port something else listens on, for as long as the test holds it */
async function holdPort(): Promise<{ port: number; release(): Promise<void> }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return { port, release: () => new Promise((resolve) => server.close(() => resolve())) };
}

function stderrLines(stderr: string): string[] {
  return stderr.trim().split('\n');
}

describe('tmon serve start-up errors', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tmon-start-up-'));
  });
  after(async () => {
    await chmod(dir, 0o700);
    await rm(dir, { recursive: true, force: true });
  });

  it('says in one line that the port is in use, exits 1, and creates no admin account', async () => {
    const busy = await holdPort();
    const data = path.join(dir, 'busy-port');
    try {
      // no TMON_ADMIN_PASSWORD: a start that got as far as the account would print a random password
      const result = tmonCli(['serve', '--port', String(busy.port), '--data', data], { TMON_ADMIN_PASSWORD: '' });
      assert.equal(result.status, 1);
      assert.deepEqual(stderrLines(result.stderr), [
        `tmon serve: port ${busy.port} on 127.0.0.1 is already in use (another tmon, or another program): ` +
          'stop it, or choose another port with --port or TMON_PORT',
      ]);
      assert.doesNotMatch(result.stdout, /created the first account|password/);
    } finally {
      await busy.release();
    }
    const users = tmonCli(['user', 'list', '--json', '--data', data]);
    assert.equal(users.status, 0, users.stderr);
    assert.deepEqual(JSON.parse(users.stdout), [], 'the failed start left no account behind');
  });

  it('prints the stack as well only with TMON_DEBUG=1', async () => {
    const busy = await holdPort();
    try {
      const result = tmonCli(['serve', '--port', String(busy.port), '--data', path.join(dir, 'debug')], {
        TMON_DEBUG: '1',
      });
      assert.equal(result.status, 1);
      assert.match(result.stderr, /EADDRINUSE[\s\S]*\n\s+at /);
      assert.match(stderrLines(result.stderr).at(-1)!, /^tmon serve: port \d+ on 127\.0\.0\.1 is already in use/);
    } finally {
      await busy.release();
    }
  });

  it('says in one line that the data directory is not writable, and exits 1', {
    skip: nobodyCannotReadCheckout()
      ? 'as root this test runs tmon as nobody, who cannot read this checkout (a 0700 directory)'
      : false,
  }, async () => {
    const readOnly = await mkdtemp(path.join(dir, 'read-only-'));
    await chmod(readOnly, 0o555);
    const data = path.join(readOnly, 'data');
    // root may write anywhere: as root, tmon runs as nobody, for whom the directory is read-only as for anyone
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(REPO, 'src/main.ts'), 'serve', '--port', '0', '--data', data],
      {
        cwd: REPO,
        env: { ...process.env, TMON_LOG_LEVEL: 'warn', TMON_ADMIN_PASSWORD: '' },
        encoding: 'utf8',
        timeout: 60_000,
        ...asNobody,
      },
    );
    assert.equal(result.status, 1, result.stderr);
    assert.deepEqual(stderrLines(result.stderr), [
      `tmon serve: cannot write to the data directory ${data} (EACCES): make it writable by the user tmon runs as, ` +
        'or choose another with --data or TMON_DATA_DIR',
    ]);
  });

  it('says in one line that another tmon uses the data directory, and exits 1', async () => {
    const data = path.join(dir, 'shared');
    const first = await startServer(data);
    try {
      const result = tmonCli(['serve', '--port', '0', '--data', data]);
      assert.equal(result.status, 1);
      assert.deepEqual(stderrLines(result.stderr), [
        `tmon serve: another process is writing events to the data directory ${data} (a tmon serve, or a tmon import): ` +
          'one at a time — stop it first, or give this one a --data of its own',
      ]);
    } finally {
      first.child.kill('SIGTERM');
      await exited(first.child);
    }
  });
});

/** As root, whether `nobody` cannot enter the checkout (a clone in a `mktemp -d` directory, mode 0700). */
function nobodyCannotReadCheckout(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = spawnSync(
    process.execPath,
    ['-e', 'require("node:fs").readFileSync(process.argv[1])', path.join(REPO, 'package.json')],
    { uid: 65534, gid: 65534 },
  );
  return probe.error !== undefined || probe.status !== 0;
}
