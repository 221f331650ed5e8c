import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exited, startServer, tmonCli } from '../support/tmon-process.js';

describe('the tmon CLI', () => {
  let dataDir: string;
  const cli = (...args: string[]) => tmonCli([...args, '--data', dataDir]);

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'tmon-cli-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  it('adds and lists users, as text and as JSON', () => {
    const added = cli('user', 'add', 'ann', '--password', 'ann-password-1', '--admin');
    assert.equal(added.status, 0, added.stderr);
    assert.match(added.stdout, /created user ann \(admin\)/);
    const listed = cli('user', 'list', '--json');
    const users = JSON.parse(listed.stdout);
    assert.equal(users.length, 1);
    assert.deepEqual({ name: users[0].name, admin: users[0].admin }, { name: 'ann', admin: true });
  });

  it('adds a service with a generated 32-character secret', () => {
    const res = cli('service', 'add', 'shop', '--owner', 'ann', '--json');
    assert.equal(res.status, 0, res.stderr);
    const service = JSON.parse(res.stdout);
    assert.equal(service.name, 'shop');
    assert.equal(typeof service.id, 'number');
    assert.match(service.secret, /^[A-Za-z0-9]{32}$/);
  });

  it('brings a service over from an old T-Mon with its id and secret', () => {
    const res = cli(
      'service',
      'add',
      'legacy',
      '--owner',
      'ann',
      '--id',
      '42',
      '--secret',
      '0cc175b9c0f1b6a831c399e269772661',
      '--json',
    );
    assert.equal(res.status, 0, res.stderr);
    assert.deepEqual(JSON.parse(res.stdout), { id: 42, name: 'legacy', secret: '0cc175b9c0f1b6a831c399e269772661' });
    const taken = cli('service', 'add', 'other', '--owner', 'ann', '--id', '42');
    assert.equal(taken.status, 1);
    assert.match(taken.stderr, /id 42 is taken/);
  });

  it('refuses a service name outside ^[a-z][a-z0-9_-]{0,39}$ and a duplicate name', () => {
    const bad = cli('service', 'add', 'Shop!', '--owner', 'ann');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /service name must match/);
    const dup = cli('service', 'add', 'shop', '--owner', 'ann');
    assert.equal(dup.status, 1);
    assert.match(dup.stderr, /taken/);
  });

  it('rotates a secret and says until when the old one works', () => {
    const before = JSON.parse(cli('service', 'list', '--json').stdout).find(
      (s: { name: string }) => s.name === 'legacy',
    );
    const res = cli('service', 'rotate-secret', '42', '--json');
    assert.equal(res.status, 0, res.stderr);
    const rotated = JSON.parse(res.stdout);
    assert.notEqual(rotated.secret, before.secret);
    assert.ok(rotated.previous_secret_valid_until > Date.now() + 23 * 3_600_000);
  });

  it('prints an API token', () => {
    const res = cli('token', 'add', '--user', 'ann');
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stdout.trim(), /^tmon_[A-Za-z0-9_-]{40,}$/);
  });

  it('makes, lists and revokes scoped tokens, never listing a token itself', () => {
    const made = cli(
      'token',
      'add',
      '--user',
      'ann',
      '--scope',
      'ingest',
      '--service',
      '42',
      '--name',
      'nginx',
      '--expires',
      '30d',
      '--json',
    );
    assert.equal(made.status, 0, made.stderr);
    const { id, token, scope } = JSON.parse(made.stdout);
    assert.equal(scope, 'ingest');
    assert.match(token, /^tmon_/);
    const listed = cli('token', 'list', '--user', 'ann', '--json');
    assert.equal(listed.status, 0, listed.stderr);
    const shown = JSON.parse(listed.stdout).find((t: { id: number }) => t.id === id);
    assert.equal(shown.name, 'nginx');
    assert.equal(shown.service_id, 42);
    assert.equal(shown.last_used_at, null);
    assert.ok(shown.expires_at > Date.now() + 29 * 86_400_000);
    assert.ok(!listed.stdout.includes(token));
    assert.match(cli('token', 'list').stdout, /nginx\tann\tingest \(service 42\)/);
    const revoked = cli('token', 'revoke', String(id), '--json');
    assert.equal(revoked.status, 0, revoked.stderr);
    assert.deepEqual(JSON.parse(revoked.stdout), { id, revoked: true });
    assert.ok(!cli('token', 'list', '--json').stdout.includes(`"id":${id},`));
    const again = cli('token', 'revoke', String(id));
    assert.equal(again.status, 1);
    assert.match(again.stderr, /no token with id/);
    const unbound = cli('token', 'add', '--user', 'ann', '--scope', 'ingest');
    assert.equal(unbound.status, 1);
    assert.match(unbound.stderr, /bound to one service/);
    assert.equal(cli('token', 'add', '--user', 'ann', '--scope', 'root').status, 2);
  });

  it('changes a password and removes a user with their services', () => {
    assert.equal(cli('user', 'passwd', 'ann', '--password', 'new-password-2').status, 0);
    assert.equal(cli('user', 'add', 'ben', '--password', 'ben-password-1').status, 0);
    assert.equal(cli('service', 'add', 'bens', '--owner', 'ben').status, 0);
    assert.equal(cli('user', 'remove', 'ben').status, 0);
    const names = JSON.parse(cli('service', 'list', '--json').stdout).map((s: { name: string }) => s.name);
    assert.ok(!names.includes('bens'));
  });

  it('brings the database to the current schema with tmon migrate', () => {
    const res = cli('migrate', '--json');
    assert.equal(res.status, 0, res.stderr);
    assert.deepEqual(JSON.parse(res.stdout), { migrated: true, database: 'sqlite' });
  });

  it('refuses to start a second server on a data directory in use, and imports nothing into it', async () => {
    assert.equal(cli('user', 'add', 'bea', '--password', 'bea-password-1').status, 0);
    const added = cli('service', 'add', 'busy', '--owner', 'bea', '--json');
    assert.equal(added.status, 0, added.stderr);
    const service = JSON.parse(added.stdout) as { id: number };
    const exported = path.join(dataDir, 'one-event.ndjson');
    await writeFile(exported, `${JSON.stringify({ url: '/', ts: Date.now(), seq: 1 })}\n`);
    const server = await startServer(dataDir);
    try {
      for (const writer of ['thread', 'inline']) {
        const second = tmonCli(['serve', '--port', '0', '--data', dataDir], { TMON_SQLITE_WRITER: writer }, 20_000);
        assert.equal(second.status, 1, `second server, SQLite writer ${writer}`);
        assert.match(second.stderr, /another process is writing events to the data directory/);
      }
      const imported = cli('import', String(service.id), '--in', exported);
      assert.equal(imported.status, 1);
      assert.match(imported.stderr, /another process is writing events to the data directory/);
    } finally {
      server.child.kill('SIGTERM');
      await exited(server.child);
    }
  });

  it('exits 2 with the usage for a wrong call, and 1 naming every bad setting', () => {
    const wrong = cli('service', 'add');
    assert.equal(wrong.status, 2);
    assert.match(wrong.stderr, /usage:/);
    const unknown = tmonCli(['frobnicate']);
    assert.equal(unknown.status, 2);
    const badEnv = tmonCli(['user', 'list', '--data', dataDir], { TMON_PORT: 'x', TMON_SQLITE_SYNC: 'sometimes' });
    assert.equal(badEnv.status, 1);
    assert.match(badEnv.stderr, /TMON_PORT/);
    assert.match(badEnv.stderr, /TMON_SQLITE_SYNC/);
  });
});
