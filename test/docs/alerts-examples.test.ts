/**
 * The webhook verifiers of docs/alerts.md, run as the page writes them (the
 * Node one with this Node, the Python one with Debian's /usr/bin/python3)
 * as real receivers of a running tmon: a signed test notification that tmon
 * sends them is accepted (204, handled once), and a tampered body, a wrong
 * secret or an old timestamp gets 401. The channel is made, moved, tested and
 * its delivery log read through the HTTP API, with the owner's token. The signed request they are fed by
 * hand is one tmon sent, caught on the way by a receiver of the test's own.
 * The page's other runnable blocks need a Slack workspace, and say so.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret, signWebhook } from '../../src/alerts/delivery/standard-webhooks.js';
import { type CodeBlock, codeBlocks } from '../support/markdown-blocks.js';
import { startTestTmon, type TestTmon } from '../support/test-tmon.js';
import { REPO } from '../support/tmon-process.js';

const PAGE = 'docs/alerts.md';
const PYTHON = '/usr/bin/python3';
const RUNNABLE = new Set(['sh', 'bash', 'shell', 'js', 'javascript', 'ts', 'python']);

interface Captured {
  headers: Record<string, string>;
  body: string;
}

/** A plain HTTP server that keeps every request (the test's own receiver, to catch what tmon signs). */
async function startCapture(): Promise<{ url: string; requests: Captured[]; close(): Promise<void> }> {
  const requests: Captured[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({
        headers: request.headers as Record<string, string>,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/capture`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function waitFor<T>(
  what: string,
  check: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  ms = 15_000,
): Promise<T> {
  const until = performance.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (performance.now() > until) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface RunningReceiver {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/** Starts a page's receiver (`command file`) with the secret and a free port, as the page says to run it. */
async function startPageReceiver(command: string, file: string, secret: string): Promise<RunningReceiver> {
  const child: ChildProcess = spawn(command, [file], {
    env: { ...process.env, WEBHOOK_SECRET: secret, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await waitFor(`${command} ${path.basename(file)} says where it listens:\n${output}`, () => {
    if (child.exitCode !== null) throw new Error(`${command} exited (${child.exitCode}):\n${output}`);
    return /receiver listening on port (\d+)/.exec(output)?.[1];
  });
  return {
    url: `http://127.0.0.1:${port}/tmon`,
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function post(url: string, headers: Record<string, string>, body: string): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  await response.arrayBuffer();
  return response.status;
}

function signedHeaders(captured: Captured): Record<string, string> {
  return {
    'webhook-id': captured.headers['webhook-id'] as string,
    'webhook-timestamp': captured.headers['webhook-timestamp'] as string,
    'webhook-signature': captured.headers['webhook-signature'] as string,
  };
}

/** One call of tmon's API as the service's owner; answers the status and the `results`. */
async function api(
  tmon: TestTmon,
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  payload?: object,
): Promise<{ status: number; results: Record<string, unknown> }> {
  const response = await tmon.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${tmon.aliceToken}` },
    ...(payload === undefined ? {} : { payload }),
  });
  const body = response.json() as { results?: Record<string, unknown> };
  return { status: response.statusCode, results: body.results ?? body };
}

interface ApiDelivery {
  id: number;
  status: string;
  last_status: number | null;
}

const lines = (text: string, needle: string) => text.split('\n').filter((line) => line.startsWith(needle)).length;

describe('docs/alerts.md examples', () => {
  let blocks: CodeBlock[];
  let tmon: TestTmon;
  let dir: string;

  before(async () => {
    blocks = codeBlocks(await readFile(path.join(REPO, PAGE), 'utf8'), PAGE);
    dir = await mkdtemp(path.join(os.tmpdir(), 'tmon-alerts-docs-'));
    tmon = await startTestTmon({ env: { TMON_ALERT_PRIVATE_TARGETS: '1' } });
  });

  after(async () => {
    await tmon?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** the page's block in `language` that verifies signatures */
  function verifier(language: string): CodeBlock {
    const found = blocks.filter((block) => block.language === language && block.code.includes('webhook-signature'));
    assert.equal(found.length, 1, `${PAGE} has one ${language} verifier`);
    const [block] = found as [CodeBlock];
    assert.equal(block.notRun, null, `${PAGE}:${block.line} is run by this test`);
    return block;
  }

  it('runs its verifiers and gives a reason for every other command', () => {
    const verifiers = [verifier('js'), verifier('python')];
    for (const block of blocks) {
      if (!RUNNABLE.has(block.language) || verifiers.includes(block)) continue;
      assert.ok(block.notRun, `${PAGE}:${block.line} (${block.language}) says why it is not run`);
    }
  });

  for (const [language, file, command] of [
    ['js', 'receiver.mjs', process.execPath],
    ['python', 'receiver.py', PYTHON],
  ] as const) {
    it(`the ${language} verifier accepts what tmon signs and refuses a tampered, wrongly signed or old request`, {
      skip: existsSync(command) ? false : `${command} is not installed`,
    }, async () => {
      const source = path.join(dir, file);
      await writeFile(source, verifier(language).code);
      const channels = `/api/services/${tmon.service.id}/channels`;

      // a test notification as tmon signs it, caught by the test's own receiver
      const capture = await startCapture();
      const made = await api(tmon, 'POST', channels, {
        name: `docs ${language}`,
        kind: 'webhook',
        target: capture.url,
      });
      assert.equal(made.status, 201, JSON.stringify(made));
      const channelId = (made.results.channel as { id: number }).id;
      const secret = made.results.secret as string;
      assert.equal((await api(tmon, 'POST', `${channels}/${channelId}/test`)).status, 202);
      const caught = await waitFor('tmon sends the test to the capture', () => capture.requests[0]);
      await capture.close();
      // the reference verifier agrees that it is genuine
      new Webhook(secret).verify(caught.body, signedHeaders(caught));

      const receiver = await startPageReceiver(command, source, secret);
      try {
        // tmon's own delivery to the page's receiver
        const moved = await api(tmon, 'PUT', `${channels}/${channelId}`, { target: receiver.url });
        assert.equal(moved.status, 200, JSON.stringify(moved));
        const test = await api(tmon, 'POST', `${channels}/${channelId}/test`);
        assert.equal(test.status, 202, JSON.stringify(test));
        const sent = test.results.delivery as ApiDelivery;
        const delivery = await waitFor("the delivery to the page's receiver settles", async () => {
          const log = await api(tmon, 'GET', `${channels}/${channelId}/deliveries`);
          const found = (log.results.deliveries as ApiDelivery[]).find((entry) => entry.id === sent.id);
          return found && found.status !== 'pending' ? found : null;
        });
        assert.equal(delivery.status, 'delivered', JSON.stringify(delivery));
        assert.equal(delivery.last_status, 204);
        await waitFor(`the receiver handles it:\n${receiver.output()}`, () =>
          receiver.output().includes('alert.test: shop: a test notification from tmon'),
        );
        assert.equal(lines(receiver.output(), 'alert.test: '), 1, receiver.output());

        // the caught request, byte for byte: accepted and handled; sent again (a retry): accepted, not handled twice
        assert.equal(await post(receiver.url, signedHeaders(caught), caught.body), 204);
        assert.equal(await post(receiver.url, signedHeaders(caught), caught.body), 204);
        await waitFor('the receiver handles the caught request', () => lines(receiver.output(), 'alert.test: ') >= 2);
        // the same, tampered with: one character of the body changed
        const tampered = caught.body.replace('"alert.test"', '"alert.fired"');
        assert.notEqual(tampered, caught.body);
        assert.equal(await post(receiver.url, signedHeaders(caught), tampered), 401);
        // signed with another channel's secret
        const fresh = { messageId: 'msg_docs_other', at: Date.now(), body: caught.body };
        assert.equal(
          await post(receiver.url, { ...signWebhook({ ...fresh, secret: generateWebhookSecret() }) }, caught.body),
          401,
        );
        // signed right, but 10 minutes ago
        const old = signWebhook({ ...fresh, messageId: 'msg_docs_old', at: Date.now() - 600_000, secret });
        assert.equal(await post(receiver.url, { ...old }, caught.body), 401);
        // no signature at all
        assert.equal(await post(receiver.url, {}, caught.body), 401);
        // the wrong secret, the old timestamp and the unsigned one were never handled
        assert.equal(lines(receiver.output(), 'alert.test: '), 2, receiver.output());
      } finally {
        await receiver.stop();
      }
    });
  }
});
