/**
 * contrib/Caddyfile works as written: Caddy in front of a real tmon on
 * 127.0.0.1 answers over TLS, passes collect requests and the client's
 * scheme, and the live stream frame by frame. Skipped, saying so, where
 * Caddy is not installed.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startCaddy, writeCaddyConfig } from '../support/caddy-front.js';
import { httpsRequest } from '../support/https-requests.js';
import { findProgram, freePort } from '../support/local-programs.js';
import { expectCollectThrough, expectLiveFrameThrough, expectSecureLoginCookie } from '../support/proxy-checks.js';
import { VECTOR_SECRET } from '../support/test-tmon.js';
import { exited, type ServerProcess, startServer, tmonCli } from '../support/tmon-process.js';

const CADDY = findProgram('caddy');
const SKIP_CADDY = CADDY === null ? "caddy is not installed (Debian's caddy package)" : false;
const ALICE_PASSWORD = 'alice-password-1';

describe('contrib/Caddyfile in front of tmon', () => {
  let dir: string;
  let tmon: ServerProcess | undefined;
  let caddy: ChildProcess | undefined;
  let base: string;
  let token: string;

  before(async () => {
    if (CADDY === null) return;
    dir = await mkdtemp(path.join(os.tmpdir(), 'tmon-caddy-'));
    const data = path.join(dir, 'data');
    for (const args of [
      ['user', 'add', 'alice', '--password', ALICE_PASSWORD],
      ['service', 'add', 'shop', '--owner', 'alice', '--id', '1', '--secret', VECTOR_SECRET],
    ]) {
      const result = tmonCli([...args, '--data', data]);
      assert.equal(result.status, 0, result.stderr);
    }
    const made = tmonCli(['token', 'add', '--user', 'alice', '--scope', 'read', '--json', '--data', data]);
    assert.equal(made.status, 0, made.stderr);
    token = (JSON.parse(made.stdout) as { token: string }).token;

    tmon = await startServer(data, { TMON_TRUST_PROXY: '127.0.0.1' });
    const ports = { https: await freePort(), http: await freePort(), upstream: Number(new URL(tmon.url).port) };
    const config = await writeCaddyConfig(dir, ports);
    caddy = await startCaddy(CADDY, dir, config, ports.https);
    base = `https://127.0.0.1:${ports.https}`;
  });

  after(async () => {
    if (caddy && caddy.exitCode === null) {
      caddy.kill('SIGTERM');
      await exited(caddy);
    }
    if (tmon) {
      tmon.child.kill('SIGTERM');
      await exited(tmon.child);
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('answers /healthz over https and passes a v2 collect request', { skip: SKIP_CADDY }, async () => {
    assert.equal((await httpsRequest(`${base}/healthz`)).status, 200);
    await expectCollectThrough(base, '/via-caddy');
  });

  it('tells tmon the request was https: a login gets a Secure cookie', { skip: SKIP_CADDY }, async () => {
    await expectSecureLoginCookie(base, 'alice', ALICE_PASSWORD);
  });

  it("delivers a new event's live frame through Caddy within 1 s (no buffering)", { skip: SKIP_CADDY }, async () => {
    await expectLiveFrameThrough(base, token, `/live-through-caddy-${Date.now()}`);
  });
});
