/** The examples of docs/protocol.md run, as written, against a real tmon (Go is not installed here: not run). */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ListeningTmon, startListeningTmon, storedEvents } from '../support/client-helpers.js';
import { addTestToken } from '../support/test-tmon.js';
import { REPO } from '../support/tmon-process.js';

/** The code block after `<!-- example: NAME -->`. */
function example(markdown: string, name: string): string {
  const match = new RegExp(`<!-- example: ${name} -->\\s*\`\`\`\\w+\\n([\\s\\S]*?)\`\`\``).exec(markdown);
  assert.ok(match, `docs/protocol.md has the ${name} example`);
  return match[1]!;
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(command, args, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
    ),
  );
}

describe('the protocol page examples', () => {
  let tmon: ListeningTmon;
  let markdown: string;

  const pythonFor = (name: string) =>
    example(markdown, name)
      .replace(/^SERVER = .*$/m, `SERVER = "${tmon.url}"`)
      .replace(/^WSID = .*$/m, `WSID = ${tmon.service.id}`)
      .replace(/^SECRET = .*$/m, `SECRET = "${tmon.service.secret}"`);
  const count = async () => (await storedEvents(tmon)).length;

  before(async () => {
    tmon = await startListeningTmon();
    markdown = await readFile(path.join(REPO, 'docs', 'protocol.md'), 'utf8');
  });
  after(() => tmon.close());

  it('runs the Python Gen 2 example (standard library) and stores its event', async () => {
    const before = await count();
    // asynchronously: the server answering it runs in this same process
    const output = await run('python3', ['-c', pythonFor('python-gen2')]);
    assert.equal(output.trim(), "200 {'status': 200, 'status_code': 200, 'accepted': 1}");
    assert.equal(await count(), before + 1);
    const [event] = await storedEvents(tmon, 1);
    assert.deepEqual({ url: event?.url, username: event?.username }, { url: '/checkout', username: 'ann' });
  });

  it('runs the Python v2 example (cryptography) and stores its batch', async () => {
    const before = await count();
    const output = await run('python3', ['-W', 'error', '-c', pythonFor('python-v2')]);
    assert.equal(output.trim(), "200 {'status': 200, 'status_code': 200, 'accepted': 2}");
    assert.equal(await count(), before + 2);
  });

  it('runs the Python Gen 1 example (cryptography) and stores its event', async () => {
    const before = await count();
    const output = await run('python3', ['-W', 'error', '-c', pythonFor('python-gen1')]);
    assert.equal(output.trim(), "200 {'status': 200, 'status_code': 200, 'accepted': 1}");
    assert.equal(await count(), before + 1);
  });

  it('runs the Gen 2 shell example with openssl and curl', async () => {
    const script = example(markdown, 'shell-gen2')
      .replace(/^SERVER=.*$/m, `SERVER=${tmon.url}`)
      .replace(/^WSID=.*$/m, `WSID=${tmon.service.id}`)
      .replace(/^SECRET=.*$/m, `SECRET='${tmon.service.secret}'`);
    const output = await run('bash', ['-c', script]);
    assert.deepEqual(JSON.parse(output), { status: 200, status_code: 200, accepted: 1 });
  });

  it('runs the bearer batch shell example with curl, twice, storing its events once', async () => {
    const token = await addTestToken(tmon.runtime, 'alice', 'ingest', tmon.service.id);
    const script = example(markdown, 'shell-bearer')
      .replace(/^SERVER=.*$/m, `SERVER=${tmon.url}`)
      .replace(/^TOKEN=.*$/m, `TOKEN='${token}'`);
    const before = await count();
    for (const time of [1, 2]) {
      const output = await run('bash', ['-c', script]);
      assert.deepEqual(JSON.parse(output), { status: 200, status_code: 200, accepted: 2 }, `run ${time}`);
      assert.equal(await count(), before + 2, `run ${time}`);
    }
  });

  it('keeps the Go example on the protocol: same key derivation, nonce size, AAD and body fields', () => {
    const go = example(markdown, 'go-v2');
    assert.match(go, /hkdf\.Key\(sha256\.New, \[\]byte\(secret\), nil, "tmon v2", 32\)/);
    assert.match(go, /fmt\.Sprintf\("tmon:v2:%d", wsid\)/);
    assert.match(go, /"sent_at": time\.Now\(\)\.UnixMilli\(\)/);
    assert.match(go, /"v": 2, "wsid": wsid/);
  });
});
