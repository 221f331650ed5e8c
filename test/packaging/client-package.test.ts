/**
 * @tmon/client as an application installs it today: `npm pack` in
 * clients/node (prepack compiles it), `npm install` of the tarball into an
 * empty app. The app sends an event from an ES module (`import`) and from a
 * CommonJS file (`require()`) to a running tmon, and TypeScript finds the
 * declarations for both.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ListeningTmon, startListeningTmon, storedIdCounts } from '../support/client-helpers.js';
import { npm, npmPack, type PackedTarball } from '../support/npm-package.js';
import { describeResult, runCommand } from '../support/run-command.js';
import { REPO } from '../support/tmon-process.js';

const NPM_TIMEOUT_MS = 3 * 60_000;

/**
 * One event sent with send(), which resolves with tmon's answer: the app
 * exits once it is stored. It prints the file it loaded: Node 20 can
 * require() an ES module too, so the test checks that each kind of app gets
 * the build made for it.
 */
const ESM_APP = `import { TmonClient } from '@tmon/client';
const [server, wsid, secret, id] = process.argv.slice(2);
const tmon = new TmonClient({ server, wsid: Number(wsid), secret, exitHooks: false });
const answer = await tmon.send({ url: '/from-esm', ip: '81.2.69.142', useragent: 'client-package esm', id });
await tmon.close();
console.log(answer.status, import.meta.resolve('@tmon/client'));
`;

const CJS_APP = `const { TmonClient } = require('@tmon/client');
const [server, wsid, secret, id] = process.argv.slice(2);
const tmon = new TmonClient({ server, wsid: Number(wsid), secret, exitHooks: false });
tmon
  .send({ url: '/from-cjs', ip: '81.2.69.142', useragent: 'client-package cjs', id })
  .then(async (answer) => {
    await tmon.close();
    console.log(answer.status, require.resolve('@tmon/client'));
  });
`;

const MTS_CHECK = `import { TmonClient, type TmonEvent } from '@tmon/client';
const event: TmonEvent = { url: '/typed', ip: '81.2.69.142', useragent: 'typed' };
new TmonClient({ server: 'http://127.0.0.1:8000', wsid: 1, secret: 'x'.repeat(32) }).track(event);
`;

const CTS_CHECK = `import tmon = require('@tmon/client');
const event: tmon.TmonEvent = { url: '/typed', ip: '81.2.69.142', useragent: 'typed' };
new tmon.TmonClient({ server: 'http://127.0.0.1:8000', wsid: 1, secret: 'x'.repeat(32) }).track(event);
`;

describe('@tmon/client installed from its npm tarball', { timeout: 8 * 60_000 }, () => {
  let work: string;
  let appDir: string;
  let tarball: PackedTarball;
  let tmon: ListeningTmon;

  const runApp = (file: string, id: string) =>
    runCommand(process.execPath, [file, tmon.url, String(tmon.service.id), tmon.service.secret, id], {
      cwd: appDir,
      timeoutMs: 30_000,
    });

  before(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'tmon-client-package-'));
    appDir = path.join(work, 'app');
    const packs = path.join(work, 'packs');
    await Promise.all([mkdir(appDir), mkdir(packs)]);
    tarball = await npmPack(path.join(REPO, 'clients', 'node'), packs, NPM_TIMEOUT_MS);
    console.log(`${path.basename(tarball.file)}: ${(tarball.bytes / 1024).toFixed(0)} KiB`);
    await writeFile(path.join(appDir, 'package.json'), '{ "name": "client-app", "private": true }\n');
    const install = await npm(
      ['install', '--no-audit', '--no-fund', '--offline', tarball.file],
      appDir,
      NPM_TIMEOUT_MS,
    );
    assert.equal(install.status, 0, describeResult(install));
    await Promise.all([
      writeFile(path.join(appDir, 'send.mjs'), ESM_APP),
      writeFile(path.join(appDir, 'send.cjs'), CJS_APP),
      writeFile(path.join(appDir, 'check.mts'), MTS_CHECK),
      writeFile(path.join(appDir, 'check.cts'), CTS_CHECK),
    ]);
    tmon = await startListeningTmon();
  });
  after(async () => {
    await tmon?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('sends an event from an ES module that imports it', async () => {
    const result = await runApp('send.mjs', 'package-esm-1');
    assert.equal(result.status, 0, describeResult(result));
    assert.match(result.stdout, /^200 file:\/\/\S+\/node_modules\/@tmon\/client\/dist\/esm\/index\.js\n$/);
    assert.equal((await storedIdCounts(tmon)).get('package-esm-1'), 1);
  });

  it('sends an event from a CommonJS file that requires it', async () => {
    const result = await runApp('send.cjs', 'package-cjs-1');
    assert.equal(result.status, 0, describeResult(result));
    assert.match(result.stdout, /^200 \/\S+\/node_modules\/@tmon\/client\/dist\/cjs\/index\.js\n$/);
    assert.equal((await storedIdCounts(tmon)).get('package-cjs-1'), 1);
  });

  it('gives TypeScript its declarations from import and from require()', async () => {
    // the repository's own compiler and Node types: the app installs only the client
    const tsc = path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
    const options = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext'];
    const types = ['--types', 'node', '--typeRoots', path.join(REPO, 'node_modules', '@types')];
    const result = await runCommand(process.execPath, [tsc, ...options, ...types, 'check.mts', 'check.cts'], {
      cwd: appDir,
      timeoutMs: 60_000,
    });
    assert.equal(result.status, 0, describeResult(result));
  });
});
