/**
 * Every curl example of docs/api.md runs, in the page's order, with real curl
 * against a real tmon: $TMON, $TOKEN (an admin's admin token) and $PASSWORD
 * set as the page tells its readers to. Each answer must have the status and
 * the shape of the example answer shown under it: every field shown is sent,
 * with a value of the same type (the page trims arrays and long values).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ListeningTmon, startListeningTmon } from '../support/client-helpers.js';
import { IPHONE_UA, JSON_TYPE, v2Body, WINDOWS_CHROME_UA } from '../support/senders.js';
import { addTestToken, VECTOR_SECRET } from '../support/test-tmon.js';
import { REPO } from '../support/tmon-process.js';

const ADMIN_PASSWORD = 'admin-password-1';

interface Example {
  name: string;
  script: string;
  /** the answer shown under it, in a json or text block */
  answer: { language: 'json' | 'text'; text: string };
}

/** Each `<!-- example: NAME -->` sh block and the answer block after it. */
function examples(markdown: string): Example[] {
  const pattern = /<!-- example: (\S+) -->\s*```sh\n([\s\S]*?)```\s*```(json|text)\n([\s\S]*?)```/g;
  return [...markdown.matchAll(pattern)].map((m) => ({
    name: m[1]!,
    script: m[2]!,
    answer: { language: m[3] as 'json' | 'text', text: m[4]!.trim() },
  }));
}

/** Runs a script with bash; `curl --max-time` ending a stream (exit 28) is how the live example stops. */
function runScript(script: string, cwd: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('bash', ['-c', script], { cwd, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      if (error && !(error.code === 28 && stdout)) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(stdout);
    }),
  );
}

/** `shown` is a trimmed copy of `sent`: each field shown is sent with a value of the same kind. */
function assertSameShape(sent: unknown, shown: unknown, where: string): void {
  if (Array.isArray(shown)) {
    assert.ok(Array.isArray(sent), `${where} is an array`);
    if (shown.length > 0 && sent.length > 0) assertSameShape(sent[0], shown[0], `${where}[0]`);
    return;
  }
  if (shown !== null && typeof shown === 'object') {
    assert.ok(sent !== null && typeof sent === 'object', `${where} is an object`);
    for (const [key, value] of Object.entries(shown)) {
      assert.ok(Object.hasOwn(sent, key), `${where}.${key} is sent`);
      assertSameShape((sent as Record<string, unknown>)[key], value, `${where}.${key}`);
    }
    return;
  }
  // a value shown as null may be a value in the run (a trimmed example), never the other way round
  if (shown !== null) assert.equal(typeof sent, typeof shown, `${where}: ${JSON.stringify(sent)}`);
}

describe('the API page examples', () => {
  let tmon: ListeningTmon;
  let markdown: string;
  let dir: string;
  let env: Record<string, string>;

  before(async () => {
    tmon = await startListeningTmon();
    const now = tmon.clock.read();
    const events = [
      ...['a-1', 'a-2', 'a-3'].map((id) => ({ url: '/home', ip: '8.8.8.8', useragent: WINDOWS_CHROME_UA, id })),
      { url: '/cart', ip: '81.2.69.142', useragent: IPHONE_UA, id: 'c-1', method: 'GET', status: 200, duration_ms: 12 },
    ];
    const sent = await tmon.app.inject({
      method: 'POST',
      url: '/data/collect',
      headers: JSON_TYPE,
      payload: v2Body(tmon.service.id, VECTOR_SECRET, events, now),
    });
    assert.equal(sent.statusCode, 200, sent.body);
    env = {
      TMON: tmon.url,
      TOKEN: await addTestToken(tmon.runtime, 'admin', 'admin'),
      PASSWORD: ADMIN_PASSWORD,
    };
    markdown = await readFile(path.join(REPO, 'docs', 'api.md'), 'utf8');
    dir = await mkdtemp(path.join(os.tmpdir(), 'tmon-api-docs-'));
  });
  after(async () => {
    await tmon.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('marks every curl example, so each one below is run', () => {
    const curlBlocks = [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].filter((m) => m[1]!.includes('curl'));
    assert.equal(examples(markdown).length, curlBlocks.length);
    assert.ok(curlBlocks.length >= 20, `${curlBlocks.length} examples`);
  });

  it('runs each example, in order, and gets the answer the page shows', async (t) => {
    for (const example of examples(markdown)) {
      await t.test(example.name, async () => {
        assert.match(example.script, /\$TMON\//, 'the example uses $TMON');
        const output = await runScript(example.script, dir, env);
        if (example.answer.language === 'text') {
          // the lines shown, in order; a line trimmed with … starts the same
          const lines = output.split('\n');
          example.answer.text.split('\n').forEach((line, i) => {
            const [start = ''] = line.split('…');
            assert.ok(lines[i]?.startsWith(start) && (line.includes('…') || lines[i] === line), output.slice(0, 300));
          });
          return;
        }
        const shown = JSON.parse(example.answer.text.replaceAll('…', '')) as { status: number };
        const answer = JSON.parse(output) as { status: number };
        assert.equal(answer.status, shown.status, output.slice(0, 300));
        assertSameShape(answer, shown, example.name);
      });
    }
  });
});
