/**
 * Across processes: a live stream open on process A ends within 5 s of a
 * change made through process B (docs/security.md, "Access that ends"), with
 * both on one PostgreSQL and one Redis. The cases are those run on one
 * process in test/security/. Runs when TMON_TEST_DATABASE_URL is set and
 * Redis answers; skips saying why otherwise.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { type AccessHarness, describeAccessEnding, loginAt } from '../support/access-cases.js';
import { createTempSchema, TEST_DATABASE_URL, type TempPostgresSchema } from '../support/postgres-temp.js';
import { redisMissing, TEST_REDIS_URL } from '../support/redis-probe.js';
import { suiteOrSkip } from '../support/suite-or-skip.js';
import { exited, type ServerProcess, startServer, tmonCli } from '../support/tmon-process.js';

async function missing(): Promise<string | false> {
  if (!TEST_DATABASE_URL) return 'set TMON_TEST_DATABASE_URL=postgres://… to run the multi-process tests';
  return redisMissing();
}

const skip = await missing();

suiteOrSkip('live streams whose access is taken away on another process (PostgreSQL + Redis)', skip, () => {
  let schema: TempPostgresSchema;
  let dataDir: string;
  let servers: ServerProcess[] = [];
  let harness: AccessHarness;

  before(async () => {
    schema = await createTempSchema(TEST_DATABASE_URL!);
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'tmon-access-'));
    const env = { TMON_DATABASE_URL: `${schema.url}?schema=${schema.schema}`, TMON_REDIS_URL: TEST_REDIS_URL };
    const cli = (...args: string[]) => {
      const res = tmonCli([...args, '--data', dataDir], env);
      assert.equal(res.status, 0, res.stderr);
      return res.stdout;
    };
    cli('user', 'add', 'root', '--password', 'root-password-1', '--admin');
    cli('user', 'add', 'owner', '--password', 'owner-password-1');
    const service = JSON.parse(cli('service', 'add', 'shop', '--owner', 'owner', '--json'));
    servers = [await startServer(dataDir, env), await startServer(dataDir, env)];
    const [a, b] = servers as [ServerProcess, ServerProcess];
    harness = {
      streamUrl: a.url,
      changeUrl: b.url,
      wsid: service.id,
      owner: await loginAt(b.url, 'owner', 'owner-password-1'),
      admin: await loginAt(b.url, 'root', 'root-password-1'),
      async expireToken(id) {
        await schema.query('UPDATE api_tokens SET expires_at = $1 WHERE id = $2', [Date.now() - 1, id]);
      },
    };
  });

  after(async () => {
    for (const server of servers) {
      if (server.child.exitCode === null && server.child.signalCode === null) {
        server.child.kill('SIGTERM');
        await exited(server.child);
      }
    }
    await schema?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  describeAccessEnding(() => harness);
});
