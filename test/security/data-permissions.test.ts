/**
 * The data directory holds every service's secret. tmon creates the
 * directory 0700 and each of its files 0600 — the WAL and SHM SQLite makes
 * later included — and warns at start when one it finds is open to others.
 */
import assert from 'node:assert/strict';
import { chmodSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { FakeClock } from '../support/fake-clock.js';
import { tmonCli } from '../support/tmon-process.js';

const mode = (file: string) => statSync(file).mode & 0o777;
const octal = (bits: number) => bits.toString(8).padStart(4, '0');
/** the log lines about permissions (a test checkout may also log that the dashboard is not built) */
const aboutAccess = (lines: string[]) => lines.filter((line) => /may access|chmod/.test(line));

/** Every file in the directory with its mode, e.g. { 'tmon.sqlite': '0600' }. */
function modesIn(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((name) => [name, octal(mode(path.join(dir, name)))]));
}

describe('the data directory and its files', () => {
  let root: string;
  const previousUmask = process.umask();
  const runtimes: Runtime[] = [];

  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'tmon-permissions-'));
    // the usual umask, under which files come out 0644 and directories 0755 unless tmon says otherwise
    process.umask(0o022);
  });
  afterEach(async () => {
    for (const runtime of runtimes.splice(0)) await runtime.close();
  });
  after(async () => {
    process.umask(previousUmask);
    await rm(root, { recursive: true, force: true });
  });

  /** A server's runtime on `dataDir`, its warnings and errors collected. */
  async function startRuntime(dataDir: string) {
    const warnings: string[] = [];
    const errors: string[] = [];
    const config = loadConfig({ data: dataDir }, { TMON_LOG_LEVEL: 'silent' }, process.cwd());
    const runtime = await createRuntime(config, new FakeClock(Date.now()).read, {
      info() {},
      warn: (message) => warnings.push(message),
      error: (message) => errors.push(message),
    });
    runtimes.push(runtime);
    // a write, so the WAL and SHM exist
    if ((await runtime.accountStore.findUserByName('owner')) === null) {
      await runtime.accounts.addUser('owner', 'owner-password-1', false);
    }
    return { runtime, warnings, errors };
  }

  it('creates the data directory 0700 and the database, its WAL and SHM and the writer lock 0600', async () => {
    const dataDir = path.join(root, 'fresh', 'data');
    const { runtime, warnings } = await startRuntime(dataDir);
    await runtime.accounts.addService({ name: 'shop', ownerName: 'owner' });
    assert.equal(octal(mode(dataDir)), '0700');
    const files = modesIn(dataDir);
    for (const name of ['tmon.sqlite', 'tmon.sqlite-wal', 'tmon.sqlite-shm', 'tmon.writer-lock']) {
      assert.ok(name in files, `${name} missing: ${JSON.stringify(files)}`);
    }
    for (const [name, bits] of Object.entries(files)) assert.equal(bits, '0600', `${name} is ${bits}`);
    assert.deepEqual(aboutAccess(warnings), []);
  });

  it('creates them private from the CLI too, before any server has run', () => {
    const dataDir = path.join(root, 'by-cli');
    const res = tmonCli(['user', 'add', 'someone', '--password', 'someone-password-1', '--data', dataDir]);
    assert.equal(res.status, 0, res.stderr);
    assert.equal(octal(mode(dataDir)), '0700');
    const files = modesIn(dataDir);
    assert.ok('tmon.sqlite' in files);
    for (const [name, bits] of Object.entries(files)) assert.equal(bits, '0600', `${name} is ${bits}`);
  });

  it('warns at start, naming each path, when the data directory or a database file is open to others', async () => {
    const dataDir = path.join(root, 'shared');
    await startRuntime(dataDir);
    for (const runtime of runtimes.splice(0)) await runtime.close();
    chmodSync(dataDir, 0o755);
    chmodSync(path.join(dataDir, 'tmon.sqlite'), 0o644);

    const { warnings, errors } = await startRuntime(dataDir);
    assert.equal(warnings.length, 1, JSON.stringify({ warnings, errors }));
    const [warning] = warnings as [string];
    assert.match(warning, new RegExp(`${dataDir} \\(0755\\)`));
    assert.match(warning, new RegExp(`${path.join(dataDir, 'tmon.sqlite')} \\(0644\\)`));
    // the WAL SQLite made anew from the 0644 database is 0644 as well: named too
    assert.match(warning, /tmon\.sqlite-wal \(0644\)/);
    assert.match(warning, /chmod 700 .* 600/);
    assert.deepEqual(aboutAccess(errors), []);
    // warned, not changed: the operator may share the directory on purpose
    assert.equal(octal(mode(dataDir)), '0755');
  });

  it('says nothing at start when everything is private', async () => {
    const dataDir = path.join(root, 'private');
    await startRuntime(dataDir);
    for (const runtime of runtimes.splice(0)) await runtime.close();
    const { warnings, errors } = await startRuntime(dataDir);
    assert.deepEqual(aboutAccess([...warnings, ...errors]), []);
  });
});
