/**
 * docs/opentelemetry.md's runnable example: the JSON export sent by hand
 * with real curl runs as written against a real tmon ($TOKEN an ingest
 * token, the page's address replaced by the test server's), prints what the
 * page says, and stores the event it describes. The page's other shell
 * blocks configure the reader's own service; each must say why it is not
 * run here (test/api/otlp-sdk.test.ts runs the SDK they configure).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ListeningTmon, startListeningTmon, storedEvents } from '../support/client-helpers.js';
import { codeBlocks, SHELL_LANGUAGES } from '../support/markdown-blocks.js';
import { addTestToken } from '../support/test-tmon.js';
import { REPO } from '../support/tmon-process.js';

const PAGE = 'docs/opentelemetry.md';
const PAGE_SERVER = 'https://tmon.example.com';

function runScript(script: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('bash', ['-c', script], { env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
    ),
  );
}

describe('the OpenTelemetry page examples', () => {
  let tmon: ListeningTmon;
  let markdown: string;

  before(async () => {
    // the example stamps its span with the machine's time: the server's clock is that time too
    tmon = await startListeningTmon({ now: Date.now() });
    markdown = await readFile(path.join(REPO, PAGE), 'utf8');
  });
  after(async () => {
    await tmon.close();
  });

  it('runs the hand-sent JSON export with curl, prints {} and stores its server span as an event', async () => {
    const runnable = codeBlocks(markdown, PAGE, SHELL_LANGUAGES).filter((block) => block.notRun === null);
    assert.equal(runnable.length, 1, 'the page has one shell example to run');
    const script = runnable[0]!.code.replaceAll(PAGE_SERVER, tmon.url);
    assert.notEqual(script, runnable[0]!.code, `the example sends to ${PAGE_SERVER}`);
    const token = await addTestToken(tmon.runtime, 'alice', 'ingest', tmon.service.id);
    const output = await runScript(script, { TOKEN: token });
    assert.equal(output.trim(), '{}');
    assert.match(markdown, /It prints `\{\}`: the event is stored\./);

    const [event] = await storedEvents(tmon, 10);
    assert.ok(event, 'the event is stored');
    assert.equal(event.url, '/cart');
    assert.equal(event.method, 'GET');
    assert.equal(event.status, 200);
    assert.equal(event.durationMs, 12);
    assert.equal(event.geo?.country, 'GB');
    assert.equal(event.agent.device, 'mobile');
    assert.deepEqual(event.extra, { 'service.name': 'shop', 'http.route': '/cart' });
  });

  it('says why each other shell block is not run', () => {
    for (const block of codeBlocks(markdown, PAGE, SHELL_LANGUAGES)) {
      if (block.notRun !== null) assert.ok(block.notRun.length > 10, `${PAGE}:${block.line} says why it is not run`);
    }
  });
});
