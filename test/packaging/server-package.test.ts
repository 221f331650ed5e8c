/**
 * tmon as a user installs it without the source tree: `npm pack` at the root
 * (prepack builds the server and the UI), `npm install --omit=dev` of the
 * tarball into an empty prefix, then the installed `tmon` serves. Production
 * dependencies only: no tsx, TypeScript or Vite at run time.
 *
 * Slow by nature (better-sqlite3 compiles from source in the install, ~70 s
 * here), hence the long timeout.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { npmInstallTarball, npmPack, type PackedTarball } from '../support/npm-package.js';
import { describeResult, runCommand } from '../support/run-command.js';
import { JSON_TYPE, v2Body } from '../support/senders.js';
import { exited, REPO } from '../support/tmon-process.js';

const PACK_TIMEOUT_MS = 3 * 60_000;
const INSTALL_TIMEOUT_MS = 6 * 60_000;
const ADMIN_PASSWORD = 'admin-password-1';

describe('the server installed from its npm tarball', { timeout: 12 * 60_000 }, () => {
  let work: string;
  let prefix: string;
  let dataDir: string;
  let tarball: PackedTarball;
  let installMs = 0;
  let installOutput = '';
  let tmonBin: string;

  // the installed bin as a shell would run it: through its #!/usr/bin/env node line, from any folder
  const env = {
    ...process.env,
    PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`,
    TMON_LOG_LEVEL: 'warn',
    TMON_ADMIN_PASSWORD: ADMIN_PASSWORD,
  };
  const installedTmon = (args: string[]) => runCommand(tmonBin, args, { cwd: work, env, timeoutMs: 60_000 });

  before(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'tmon-server-package-'));
    prefix = path.join(work, 'prefix');
    dataDir = path.join(work, 'data');
    const packs = path.join(work, 'packs');
    await Promise.all([mkdir(prefix), mkdir(packs)]);
    tarball = await npmPack(REPO, packs, PACK_TIMEOUT_MS);
    // better-sqlite3 builds its native module in an install script; npm 11 runs only the ones allowed
    const install = await npmInstallTarball(tarball.file, prefix, ['better-sqlite3'], INSTALL_TIMEOUT_MS);
    installMs = install.elapsedMs;
    installOutput = install.stdout + install.stderr;
    tmonBin = path.join(prefix, 'node_modules', '.bin', 'tmon');
    console.log(
      `${path.basename(tarball.file)}: ${(tarball.bytes / 1024).toFixed(0)} KiB, packed (with its build) in ` +
        `${(tarball.elapsedMs / 1000).toFixed(1)} s; npm install --omit=dev of it into an empty prefix: ` +
        `${(installMs / 1000).toFixed(1)} s`,
    );
  });
  after(() => rm(work, { recursive: true, force: true }));

  it('carries the built server, the built UI and the client, and installs no devDependency', () => {
    const installed = path.join(prefix, 'node_modules');
    for (const file of [
      'tmon/dist/src/main.js',
      'tmon/dist/ui/.vite/manifest.json',
      'tmon/docs/index.md',
      'tmon/node_modules/@tmon/client/dist/esm/index.js',
    ]) {
      assert.ok(existsSync(path.join(installed, file)), `${file} is installed`);
    }
    for (const devDependency of ['tsx', 'typescript', 'vite', '@biomejs/biome']) {
      assert.ok(!existsSync(path.join(installed, devDependency)), `${devDependency} is not installed`);
    }
    assert.ok(!existsSync(path.join(installed, 'tmon', 'src')), 'the sources are not in the package');
  });

  it('installs no package that asks for a Node newer than 20', () => {
    // the tarball's install ignores package-lock.json and overrides: versions held back there must be direct dependencies
    assert.doesNotMatch(installOutput, /EBADENGINE/);
  });

  it('prints its version', async () => {
    const result = await installedTmon(['--version']);
    assert.equal(result.status, 0, describeResult(result));
    assert.equal(result.stdout, '0.1.0\n');
  });

  it('serves: /healthz answers 200, a collect request 200, and SIGTERM stops it with exit code 0', async () => {
    const user = await installedTmon(['user', 'add', 'ann', '--password', 'ann-password-1', '--data', dataDir]);
    assert.equal(user.status, 0, describeResult(user));
    const added = await installedTmon(['service', 'add', 'shop', '--owner', 'ann', '--json', '--data', dataDir]);
    assert.equal(added.status, 0, describeResult(added));
    const service = JSON.parse(added.stdout) as { id: number; secret: string };

    const server = await startInstalledServer(tmonBin, ['serve', '--port', '0', '--data', dataDir], work, env);
    try {
      const health = await fetch(`${server.url}/healthz`);
      assert.equal(health.status, 200, await health.text());
      const event = { url: '/installed', ip: '81.2.69.142', useragent: 'server-package test', username: 'ann' };
      const collect = await fetch(`${server.url}/data/collect`, {
        method: 'POST',
        headers: JSON_TYPE,
        body: v2Body(service.id, service.secret, [event], Date.now()),
      });
      assert.equal(collect.status, 200, await collect.text());
    } finally {
      server.child.kill('SIGTERM');
    }
    assert.equal(await exited(server.child), 0, server.output());
  });
});

interface InstalledServer {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** the installed `tmon serve`, resolved once it prints where it listens */
function startInstalledServer(
  bin: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<InstalledServer> {
  const child = spawn(bin, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr.on('data', (chunk) => {
    out += chunk;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the installed tmon did not start in 30 s:\n${out}`));
    }, 30_000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!, output: () => out });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the installed tmon exited with ${code} before listening:\n${out}`));
    });
  });
}
