/**
 * contrib/nginx/tmon.conf works as written: nginx accepts it (`nginx -t`),
 * and in front of a real tmon on 127.0.0.1 it answers over TLS, passes
 * collect requests, the client's scheme and host, and the live stream frame
 * by frame (no buffering). contrib/tmon.service passes `systemd-analyze verify`.
 * Where nginx or systemd-analyze is missing the tests are skipped, and say so.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { httpsRequest } from '../support/https-requests.js';
import { findProgram, freePort } from '../support/local-programs.js';
import {
  checkNginxConfig,
  makeSelfSignedCertificate,
  type NginxPorts,
  startNginx,
  writeNginxConfig,
} from '../support/nginx-front.js';
import { expectCollectThrough, expectLiveFrameThrough, expectSecureLoginCookie } from '../support/proxy-checks.js';
import { VECTOR_SECRET } from '../support/test-tmon.js';
import { exited, REPO, type ServerProcess, startServer, tmonCli } from '../support/tmon-process.js';

const NGINX = findProgram('nginx');
const OPENSSL = findProgram('openssl');
const SKIP_NGINX =
  NGINX === null
    ? "nginx is not installed (.ci/run installs Debian's nginx-light)"
    : OPENSSL === null
      ? 'openssl is not installed (it makes the test certificate)'
      : false;
const SYSTEMD_ANALYZE = findProgram('systemd-analyze');

const ALICE_PASSWORD = 'alice-password-1';

describe('contrib/nginx/tmon.conf in front of tmon', () => {
  let dir: string;
  let tmon: ServerProcess | undefined;
  let nginx: ChildProcess | undefined;
  let config: string;
  let ports: NginxPorts;
  let base: string;
  let token: string;

  before(async () => {
    if (SKIP_NGINX !== false || NGINX === null) return;
    dir = await mkdtemp(path.join(os.tmpdir(), 'tmon-nginx-'));
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

    // the proxy is the only peer tmon believes X-Forwarded-* from, as contrib/tmon.conf.example sets it
    tmon = await startServer(data, { TMON_TRUST_PROXY: '127.0.0.1' });
    const upstream = Number(new URL(tmon.url).port);
    ports = { https: await freePort(), http: await freePort(), upstream };
    config = await writeNginxConfig(dir, ports, makeSelfSignedCertificate(dir));
    checkNginxConfig(NGINX, dir, config);
    nginx = await startNginx(NGINX, dir, config, ports.https);
    base = `https://127.0.0.1:${ports.https}`;
  });

  after(async () => {
    if (nginx && nginx.exitCode === null) {
      nginx.kill('SIGTERM');
      await exited(nginx);
    }
    if (tmon) {
      tmon.child.kill('SIGTERM');
      await exited(tmon.child);
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is accepted by nginx -t', { skip: SKIP_NGINX }, () => {
    assert.ok(NGINX);
    // before() ran it too, but a refusal there reads as a failed hook; here it is this test's finding
    assert.doesNotThrow(() => checkNginxConfig(NGINX, dir, config));
  });

  it('answers /healthz over https', { skip: SKIP_NGINX }, async () => {
    const answer = await httpsRequest(`${base}/healthz`);
    assert.equal(answer.status, 200, answer.body);
  });

  it('redirects plain http to https', { skip: SKIP_NGINX }, async () => {
    const answer = await fetch(`http://127.0.0.1:${ports.http}/healthz`, { redirect: 'manual' });
    assert.equal(answer.status, 301);
    assert.match(answer.headers.get('location') ?? '', /^https:\/\//);
  });

  it('passes a v2 collect request through', { skip: SKIP_NGINX }, async () => {
    await expectCollectThrough(base, '/via-nginx');
  });

  it('tells tmon the request was https: a login gets a Secure cookie (X-Forwarded-Proto, Host)', {
    skip: SKIP_NGINX,
  }, async () => {
    await expectSecureLoginCookie(base, 'alice', ALICE_PASSWORD);
  });

  it("delivers a new event's live frame through nginx within 1 s (no buffering)", { skip: SKIP_NGINX }, async () => {
    await expectLiveFrameThrough(base, token, `/live-through-nginx-${Date.now()}`);
  });
});

describe('contrib/tmon.service', () => {
  it('passes systemd-analyze verify', {
    skip: SYSTEMD_ANALYZE === null ? 'systemd-analyze is not installed (systemd is not on this machine)' : false,
  }, () => {
    assert.ok(SYSTEMD_ANALYZE);
    const unit = path.join(REPO, 'contrib/tmon.service');
    const result = spawnSync(SYSTEMD_ANALYZE, ['verify', unit], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(result.status, 0, result.stderr);
    // it reports unknown keys and bad values as warnings, with exit code 0: any line about the unit fails the test
    const aboutUnit = result.stderr.split('\n').filter((line) => line.includes('tmon.service'));
    assert.deepEqual(aboutUnit, []);
  });
});
