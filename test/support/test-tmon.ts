/**
 * A whole tmon (runtime + app) on a temp SQLite store, for injecting
 * requests: with a fake clock, an admin, a user "alice" and her service.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { AppLogger } from '../../src/log.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import type { Service, TokenScope } from '../../src/store/store.js';
import { FakeClock } from './fake-clock.js';
import { createTempSchema, TEST_DATABASE_URL } from './postgres-temp.js';

export const ALICE_PASSWORD = 'alice-password-1';
export const VECTOR_SECRET = '0cc175b9c0f1b6a831c399e269772661';

export interface TestTmon {
  app: FastifyInstance;
  runtime: Runtime;
  clock: FakeClock;
  service: Service;
  aliceToken: string;
  dataDir: string;
  close(): Promise<void>;
}

export interface TestTmonOptions {
  now?: number;
  env?: Record<string, string>;
  /** the app's logger (fastify's own at TMON_LOG_LEVEL=silent otherwise) */
  logger?: AppLogger;
  /** false: no collect socket front, node:http reads every connection */
  socketFront?: boolean;
}

/** A token of the named user (scope `admin` unless said: what a token could do before scopes), for tests. */
export async function addTestToken(
  runtime: Pick<Runtime, 'accounts'>,
  userName: string,
  scope: TokenScope = 'admin',
  serviceId: number | null = null,
): Promise<string> {
  const user = await runtime.accounts.requireUser(userName);
  const { token } = await runtime.accounts.addToken({ user, name: `test ${scope}`, scope, serviceId });
  return token;
}

export async function startTestTmon(options: TestTmonOptions = {}): Promise<TestTmon> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tmon-test-'));
  // `npm run test:api-postgres` (CI runs it) sets TMON_TEST_API_ON_POSTGRES: the API suites then run on
  // PostgreSQL, each tmon in a schema of its own; otherwise on SQLite
  const onPostgres = process.env.TMON_TEST_API_ON_POSTGRES === '1' && TEST_DATABASE_URL;
  const pgSchema = onPostgres ? await createTempSchema(onPostgres) : null;
  const database = pgSchema ? { TMON_DATABASE_URL: `${pgSchema.url}?schema=${pgSchema.schema}` } : {};
  const config = loadConfig(
    { data: dataDir },
    { TMON_LOG_LEVEL: 'silent', ...database, ...options.env },
    process.cwd(),
  );
  const clock = new FakeClock(options.now ?? Date.now());
  const runtime = await createRuntime(config, clock.read, { info() {}, error() {} });
  const app = await buildApp({
    ...runtime,
    ...(options.logger ? { logger: options.logger } : {}),
    collectSocketFront: options.socketFront ?? true,
  });
  await app.ready();
  await runtime.accounts.addUser('admin', 'admin-password-1', true);
  await runtime.accounts.addUser('alice', ALICE_PASSWORD, false);
  // id 1 and the test vectors' secret, so the protocols' test vectors (docs/protocol.md) are valid requests for it
  const service = await runtime.accounts.addService({ name: 'shop', ownerName: 'alice', id: 1, secret: VECTOR_SECRET });
  const aliceToken = await addTestToken(runtime, 'alice', 'admin');
  return {
    app,
    runtime,
    clock,
    service,
    aliceToken,
    dataDir,
    async close() {
      await app.close();
      await runtime.close();
      await pgSchema?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface InjectedSession {
  cookie: string;
  csrf: string;
}

/** Logs in through the form (injected) and returns the cookie header and the admin page's CSRF token. */
export async function injectLogin(tmon: TestTmon, name: string, password: string): Promise<InjectedSession> {
  const res = await tmon.app.inject({
    method: 'POST',
    url: '/login',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: `username=${encodeURIComponent(name)}&password=${encodeURIComponent(password)}`,
  });
  assert.equal(res.statusCode, 303, res.body);
  const cookie = `tmon_session=${res.cookies.find((c) => c.name === 'tmon_session')!.value}`;
  const page = await tmon.app.inject({ method: 'GET', url: '/admin', headers: { cookie } });
  const csrf = /<meta name="csrf-token" content="([^"]+)">/.exec(page.body)?.[1];
  assert.ok(csrf, 'the admin page carries a csrf-token meta (is the UI built? npm run build:ui)');
  return { cookie, csrf };
}
