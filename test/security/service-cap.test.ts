/**
 * At most TMON_MAX_SERVICES_PER_USER (default 100) services per user who is
 * not an admin (without a cap one user created 5,000 in 2.4 s). One more
 * answers 409 conflict saying why; admins are not capped, by the API or the
 * CLI.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { JSON_TYPE } from '../support/senders.js';
import { addTestToken, startTestTmon, type TestTmon } from '../support/test-tmon.js';
import { tmonCli } from '../support/tmon-process.js';

function createService(tmon: TestTmon, token: string, name: string) {
  return tmon.app.inject({
    method: 'POST',
    url: '/api/services',
    headers: { authorization: `Bearer ${token}`, ...JSON_TYPE },
    payload: JSON.stringify({ name }),
  });
}

async function ownedBy(tmon: TestTmon, userName: string): Promise<number> {
  const user = await tmon.runtime.accounts.requireUser(userName);
  return (await tmon.runtime.accountStore.listServices()).filter((s) => s.ownerId === user.id).length;
}

describe('the cap on services per user, by default', () => {
  let tmon: TestTmon;
  before(async () => {
    tmon = await startTestTmon();
  });
  after(() => tmon.close());

  it('answers 409 conflict to the 101st service of a user who is not an admin, saying why', async () => {
    // alice owns "shop" already (startTestTmon); 99 more make 100
    for (let i = 1; i < 100; i++) await tmon.runtime.accounts.addService({ name: `s${i}`, ownerName: 'alice' });
    assert.equal(await ownedBy(tmon, 'alice'), 100);
    const res = await createService(tmon, tmon.aliceToken, 'one-too-many');
    assert.equal(res.statusCode, 409, res.body);
    assert.equal(res.json().error, 'conflict');
    assert.match(res.json().message, /owns 100 services.*TMON_MAX_SERVICES_PER_USER=100.*remove one/);
    assert.equal(await ownedBy(tmon, 'alice'), 100);
  });
});

describe('the cap on services per user, set to 3', () => {
  let tmon: TestTmon;
  let bobToken: string;
  let adminToken: string;
  before(async () => {
    tmon = await startTestTmon({ env: { TMON_MAX_SERVICES_PER_USER: '3' } });
    await tmon.runtime.accounts.addUser('bob', 'bob-password-1', false);
    bobToken = await addTestToken(tmon.runtime, 'bob');
    adminToken = await addTestToken(tmon.runtime, 'admin');
  });
  after(() => tmon.close());

  it('answers 409 conflict beyond the cap, and a removed service frees its place', async () => {
    for (const name of ['b1', 'b2', 'b3']) assert.equal((await createService(tmon, bobToken, name)).statusCode, 201);
    const refused = await createService(tmon, bobToken, 'b4');
    assert.equal(refused.statusCode, 409);
    assert.match(refused.json().message, /TMON_MAX_SERVICES_PER_USER=3/);

    const b1 = (await tmon.runtime.accountStore.findServiceByName('b1'))!;
    await tmon.runtime.accounts.removeService(b1.id);
    assert.equal((await createService(tmon, bobToken, 'b4')).statusCode, 201);
  });

  it('holds the cap exactly against 30 creations sent at once: 3 created, 27 answered 409', async () => {
    await tmon.runtime.accounts.addUser('carol', 'carol-password-1', false);
    const carolToken = await addTestToken(tmon.runtime, 'carol');
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => createService(tmon, carolToken, `burst${i}`)),
    );
    const statuses = answers.map((res) => res.statusCode);
    assert.equal(statuses.filter((s) => s === 201).length, 3, JSON.stringify(statuses));
    assert.equal(statuses.filter((s) => s === 409).length, 27);
    assert.equal(await ownedBy(tmon, 'carol'), 3);
  });

  it('counts only services the user owns, not those shared with them', async () => {
    await tmon.runtime.accounts.addUser('dave', 'dave-password-1', false);
    const dave = await tmon.runtime.accounts.requireUser('dave');
    for (const name of ['b2', 'b3', 'b4']) {
      await tmon.runtime.accountStore.shareService(
        (await tmon.runtime.accountStore.findServiceByName(name))!.id,
        dave.id,
      );
    }
    const daveToken = await addTestToken(tmon.runtime, 'dave');
    assert.equal((await createService(tmon, daveToken, 'd1')).statusCode, 201);
  });

  it('does not cap an admin', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await createService(tmon, adminToken, `a${i}`)).statusCode, 201);
    assert.equal(await ownedBy(tmon, 'admin'), 5);
  });
});

describe('the cap on services per user, from the CLI', () => {
  let dataDir: string;
  const env = { TMON_MAX_SERVICES_PER_USER: '1' };
  const cli = (...args: string[]) => tmonCli([...args, '--data', dataDir], env);

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'tmon-service-cap-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  it('does not cap tmon service add for an admin owner, and refuses one too many for any other owner', () => {
    assert.equal(cli('user', 'add', 'boss', '--password', 'boss-password-1', '--admin').status, 0);
    assert.equal(cli('service', 'add', 'boss-one', '--owner', 'boss').status, 0);
    const second = cli('service', 'add', 'boss-two', '--owner', 'boss');
    assert.equal(second.status, 0, second.stderr);

    assert.equal(cli('user', 'add', 'erin', '--password', 'erin-password-1').status, 0);
    assert.equal(cli('service', 'add', 'erin-one', '--owner', 'erin').status, 0);
    const refused = cli('service', 'add', 'erin-two', '--owner', 'erin');
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /owns 1 service,.*TMON_MAX_SERVICES_PER_USER=1/);
  });
});
