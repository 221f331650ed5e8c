/**
 * The Python client (clients/python, package `tmon-client`): pip installs
 * it into a fresh venv of Debian's python3 (no network, no build isolation:
 * this is the "installs with pip" check), then its unittest suite runs with
 * that venv's python against a real `tmon serve` started here. The suite
 * may stop and start that tmon (same port, same data) through a small
 * control server of this test, for its retry-across-a-restart case.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { freePort } from '../support/client-helpers.js';
import { runCommand } from '../support/run-command.js';
import { suiteOrSkip } from '../support/suite-or-skip.js';
import { VECTOR_SECRET } from '../support/test-tmon.js';
import { exited, REPO, type ServerProcess, startServer, tmonCli } from '../support/tmon-process.js';

/** Debian's interpreter: its python3-cryptography, -flask, -starlette and -uvicorn are what the suite imports */
const PYTHON = '/usr/bin/python3';
const PACKAGE = path.join(REPO, 'clients', 'python');

function missingNeed(): string | false {
  return existsSync(PYTHON) ? false : `${PYTHON} is missing (Debian's python3; .ci/run installs it)`;
}

suiteOrSkip('the Python client package (tmon-client)', missingNeed(), () => {
  let dir: string;
  let dataDir: string;
  let port: number;
  let server: ServerProcess | null = null;
  let control: http.Server;
  let controlUrl: string;
  let token: string;

  const stopTmon = async () => {
    if (server === null) return;
    server.child.kill('SIGTERM');
    await exited(server.child);
    server = null;
  };
  const startTmon = async () => {
    if (server === null) server = await startServer(dataDir, {}, port);
  };

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tmon-python-client-'));
    dataDir = path.join(dir, 'data');
    tmonCli(['user', 'add', 'owner', '--password', 'owner-password-1', '--data', dataDir]);
    // service 1 with the vectors' secret: the Gen 2 vector is then a valid request
    tmonCli([
      'service',
      'add',
      'vectors',
      '--owner',
      'owner',
      '--id',
      '1',
      '--secret',
      VECTOR_SECRET,
      '--data',
      dataDir,
    ]);
    const added = tmonCli(['token', 'add', '--user', 'owner', '--scope', 'admin', '--data', dataDir, '--json']);
    assert.equal(added.status, 0, added.stderr);
    token = (JSON.parse(added.stdout) as { token: string }).token;
    port = await freePort();
    await startTmon();
    control = http.createServer((req, res) => {
      const action = req.url === '/stop' ? stopTmon : req.url === '/start' ? startTmon : null;
      if (req.method !== 'POST' || action === null) {
        res.writeHead(404).end();
        return;
      }
      action().then(
        () => res.writeHead(200).end('ok'),
        (error: Error) => res.writeHead(500).end(error.message),
      );
    });
    await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
    controlUrl = `http://127.0.0.1:${(control.address() as { port: number }).port}`;
  });

  after(async () => {
    await new Promise((resolve) => control?.close(resolve));
    await stopTmon();
    await rm(dir, { recursive: true, force: true });
  });

  it('installs with pip into a fresh venv and passes its unittest suite against a real tmon', async () => {
    const venv = path.join(dir, 'venv');
    const made = await runCommand(PYTHON, ['-m', 'venv', '--system-site-packages', venv], {
      cwd: dir,
      timeoutMs: 120_000,
    });
    assert.equal(made.status, 0, `venv: ${made.stderr}`);
    // pip builds in the source tree (build/, *.egg-info): a copy keeps the checkout clean
    const source = path.join(dir, 'tmon-client');
    await cp(PACKAGE, source, { recursive: true, filter: (file) => !/__pycache__|\.egg-info|\/build$/.test(file) });
    const python = path.join(venv, 'bin', 'python');
    const installed = await runCommand(
      python,
      ['-m', 'pip', 'install', '--no-build-isolation', '--no-index', '--disable-pip-version-check', source],
      { cwd: dir, timeoutMs: 180_000 },
    );
    assert.equal(installed.status, 0, `pip install:\n${installed.stdout}\n${installed.stderr}`);
    assert.match(installed.stdout, /Successfully installed tmon-client-0\.1\.0/);

    const suite = await runCommand(python, ['-m', 'unittest', 'discover', '-v', '-s', 'tests', '-t', '.'], {
      cwd: PACKAGE,
      timeoutMs: 300_000,
      env: {
        ...process.env,
        PYTHONDONTWRITEBYTECODE: '1',
        // the installed package, never the checkout's src/
        PYTHONPATH: '',
        TMON_TEST_SERVER: `http://127.0.0.1:${port}`,
        TMON_TEST_TOKEN: token,
        TMON_TEST_CONTROL: controlUrl,
        TMON_TEST_VENV: venv,
      },
    });
    const ran = /^Ran (\d+) tests? in ([\d.]+)s$/m.exec(suite.stderr);
    console.log(
      `python tmon-client: ${ran ? `${ran[1]} tests in ${ran[2]} s` : 'no test count'}, exit ${suite.status}`,
    );
    assert.equal(suite.status, 0, `the Python suite failed:\n${suite.stderr.slice(-20_000)}`);
    assert.ok(ran && Number(ran[1]) > 0, `the Python suite ran no tests:\n${suite.stderr}`);
    assert.doesNotMatch(suite.stderr, /skipped/, 'every Python test ran (none skipped)');
  });
});
