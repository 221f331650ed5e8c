/**
 * tmon export --all / tmon import --all: a whole install moves between SQLite
 * and PostgreSQL, both ways, into an empty database. After the move the old
 * password logs in, a token made before works, services keep their ids,
 * secrets (the previous one too) and settings, shares hold, and event counts
 * and rankings are equal. Needs TMON_TEST_DATABASE_URL.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createAccounts } from '../../src/accounts/accounts.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Dimension, Store } from '../../src/store/store.js';
import { createTempSchema, TEST_DATABASE_URL, type TempPostgresSchema } from '../support/postgres-temp.js';
import { makeEvent } from '../support/temp-store.js';
import { tmonCli } from '../support/tmon-process.js';

const skip = TEST_DATABASE_URL ? false : 'TMON_TEST_DATABASE_URL is not set: the SQLite ⇄ PostgreSQL moves need one';

const DIMENSIONS: Dimension[] = ['country', 'city', 'os', 'device', 'browser', 'url'];
const SHOP_ID = 7;
const BLOG_ID = 9;
const NOW = Date.now();
const PASSWORDS = { ann: 'ann-password-1', bob: 'bob-password-1' };

interface Install {
  annToken: string;
  bobToken: string;
}

const accountsOf = (store: Store) =>
  createAccounts({
    store: store.accounts,
    serviceData: store.events,
    clock: () => NOW,
    secretGraceHours: 24,
    sessionDays: 30,
    maxServicesPerUser: 100,
  });

/** Two users, two services (one rotated, with legacy allowed, shared with bob), two tokens, 1,500 events. */
async function populate(store: Store): Promise<Install> {
  await store.migrate();
  const accounts = accountsOf(store);
  const ann = await accounts.addUser('ann', PASSWORDS.ann, true);
  const bob = await accounts.addUser('bob', PASSWORDS.bob, false);
  await accounts.addService({ name: 'shop', ownerName: 'ann', id: SHOP_ID, secret: 's'.repeat(32) });
  await accounts.rotateSecret(SHOP_ID);
  await accounts.updateSettings(SHOP_ID, { allowLegacy: true });
  await accounts.addService({ name: 'blog', ownerName: 'bob', id: BLOG_ID });
  await store.accounts.shareService(SHOP_ID, bob.id);
  const annToken = await accounts.addToken({ user: ann, name: 'dashboards', scope: 'read' });
  const bobToken = await accounts.addToken({
    user: bob,
    name: 'blog sender',
    scope: 'ingest',
    serviceId: BLOG_ID,
    expires: '30d',
  });
  const cities = [
    { country: 'DE', countryName: 'Germany', city: 'Berlin' },
    { country: 'GB', countryName: 'United Kingdom', city: 'London' },
    { country: 'FR', countryName: 'France', city: 'Paris' },
  ];
  for (const [serviceId, count] of [
    [SHOP_ID, 1_200],
    [BLOG_ID, 300],
  ] as const) {
    const events = Array.from({ length: count }, (_, i) =>
      makeEvent({
        url: `/${serviceId}/page/${i % 7}`,
        // within the last 50 minutes: the 1 h window holds them all on both sides, however long the move takes
        ts: NOW - (i % 50) * 60_000,
        id: i % 3 === 0 ? `given-${serviceId}-${i}` : null,
        geo: i % 11 === 0 ? null : cities[i % 3],
        agent: { os: i % 2 ? 'Windows' : 'Linux' },
      }),
    );
    for (let i = 0; i < events.length; i += 500) {
      await store.events.writeEvents(
        [{ serviceId, events: events.slice(i, i + 500), replayKey: null, replayKeyExpiresAt: null }],
        NOW,
      );
    }
  }
  return { annToken: annToken.token, bobToken: bobToken.token };
}

/** The summary has something in it to compare: a rotated secret, shares, rankings. */
function assertWorthComparing(before: Awaited<ReturnType<typeof summary>>): void {
  const shop = before.services.find((s) => s.id === SHOP_ID);
  assert.ok(shop?.previousSecret && shop.previousSecretUntil, 'the shop has a previous secret');
  assert.deepEqual(shop.sharedWith, ['bob']);
  for (const [name, ranking] of Object.entries(shop.rankings)) {
    assert.ok((ranking as unknown[]).length > 0, `${name} is empty: nothing to compare`);
  }
  assert.equal(before.tokens.length, 2);
}

/** What must be the same on both sides: services as stored, shares by name, counts and rankings. */
async function summary(store: Store) {
  const users = await store.accounts.listUsers();
  const nameOf = (id: number) => users.find((u) => u.id === id)?.name;
  const services = [];
  for (const service of await store.accounts.listServices()) {
    const rankings: Record<string, unknown> = {};
    for (const dimension of DIMENSIONS) {
      for (const window of ['1h', 'all'] as const) {
        rankings[`${dimension}/${window}`] = await store.events.topValues(service.id, dimension, window, 100, NOW);
      }
    }
    services.push({
      ...service,
      ownerId: nameOf(service.ownerId),
      sharedWith: (await store.accounts.listShareUserIds(service.id)).map(nameOf),
      events: await store.events.countEvents(service.id),
      rankings,
    });
  }
  const tokens = (await store.accounts.listTokensWithHashes()).map(({ id: _id, userId, ...t }) => ({
    ...t,
    user: nameOf(userId),
  }));
  return {
    users: users.map(({ id: _id, ...u }) => u),
    services,
    tokens,
  };
}

/** Logins, tokens and secrets work on `store` as they did before the move. */
async function checkAccessAfterMove(store: Store, install: Install): Promise<void> {
  const accounts = accountsOf(store);
  assert.equal((await accounts.authenticate('ann', PASSWORDS.ann))?.name, 'ann', 'the old password logs in');
  assert.equal((await accounts.authenticate('bob', PASSWORDS.bob))?.admin, false);
  assert.equal(await accounts.authenticate('ann', 'wrong-password-1'), null);
  const annCaller = await accounts.callerForToken(install.annToken);
  assert.equal(annCaller?.user.name, 'ann', 'a token made before works');
  const bobCaller = await accounts.callerForToken(install.bobToken);
  assert.equal(bobCaller?.user.name, 'bob');
  assert.ok(bobCaller?.credential.kind === 'token' && bobCaller.credential.token.serviceId === BLOG_ID);
  const bob = await store.accounts.findUserByName('bob');
  assert.ok(bob && (await store.accounts.canUserSeeService(bob.id, SHOP_ID)), 'the share holds');
}

describe('tmon export --all and tmon import --all', () => {
  let root: string;
  const schemas: TempPostgresSchema[] = [];
  const postgresEnv = (schema: TempPostgresSchema) => ({
    TMON_DATABASE_URL: `${schema.url}?schema=${schema.schema}`,
  });

  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'tmon-move-'));
  });
  after(async () => {
    for (const schema of schemas) await schema.drop();
    await rm(root, { recursive: true, force: true });
  });

  it('moves a whole install from SQLite to PostgreSQL', { skip }, async () => {
    const sourceDir = path.join(root, 'from-sqlite');
    const source = await openSqliteStore({ dataDir: sourceDir });
    const install = await populate(source);
    const before = await summary(source);
    assertWorthComparing(before);
    await source.close();
    const file = path.join(root, 'sqlite-install.ndjson');
    const exported = tmonCli(['export', '--all', '--out', file, '--data', sourceDir, '--json']);
    assert.equal(exported.status, 0, exported.stderr);
    assert.deepEqual(JSON.parse(exported.stdout), {
      file,
      users: 2,
      services: 2,
      shares: 1,
      tokens: 2,
      events: 1_500,
    });
    assert.equal((await stat(file)).mode & 0o777, 0o600, 'the file holds every secret: 0600');

    const schema = await createTempSchema(TEST_DATABASE_URL!);
    schemas.push(schema);
    const imported = tmonCli(['import', '--all', '--in', file], postgresEnv(schema));
    assert.equal(imported.status, 0, imported.stderr);
    assert.match(imported.stdout, /imported .*: 2 users, 2 services, 1 shares, 2 tokens, 1500 events/);

    const target = await schema.openStore();
    assert.deepEqual(await summary(target), before);
    await checkAccessAfterMove(target, install);

    const again = tmonCli(['import', '--all', '--in', file], postgresEnv(schema));
    assert.equal(again.status, 1);
    assert.match(again.stderr, /the target database is not empty \(2 users\): import --all only into an empty one/);
  });

  it('moves a whole install from PostgreSQL to SQLite', { skip }, async () => {
    const schema = await createTempSchema(TEST_DATABASE_URL!);
    schemas.push(schema);
    const source = await schema.openStore();
    const install = await populate(source);
    const before = await summary(source);
    assertWorthComparing(before);
    const file = path.join(root, 'postgres-install.ndjson');
    const exported = tmonCli(['export', '--all', '--out', file], postgresEnv(schema));
    assert.equal(exported.status, 0, exported.stderr);

    const targetDir = path.join(root, 'to-sqlite');
    const imported = tmonCli(['import', '--all', '--in', file, '--data', targetDir]);
    assert.equal(imported.status, 0, imported.stderr);
    const target = await openSqliteStore({ dataDir: targetDir });
    try {
      assert.deepEqual(await summary(target), before);
      await checkAccessAfterMove(target, install);
    } finally {
      await target.close();
    }
  });

  it('refuses a file that is not an export --all, naming the line', async () => {
    const dataDir = path.join(root, 'refusing');
    const file = path.join(root, 'one-service.ndjson');
    await writeFile(file, '{"seq":1,"ts":1,"url":"/"}\n');
    const res = tmonCli(['import', '--all', '--in', file, '--data', dataDir]);
    assert.equal(res.status, 1);
    assert.match(res.stderr, /line 1: it is not a file of tmon export --all/);
  });
});
