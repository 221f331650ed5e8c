/** The batch sender and queue of tmon logs against a real tmon, a proxy in front of it that is briefly unavailable, and no server. */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { BatchQueue } from '../../src/cli/logs/batch-queue.js';
import { BatchNotSent, type OutgoingEvent, sendBatch } from '../../src/cli/logs/batch-sender.js';
import { countingFetch, freePort, type ListeningTmon, startListeningTmon } from '../support/client-helpers.js';
import { addTestToken } from '../support/test-tmon.js';

function events(count: number, now: number, prefix: string): OutgoingEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    json: JSON.stringify({
      url: `/e/${i}`,
      ip: '81.2.69.142',
      useragent: 'test',
      ts: now - 1_000,
      id: `${prefix}-${i}`,
    }),
    line: { source: 'access.log', line: i + 1 },
  }));
}

describe('the batch sender of tmon logs', () => {
  let tmon: ListeningTmon;
  let token: string;

  before(async () => {
    tmon = await startListeningTmon();
    token = await addTestToken(tmon.runtime, 'alice', 'ingest', tmon.service.id);
  });

  after(async () => {
    await tmon.close();
  });

  it('sends a batch in one request and answers what tmon accepted', async () => {
    const counting = countingFetch();
    const result = await sendBatch(events(20, tmon.clock.read(), 'one'), {
      server: tmon.url,
      token,
      giveUpAfterMs: 5_000,
      fetch: counting.fetch,
    });
    assert.deepEqual(result, { accepted: 20, refused: [] });
    assert.equal(counting.calls(), 1);
  });

  it('gzips a batch for a tmon on another host, and sends it plain to one on this host', async () => {
    const sent: { host: string; encoding: string | null }[] = [];
    const recording: typeof fetch = (input, init) => {
      const target = new URL(String(input));
      sent.push({ host: target.hostname, encoding: new Headers(init?.headers).get('content-encoding') });
      // the other host is this tmon under another name: the request itself goes to it
      target.hostname = new URL(tmon.url).hostname;
      return fetch(target, init);
    };
    const port = new URL(tmon.url).port;
    for (const server of [
      `http://tmon.example:${port}`,
      `http://localhost:${port}`,
      `http://[::1]:${port}`,
      tmon.url,
    ]) {
      const result = await sendBatch(events(3, tmon.clock.read(), `host-${sent.length}`), {
        server,
        token,
        giveUpAfterMs: 5_000,
        fetch: recording,
      });
      assert.equal(result.accepted, 3);
    }
    assert.deepEqual(
      sent.map((request) => request.encoding),
      ['gzip', null, null, null],
    );
  });

  it('takes out the event tmon refuses, names its line, and sends the rest', async () => {
    const batch = events(5, tmon.clock.read(), 'drop');
    const tooLarge = JSON.parse(batch[3]!.json);
    tooLarge.note = 'x'.repeat(5_000);
    batch[3] = { json: JSON.stringify(tooLarge), line: batch[3]!.line };
    const before = await tmon.runtime.eventStore.countEvents(tmon.service.id);
    const result = await sendBatch(batch, { server: tmon.url, token, giveUpAfterMs: 5_000 });
    assert.equal(result.accepted, 4);
    assert.equal(result.refused.length, 1);
    assert.deepEqual(result.refused[0]!.line, { source: 'access.log', line: 4 });
    assert.match(result.refused[0]!.message, /extra properties exceed 4096 bytes/);
    assert.equal(await tmon.runtime.eventStore.countEvents(tmon.service.id), before + 4);
  });

  it('stops at the first answer when tmon refuses the token, without retrying', async () => {
    const counting = countingFetch();
    await assert.rejects(
      sendBatch(events(3, tmon.clock.read(), 'bad'), {
        server: tmon.url,
        token: 'tmon_wrong',
        giveUpAfterMs: 60_000,
        fetch: counting.fetch,
      }),
      (error: unknown) =>
        error instanceof BatchNotSent &&
        error.kind === 'refused' &&
        /^tmon refused the token \(401 /.test(error.message),
    );
    assert.equal(counting.calls(), 1);
  });

  it('waits as long as a 503 Retry-After says, then gets through', async () => {
    // a proxy in front of tmon that answers 503 once (tmon restarting behind it), then passes requests on
    let refusedOnce = false;
    const target = new URL(tmon.url);
    const proxy = http.createServer((req, res) => {
      if (!refusedOnce) {
        refusedOnce = true;
        req.resume();
        res.writeHead(503, { 'retry-after': '1', 'content-type': 'text/html' }).end('<h1>503 Service Unavailable</h1>');
        return;
      }
      const upstream = http.request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const retries: string[] = [];
    try {
      const started = performance.now();
      const result = await sendBatch(events(10, tmon.clock.read(), 'proxied'), {
        server: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
        token,
        giveUpAfterMs: 10_000,
        onRetry: (reason) => retries.push(reason),
      });
      assert.equal(result.accepted, 10);
      assert.ok(performance.now() - started >= 1_000, 'waited the second Retry-After asked for');
      assert.deepEqual(retries, ['tmon answered 503 not_tmon: <h1>503 Service Unavailable</h1>']);
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it('gives up on a server nobody answers for once its time is up, saying why', async () => {
    const server = `http://127.0.0.1:${await freePort()}`;
    const started = performance.now();
    await assert.rejects(
      sendBatch(events(1, tmon.clock.read(), 'nobody'), { server, token, giveUpAfterMs: 1_500 }),
      (error: unknown) =>
        error instanceof BatchNotSent &&
        error.kind === 'unreachable' &&
        new RegExp(`^cannot reach ${server}: connection refused \\(\\d+ tries in \\d\\.\\d s\\)$`).test(error.message),
    );
    assert.ok(performance.now() - started < 1_500, 'no wait that would end after the time is up');
  });

  it('stops the batches still retrying once one batch fails for good, and reports that one', async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const acknowledged: string[] = [];
    const queue = new BatchQueue(
      (batch, signal) => {
        const json = batch[0]!.json;
        const server = json.includes('"unreachable-') ? nobody : tmon.url;
        const as = json.includes('"first-') || server === nobody ? token : 'tmon_wrong';
        return sendBatch(batch, { server, token: as, giveUpAfterMs: 60_000, signal });
      },
      3,
      (batch) => acknowledged.push(batch[0]!.json),
    );
    // the first batch goes alone: the others overlap only once tmon has answered it
    await queue.add(events(1, tmon.clock.read(), 'first'));
    const started = performance.now();
    await queue.add(events(1, tmon.clock.read(), 'unreachable'));
    // let the second batch meet the closed port and start waiting to retry
    await new Promise((resolve) => setTimeout(resolve, 200));
    await queue.add(events(1, tmon.clock.read(), 'refused'));
    await assert.rejects(queue.finish(), /^BatchNotSent: tmon refused the token \(401 /);
    assert.ok(performance.now() - started < 5_000, `took ${Math.round(performance.now() - started)} ms`);
    assert.equal(acknowledged.length, 1);
    assert.match(acknowledged[0]!, /"first-0"/);
  });
});
