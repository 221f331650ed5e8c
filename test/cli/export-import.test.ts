/**
 * `tmon export` from SQLite and `tmon import` into PostgreSQL: the same
 * events, counts and rankings on both sides, and a second import stores
 * nothing twice. Runs when TMON_TEST_DATABASE_URL is set.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Dimension, Store } from '../../src/store/store.js';
import { createTempSchema, TEST_DATABASE_URL, type TempPostgresSchema } from '../support/postgres-temp.js';
import { suiteOrSkip } from '../support/suite-or-skip.js';
import { makeEvent } from '../support/temp-store.js';
import { tmonCli } from '../support/tmon-process.js';

const skip = TEST_DATABASE_URL ? false : 'set TMON_TEST_DATABASE_URL=postgres://… to run the export/import tests';

const DIMENSIONS: Dimension[] = ['country', 'city', 'os', 'device', 'browser', 'url'];
const EVENTS = 2_500;

suiteOrSkip('tmon export and tmon import', skip, () => {
  let schema: TempPostgresSchema;
  let dataDir: string;
  let pgEnv: Record<string, string>;
  let file: string;

  before(async () => {
    schema = await createTempSchema(TEST_DATABASE_URL!);
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'tmon-export-'));
    file = path.join(dataDir, 'shop.ndjson');
    pgEnv = { TMON_DATABASE_URL: `${schema.url}?schema=${schema.schema}` };
    for (const env of [{}, pgEnv]) {
      for (const args of [
        ['user', 'add', 'owner', '--password', 'owner-password-1'],
        ['service', 'add', 'shop', '--owner', 'owner'],
      ]) {
        const res = tmonCli([...args, '--data', dataDir], env);
        assert.equal(res.status, 0, res.stderr);
      }
    }
    const sqlite = await openSqliteStore({ dataDir, synchronous: 'normal' });
    try {
      const now = Date.now();
      const cities = [
        { country: 'DE', countryName: 'Germany', city: 'Berlin' },
        { country: 'GB', countryName: 'United Kingdom', city: 'London' },
        { country: 'FR', countryName: 'France', city: 'Paris' },
      ];
      const events = Array.from({ length: EVENTS }, (_, i) =>
        makeEvent({
          url: `/page/${i % 7}`,
          ts: now - (i % 50) * 60_000,
          id: i % 3 === 0 ? `given-${i}` : null,
          geo: i % 11 === 0 ? null : cities[i % 3],
          agent: { os: i % 2 ? 'Windows' : 'Linux' },
        }),
      );
      for (let i = 0; i < events.length; i += 500) {
        await sqlite.events.writeEvents(
          [{ serviceId: 1, events: events.slice(i, i + 500), replayKey: null, replayKeyExpiresAt: null }],
          now,
        );
      }
    } finally {
      await sqlite.close();
    }
  });

  after(async () => {
    await schema?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const summary = async (store: Store) => {
    const now = Date.now();
    const rankings: Record<string, unknown> = {};
    for (const dimension of DIMENSIONS) {
      for (const window of ['1h', 'all'] as const) {
        rankings[`${dimension}/${window}`] = await store.events.topValues(1, dimension, window, 100, now);
      }
    }
    return { count: await store.events.countEvents(1), rankings };
  };

  it('moves a service from SQLite to PostgreSQL with the same counts and rankings, once', async () => {
    const exported = tmonCli(['export', '1', '--out', file, '--data', dataDir]);
    assert.equal(exported.status, 0, exported.stderr);
    assert.match(exported.stderr, new RegExp(`exported ${EVENTS} events`));
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    assert.equal(lines.length, EVENTS);
    const seqs = lines.map((line) => JSON.parse(line).seq as number);
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => a - b),
      'oldest first',
    );

    const imported = tmonCli(['import', '1', '--in', file, '--data', dataDir], pgEnv);
    assert.equal(imported.status, 0, imported.stderr);
    const again = tmonCli(['import', '1', '--in', file, '--data', dataDir], pgEnv);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, /stored 0 /);

    const sqlite = await openSqliteStore({ dataDir, synchronous: 'normal' });
    const postgres = await schema.openStore();
    try {
      const from = await summary(sqlite);
      const to = await summary(postgres);
      assert.equal(from.count, EVENTS);
      for (const [name, ranking] of Object.entries(from.rankings)) {
        assert.ok((ranking as unknown[]).length > 0, `${name} is empty: nothing to compare`);
      }
      assert.deepEqual(to, from);
      const latest = await postgres.events.latestEvents(1, 1);
      assert.ok(latest[0]?.id, 'every imported event has an id');
    } finally {
      await sqlite.close();
    }
  });
});
