/**
 * Upgrades: `tmon migrate --dry-run` lists what `tmon migrate` would apply and
 * applies nothing; a database written by a newer tmon (a schema version above
 * the highest this tmon has) is refused in one line by the server and by
 * every CLI command, on SQLite and on PostgreSQL.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { POSTGRES_MIGRATIONS } from '../../src/store/migrations/postgres/index.js';
import { SQLITE_MIGRATIONS } from '../../src/store/migrations/sqlite/index.js';
import { createTempSchema, TEST_DATABASE_URL, type TempPostgresSchema } from '../support/postgres-temp.js';
import { tmonCli } from '../support/tmon-process.js';

const skipPostgres = TEST_DATABASE_URL
  ? false
  : 'TMON_TEST_DATABASE_URL is not set: the PostgreSQL upgrade cases need one';
const NEWER = 999;
const newerLine = (known: number) =>
  `the database was written by a newer tmon (schema version ${NEWER}, this tmon knows up to ${known}): upgrade tmon, or restore a backup`;
const SQLITE_KNOWN = SQLITE_MIGRATIONS.at(-1)!.version;
const POSTGRES_KNOWN = POSTGRES_MIGRATIONS.at(-1)!.version;

/** Refused in one line, exit code 1, for the server and two commands (one that reads, one that only looks). */
function assertEveryEntryRefuses(args: { data?: string; env?: Record<string, string> }, known: number): void {
  const data = args.data ? ['--data', args.data] : [];
  for (const command of [['serve', '--port', '0'], ['user', 'list'], ['migrate', '--dry-run'], ['migrate']]) {
    const res = tmonCli([...command, ...data], args.env ?? {}, 30_000);
    assert.equal(res.status, 1, `tmon ${command.join(' ')}: ${res.stderr}`);
    assert.equal(res.stderr, `tmon ${command[0]}: ${newerLine(known)}\n`, `tmon ${command.join(' ')}`);
  }
}

describe('tmon migrate --dry-run, and a schema newer than tmon', () => {
  let root: string;
  const schemas: TempPostgresSchema[] = [];
  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'tmon-migrate-'));
  });
  after(async () => {
    for (const schema of schemas) await schema.drop();
    await rm(root, { recursive: true, force: true });
  });

  it('lists the migrations pending on SQLite, with version and name, and applies none of them', () => {
    const dataDir = path.join(root, 'older');
    // a database an older tmon left: every migration but the last applied
    mkdirSync(dataDir);
    const db = new Database(path.join(dataDir, 'tmon.sqlite'));
    db.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
    );
    for (const migration of SQLITE_MIGRATIONS.slice(0, -1)) {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations VALUES (?, ?, 0)').run(migration.version, migration.name);
    }
    db.close();
    const last = SQLITE_MIGRATIONS.at(-1)!;

    const dry = tmonCli(['migrate', '--dry-run', '--data', dataDir]);
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(
      dry.stdout,
      new RegExp(
        `1 migration pending \\(not applied; tmon migrate applies them\\):\\n  ${last.version}  ${last.name}\\n$`,
      ),
    );
    const json = tmonCli(['migrate', '--dry-run', '--json', '--data', dataDir]);
    assert.deepEqual(JSON.parse(json.stdout), {
      database: 'sqlite',
      pending: [{ version: last.version, name: last.name }],
    });
    const check = new Database(path.join(dataDir, 'tmon.sqlite'), { readonly: true });
    assert.equal(
      check.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get(),
      last.version - 1,
      'nothing applied',
    );
    check.close();

    assert.equal(tmonCli(['migrate', '--data', dataDir]).status, 0);
    assert.match(
      tmonCli(['migrate', '--dry-run', '--data', dataDir]).stdout,
      /schema is current, no migration pending/,
    );
  });

  it('lists every migration for a SQLite directory with no database yet', () => {
    const res = tmonCli(['migrate', '--dry-run', '--json', '--data', path.join(root, 'new')]);
    assert.equal(res.status, 0, res.stderr);
    assert.deepEqual(
      JSON.parse(res.stdout).pending,
      SQLITE_MIGRATIONS.map(({ version, name }) => ({ version, name })),
    );
  });

  it('refuses a SQLite database written by a newer tmon, in one line, from the server and every command', () => {
    const dataDir = path.join(root, 'newer');
    assert.equal(tmonCli(['migrate', '--data', dataDir]).status, 0);
    const db = new Database(path.join(dataDir, 'tmon.sqlite'));
    db.prepare("INSERT INTO schema_migrations VALUES (?, 'from-the-future', 0)").run(NEWER);
    db.close();
    assertEveryEntryRefuses({ data: dataDir }, SQLITE_KNOWN);
  });

  it('lists the migrations pending on PostgreSQL and applies none of them', { skip: skipPostgres }, async () => {
    const schema = await createTempSchema(TEST_DATABASE_URL!);
    schemas.push(schema);
    const env = { TMON_DATABASE_URL: `${schema.url}?schema=${schema.schema}` };
    const dry = tmonCli(['migrate', '--dry-run', '--json'], env);
    assert.equal(dry.status, 0, dry.stderr);
    assert.deepEqual(JSON.parse(dry.stdout), {
      database: 'postgres',
      pending: POSTGRES_MIGRATIONS.map(({ version, name }) => ({ version, name })),
    });
    const tables = await schema.query("SELECT to_regclass('schema_migrations')::text AS found");
    assert.equal(tables[0]?.found, null, 'nothing applied');
    assert.equal(tmonCli(['migrate'], env).status, 0);
    assert.deepEqual(JSON.parse(tmonCli(['migrate', '--dry-run', '--json'], env).stdout).pending, []);
  });

  it('refuses a PostgreSQL database written by a newer tmon, in one line, from the server and every command', {
    skip: skipPostgres,
  }, async () => {
    const schema = await createTempSchema(TEST_DATABASE_URL!);
    schemas.push(schema);
    const env = { TMON_DATABASE_URL: `${schema.url}?schema=${schema.schema}` };
    assert.equal(tmonCli(['migrate'], env).status, 0);
    await schema.query("INSERT INTO schema_migrations VALUES ($1, 'from-the-future', 0)", [NEWER]);
    assertEveryEntryRefuses({ env }, POSTGRES_KNOWN);
  });
});
