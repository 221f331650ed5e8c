/**
 * tmon backup / tmon restore (docs/operations.md): a backup taken while a real
 * `tmon serve` ingests ~2,000 v2 events/s holds every event acknowledged
 * before it began, and restores into an intact database.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { createTempSchema, TEST_DATABASE_URL } from '../support/postgres-temp.js';
import { v2Body } from '../support/senders.js';
import { exited, REPO, startServer, tmonCli } from '../support/tmon-process.js';

const skipPostgres = TEST_DATABASE_URL
  ? false
  : 'TMON_TEST_DATABASE_URL is not set: the pg_dump backup needs a PostgreSQL';
const hasPgTools = spawnSync('pg_restore', ['--version']).status === 0;

/** 4 senders × 20 events every 40 ms: 2,000 events/s */
const SENDERS = 4;
const BATCH = 20;
const SENDER_PERIOD_MS = 40;
const TRAFFIC_BEFORE_BACKUP_MS = 4_000;

/** tmonCli without blocking this process: the senders must go on while the backup runs. */
function tmonCliInBackground(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'src/main.ts'), ...args], {
    cwd: REPO,
    env: { ...process.env, TMON_LOG_LEVEL: 'warn' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('tmon backup and tmon restore', () => {
  let root: string;

  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'tmon-backup-'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('backs up during 2,000 v2 events/s; the restored copy is intact and holds every event acknowledged before', async () => {
    const dataDir = path.join(root, 'live');
    tmonCli(['user', 'add', 'owner', '--password', 'owner-password-1', '--data', dataDir]);
    const { id: serviceId, secret } = JSON.parse(
      tmonCli(['service', 'add', 'shop', '--owner', 'owner', '--json', '--data', dataDir]).stdout,
    );
    const server = await startServer(dataDir);
    const acknowledged: string[] = [];
    let refused = 0;
    let stop = false;

    async function sender(n: number): Promise<void> {
      const start = Date.now();
      for (let round = 0; !stop; round++) {
        const ids = Array.from({ length: BATCH }, (_, i) => `s${n}-r${round}-e${i}`);
        const events = ids.map((id) => ({ url: `/p/${round % 50}`, ip: '8.8.8.8', useragent: 'backup-test', id }));
        const res = await fetch(`${server.url}/data/collect`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: v2Body(serviceId, secret, events, Date.now()),
        });
        await res.body?.cancel();
        if (res.status === 200) acknowledged.push(...ids);
        else refused++;
        // paced: the next batch at its slot, whatever this one took
        const wait = start + (round + 1) * SENDER_PERIOD_MS - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
    }

    try {
      const trafficStarted = Date.now();
      const senders = Array.from({ length: SENDERS }, (_, n) => sender(n));
      await new Promise((r) => setTimeout(r, TRAFFIC_BEFORE_BACKUP_MS));
      const acknowledgedBefore = [...acknowledged];
      const rateBefore = acknowledgedBefore.length / ((Date.now() - trafficStarted) / 1000);
      const backupFile = path.join(root, 'tmon-backup.sqlite');
      const backupStarted = Date.now();
      const backup = await tmonCliInBackground(['backup', '--out', backupFile, '--data', dataDir, '--json']);
      const backupMs = Date.now() - backupStarted;
      const acknowledgedDuringBackup = acknowledged.length - acknowledgedBefore.length;
      stop = true;
      await Promise.all(senders);
      assert.equal(backup.status, 0, backup.stderr);
      assert.match(backup.stderr, /backing up: 100% of \d+ pages/);
      const report = JSON.parse(backup.stdout) as { restarts: number; pages: number };
      assert.equal((await stat(backupFile)).mode & 0o777, 0o600, 'the backup holds secrets: 0600');

      const restoredDir = path.join(root, 'restored');
      const restore = tmonCli(['restore', backupFile, '--data', restoredDir]);
      assert.equal(restore.status, 0, restore.stderr);

      const db = new Database(path.join(restoredDir, 'tmon.sqlite'), { readonly: true });
      let inCopy: number;
      try {
        assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
        const stored = new Set(db.prepare('SELECT event_key FROM events').pluck().all() as string[]);
        inCopy = stored.size;
        const missing = acknowledgedBefore.filter((id) => !stored.has(id));
        assert.deepEqual(
          missing.slice(0, 10),
          [],
          `${missing.length} events acknowledged before the backup are missing`,
        );
      } finally {
        db.close();
      }
      console.log(
        `backup under load: ${rateBefore.toFixed(0)} events/s acknowledged before it; ` +
          `${acknowledgedBefore.length} events acknowledged before the backup began, ${inCopy} in the copy; ` +
          `${acknowledgedDuringBackup} more acknowledged during its ${backupMs} ms; ` +
          `${report.pages} pages, ${report.restarts} restarts; ${refused} requests refused; ` +
          `${acknowledged.length} acknowledged in all`,
      );
      assert.ok(rateBefore >= 1_500, `traffic ran at ${rateBefore.toFixed(0)} events/s, below the 2,000 aimed at`);
      assert.ok(acknowledgedDuringBackup > 0, 'the server went on acknowledging events while the backup ran');
      assert.ok(inCopy >= acknowledgedBefore.length);
    } finally {
      stop = true;
      server.child.kill('SIGTERM');
      await exited(server.child);
    }
  });

  it('refuses to restore into a directory that is not empty, in one line', async () => {
    const source = path.join(root, 'small');
    tmonCli(['user', 'add', 'ann', '--password', 'ann-password-1', '--data', source]);
    const backupFile = path.join(root, 'small-backup.sqlite');
    assert.equal(tmonCli(['backup', '--out', backupFile, '--data', source]).status, 0);
    const busy = path.join(root, 'busy');
    await mkdir(busy);
    await writeFile(path.join(busy, 'notes.txt'), 'keep me');
    const res = tmonCli(['restore', backupFile, '--data', busy]);
    assert.equal(res.status, 1);
    assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
    assert.match(res.stderr, /is not empty .*restore into an empty or new directory/);
  });

  it('refuses to restore a backup written by a newer tmon, before copying anything', async () => {
    const source = path.join(root, 'future');
    tmonCli(['user', 'add', 'ann', '--password', 'ann-password-1', '--data', source]);
    const backupFile = path.join(root, 'future-backup.sqlite');
    assert.equal(tmonCli(['backup', '--out', backupFile, '--data', source]).status, 0);
    const db = new Database(backupFile);
    db.exec("INSERT INTO schema_migrations VALUES (999, 'from-the-future', 0)");
    db.close();
    const target = path.join(root, 'not-restored');
    const res = tmonCli(['restore', backupFile, '--data', target]);
    assert.equal(res.status, 1);
    assert.match(
      res.stderr,
      /^tmon restore: the database was written by a newer tmon \(schema version 999, this tmon knows up to \d+\): upgrade tmon, or restore a backup\n$/,
    );
    assert.equal(existsSync(target), false, 'nothing was created');
  });

  it('refuses to restore a file that is not a tmon database', async () => {
    const notTmon = path.join(root, 'other.sqlite');
    const db = new Database(notTmon);
    db.exec('CREATE TABLE t (x INTEGER)');
    db.close();
    const res = tmonCli(['restore', notTmon, '--data', path.join(root, 'fresh')]);
    assert.equal(res.status, 1);
    assert.match(res.stderr, /not tmon's \(no schema_migrations table\)/);
    const text = path.join(root, 'text.sqlite');
    await writeFile(text, 'hello, not a database at all, not at all, no'.repeat(200));
    const garbage = tmonCli(['restore', text, '--data', path.join(root, 'fresh')]);
    assert.equal(garbage.status, 1);
    assert.match(garbage.stderr, /not a SQLite database|cannot be opened/);
  });

  it('backs up PostgreSQL with pg_dump, in the custom format, the schema of the URL only', {
    skip: skipPostgres || (hasPgTools ? false : 'pg_dump and pg_restore are not installed (Debian: postgresql-client)'),
  }, async () => {
    const schema = await createTempSchema(TEST_DATABASE_URL!);
    try {
      const env = { TMON_DATABASE_URL: `${schema.url}?schema=${schema.schema}` };
      assert.equal(tmonCli(['user', 'add', 'ann', '--password', 'ann-password-1'], env).status, 0);
      const dump = path.join(root, 'postgres.dump');
      const res = tmonCli(['backup', '--out', dump], env);
      assert.equal(res.status, 0, res.stderr);
      assert.match(
        res.stderr,
        new RegExp(`running pg_dump --format=custom --file \\S+ --schema ${schema.schema} postgres://`),
      );
      assert.match(res.stdout, /restore with: pg_restore --dbname/);
      assert.equal((await stat(dump)).mode & 0o777, 0o600);
      const listed = spawnSync('pg_restore', ['--list', dump], { encoding: 'utf8' });
      assert.match(listed.stdout, new RegExp(`TABLE DATA ${schema.schema} users `));
      assert.doesNotMatch(listed.stdout, /TABLE DATA (?!tmon_test)/, 'only the schema of the URL');
    } finally {
      await schema.drop();
    }
  });

  it('says how to back up PostgreSQL when pg_dump is not installed', () => {
    const res = tmonCli(['backup', '--out', path.join(root, 'never.dump')], {
      TMON_DATABASE_URL: 'postgres://tmon:pw@db.invalid/tmon?schema=stats',
      // a PATH without pg_dump (node itself is started by its full path)
      PATH: root,
    });
    assert.equal(res.status, 1);
    assert.equal(
      res.stderr,
      `tmon backup: the database is PostgreSQL (TMON_DATABASE_URL) and pg_dump is not installed: install it (Debian: apt install postgresql-client), then run: PGPASSWORD=… pg_dump --format=custom --file ${path.join(root, 'never.dump')} --schema stats postgres://tmon@db.invalid/tmon; restore with: pg_restore --dbname 'postgres://USER@HOST/EMPTY_DATABASE' ${path.join(root, 'never.dump')}\n`,
    );
  });

  it('says there is nothing to back up in a data directory without a database', async () => {
    const empty = path.join(root, 'no-database');
    await mkdir(empty);
    const res = tmonCli(['backup', '--out', path.join(root, 'nothing.sqlite'), '--data', empty]);
    assert.equal(res.status, 1);
    assert.match(res.stderr, /no database in .*no-database \(no tmon\.sqlite\): nothing to back up/);
  });
});
