/** The examples on the documentation page (docs/index.md) run, as written, against a real tmon. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestTmon, type TestTmon } from '../support/test-tmon.js';
import { REPO } from '../support/tmon-process.js';

function codeBlock(markdown: string, language: string): string {
  const match = new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``).exec(markdown);
  assert.ok(match, `docs/index.md has a ${language} example`);
  return match[1]!;
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(command, args, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
    ),
  );
}

describe('the documentation page examples', () => {
  let tmon: TestTmon;
  let server: string;
  let dir: string;
  let markdown: string;

  before(async () => {
    tmon = await startTestTmon();
    await tmon.app.listen({ port: 0, host: '127.0.0.1' });
    const address = tmon.app.server.address();
    server = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    dir = await mkdtemp(path.join(os.tmpdir(), 'tmon-docs-'));
    markdown = await readFile(path.join(REPO, 'docs', 'index.md'), 'utf8');
  });
  after(async () => {
    await tmon.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs the Node.js v2 example and stores its event', async () => {
    const script = codeBlock(markdown, 'js')
      .replace(/const server = '.*';/, `const server = '${server}';`)
      .replace(/const wsid = \d+;/, `const wsid = ${tmon.service.id};`)
      .replace(/const secret = '.*';/, `const secret = '${tmon.service.secret}';`);
    const file = path.join(dir, 'send.mjs');
    await writeFile(file, script);
    const before = await tmon.runtime.eventStore.countEvents(tmon.service.id);
    // asynchronously: the server answering the example runs in this same process
    const output = await run(process.execPath, [file]);
    assert.match(output, /^200 \{ status: 200, status_code: 200, accepted: 1 \}/);
    assert.equal(await tmon.runtime.eventStore.countEvents(tmon.service.id), before + 1);
  });

  it('runs the Gen 2 shell example with openssl and curl', async () => {
    const script = codeBlock(markdown, 'sh')
      .replace(/^SERVER=.*$/m, `SERVER=${server}`)
      .replace(/^WSID=.*$/m, `WSID=${tmon.service.id}`)
      .replace(/^SECRET=.*$/m, `SECRET='${tmon.service.secret}'`);
    const output = await run('bash', ['-c', script]);
    assert.deepEqual(JSON.parse(output), { status: 200, status_code: 200, accepted: 1 });
  });
});
