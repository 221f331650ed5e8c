/**
 * Issue 21, item 1: slow and half-sent requests are cut on time, on every way
 * in (docs/security.md, Limits). Raw sockets against a listening tmon with short
 * deadlines (head 1 s, body 2 s, keep-alive 2 s): once as tmon runs, the
 * collect socket front reading collect requests and handing every other
 * request to node:http; once with node:http reading every connection (the
 * collect fast path and fastify behind it).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ListeningTmon, startListeningTmon, storedEvents } from '../support/client-helpers.js';
import { RawConnection } from '../support/raw-connection.js';
import { gen2Body } from '../support/senders.js';
import { VECTOR_SECRET } from '../support/test-tmon.js';

const HEAD_MS = 1000;
const BODY_MS = 2000;
const KEEP_ALIVE_MS = 2000;
/** a deadline checked every 100 ms (a tenth of the shortest) on a busy 2-core machine: this late at most */
const LATE_MS = 700;
/** node:http closes an idle connection 1 s after the keep-alive timeout it announces */
const HTTP_KEEP_ALIVE_SLACK_MS = 1000;

const EVENT = { url: '/slow', ip: '8.8.8.8', useragent: 'slow-sender' };
const COLLECT_HEAD = 'POST /data/collect HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n';

function collectRequest(body: string): string {
  return `${COLLECT_HEAD}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** header lines to send a piece at a time: each byte would reset a timer that only looks for inactivity */
const TRICKLED_HEADERS = Array.from({ length: 40 }, (_, i) => `X-Slow-${i}: ${i}\r\n`);

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** That the connection was closed between `fromMs` and `toMs` after `since`. */
function assertClosedBetween(connection: RawConnection, since: number, fromMs: number, toMs: number): void {
  assert.ok(connection.isClosed, `still open ${seconds(performance.now() - since)} after; due by ${seconds(toMs)}`);
  const after = (connection.closedAt as number) - since;
  assert.ok(after >= fromMs, `closed ${seconds(after)} after, before its deadline (${seconds(fromMs)})`);
  assert.ok(after <= toMs, `closed ${seconds(after)} after, due by ${seconds(toMs)}`);
}

for (const socketFront of [true, false]) {
  const way = socketFront ? 'socket front, other requests handed to node:http' : 'node:http reading every connection';
  // the cases run side by side: each is a few seconds of waiting for a deadline
  describe(`slow senders are cut on time (${way})`, { concurrency: true }, () => {
    let tmon: ListeningTmon;
    let port: number;

    before(async () => {
      tmon = await startListeningTmon({
        socketFront,
        env: {
          TMON_HEAD_TIMEOUT: String(HEAD_MS / 1000),
          TMON_BODY_TIMEOUT: String(BODY_MS / 1000),
          TMON_KEEPALIVE_TIMEOUT: String(KEEP_ALIVE_MS / 1000),
        },
      });
      port = Number(new URL(tmon.url).port);
    });
    after(() => tmon.close());

    it('closes a connection that sends nothing at the head deadline', async () => {
      const connection = await RawConnection.open(port);
      await connection.closed(HEAD_MS + 3000);
      assertClosedBetween(connection, connection.openedAt, HEAD_MS - 50, HEAD_MS + LATE_MS);
    });

    for (const [what, start] of [
      ['a collect head', COLLECT_HEAD],
      ['a GET head', 'GET /healthz HTTP/1.1\r\nHost: x\r\n'],
      ['a POST /login head', 'POST /login HTTP/1.1\r\nHost: x\r\n'],
    ] as const) {
      it(`cuts ${what} that never completes at the head deadline, with a 408, however steadily it trickles`, async () => {
        const connection = await RawConnection.open(port);
        const trickling = connection.trickle([start, ...TRICKLED_HEADERS], 150);
        await connection.closed(HEAD_MS + 3000);
        await trickling;
        assertClosedBetween(connection, connection.openedAt, HEAD_MS - 50, HEAD_MS + LATE_MS);
        assert.deepEqual(connection.statuses(), [408]);
      });
    }

    it('cuts a POST /login whose 1,000-byte body never comes at the body deadline after its head', async () => {
      const connection = await RawConnection.open(port);
      connection.write(
        'POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n',
      );
      const headSent = performance.now();
      await connection.closed(BODY_MS + 3000);
      assertClosedBetween(connection, headSent, BODY_MS - 50, BODY_MS + LATE_MS);
      assert.deepEqual(connection.statuses(), [408]);
    });

    it('answers a sender slow within its deadlines, and cuts a collect body that trickles past the body deadline', async () => {
      const trickledBody = gen2Body(1, VECTOR_SECRET, { ...EVENT, url: '/trickled' });
      const trickled = await RawConnection.open(port);
      trickled.write(`${COLLECT_HEAD}Content-Length: ${trickledBody.length}\r\n\r\n`);
      const headSent = performance.now();
      const trickling = trickled.trickle([...trickledBody], 300);

      // meanwhile: the head over ~0.6 s of the 1 s it has, the body over ~1.2 s of the 2 s it has after the head
      const slowBody = gen2Body(1, VECTOR_SECRET, { ...EVENT, url: '/slow-in-time' });
      const slow = await RawConnection.open(port);
      await slow.trickle([COLLECT_HEAD, 'Content-Length: ', `${slowBody.length}\r\n\r\n`], 300);
      const third = Math.ceil(slowBody.length / 3);
      await slow.trickle([slowBody.slice(0, third), slowBody.slice(third, 2 * third), slowBody.slice(2 * third)], 400);

      await trickled.closed(BODY_MS + 3000);
      await trickling;
      assertClosedBetween(trickled, headSent, BODY_MS - 50, BODY_MS + LATE_MS);
      assert.deepEqual(trickled.statuses(), [408]);
      assert.deepEqual(slow.statuses(), [200]);
      slow.destroy();
      const urls = (await storedEvents(tmon)).map((event) => event.url);
      assert.ok(urls.includes('/slow-in-time'));
      assert.ok(!urls.includes('/trickled'), 'nothing of the trickled request stored');
    });

    for (const [what, request, slack] of [
      ['a collect answer', () => collectRequest(gen2Body(1, VECTOR_SECRET, EVENT)), socketFront ? 0 : 1],
      ['an answer from fastify', () => 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n', 1],
    ] as const) {
      it(`closes a connection idle after ${what} at the keep-alive deadline, not at the head deadline`, async () => {
        const connection = await RawConnection.open(port);
        connection.write(request());
        while (connection.statuses().length === 0 && !connection.isClosed) {
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        const answered = performance.now();
        assert.deepEqual(connection.statuses(), [200]);
        await connection.closed(KEEP_ALIVE_MS + 4000);
        const due = KEEP_ALIVE_MS + slack * HTTP_KEEP_ALIVE_SLACK_MS;
        assertClosedBetween(connection, answered, KEEP_ALIVE_MS - 50, due + LATE_MS);
      });
    }
  });
}
