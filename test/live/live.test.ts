import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FORM, gen2Body } from '../support/senders.js';
import { addTestToken, startTestTmon, type TestTmon, VECTOR_SECRET } from '../support/test-tmon.js';

interface SseMessage {
  event: string;
  data: Record<string, unknown> & { events: Array<Record<string, unknown>> };
}

/** Reads an SSE response into messages as they arrive. */
async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) yield { event, data: JSON.parse(data) };
      end = buffer.indexOf('\n\n');
    }
  }
}

/** One Gen 2 event for service 1 with this url, answered 200 (stored and published). */
async function collectOne(tmon: TestTmon, url: string): Promise<void> {
  const collect = await tmon.app.inject({
    method: 'POST',
    url: '/data/collect',
    headers: FORM,
    payload: gen2Body(1, VECTOR_SECRET, { url, ip: '81.2.69.142', useragent: 'x' }),
  });
  assert.equal(collect.statusCode, 200);
}

describe('GET /$wsid/live', () => {
  let tmon: TestTmon;
  let base: string;

  before(async () => {
    tmon = await startTestTmon();
    await tmon.app.listen({ port: 0, host: '127.0.0.1' });
    const address = tmon.app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  after(() => tmon.close());

  it('sends a snapshot, then each stored event within a second', async () => {
    const controller = new AbortController();
    const res = await fetch(`${base}/1/live`, {
      headers: { authorization: `Bearer ${tmon.aliceToken}` },
      signal: controller.signal,
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const messages = readSse(res.body!);

    const snapshot = (await messages.next()).value as SseMessage;
    assert.equal(snapshot.event, 'snapshot');
    assert.ok(Array.isArray(snapshot.data.events));

    const sentAt = Date.now();
    await collectOne(tmon, '/live-test');

    let arrived: Record<string, unknown> | undefined;
    for await (const message of messages) {
      assert.equal(message.event, 'events');
      arrived = message.data.events.find((e) => e.url === '/live-test');
      if (arrived) break;
      assert.ok(Date.now() - sentAt < 1_000, 'the event did not arrive within 1 s');
    }
    assert.ok(Date.now() - sentAt < 1_000);
    assert.equal(arrived?.country, 'GB');
    controller.abort();
  });

  it('shows an event committed while the snapshot is being read', async () => {
    // the store on this thread (a plain object), so its latestEvents can be wrapped
    const racing = await startTestTmon({ env: { TMON_SQLITE_WRITER: 'inline' } });
    const controller = new AbortController();
    try {
      await racing.app.listen({ port: 0, host: '127.0.0.1' });
      const address = racing.app.server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const store = racing.runtime.eventStore;
      const readLatest = store.latestEvents.bind(store);
      let committedDuringRead = 0;
      // the snapshot is read, then an event commits before the stream goes on
      store.latestEvents = async (serviceId, limit) => {
        const latest = await readLatest(serviceId, limit);
        await collectOne(racing, '/between');
        committedDuringRead++;
        return latest;
      };
      const res = await fetch(`http://127.0.0.1:${port}/1/live`, {
        headers: { authorization: `Bearer ${racing.aliceToken}` },
        signal: controller.signal,
      });
      assert.equal(res.status, 200);
      const messages = readSse(res.body!);
      const snapshot = (await messages.next()).value as SseMessage;
      assert.equal(snapshot.event, 'snapshot');
      assert.equal(committedDuringRead, 1);
      assert.ok(!snapshot.data.events.some((e) => e.url === '/between'), 'read before the commit');
      const deadline = Date.now() + 2_000;
      let shown = false;
      for await (const message of messages) {
        shown = message.data.events.some((e) => e.url === '/between');
        if (shown || Date.now() > deadline) break;
      }
      assert.ok(shown, 'the event committed during the snapshot read never reached the stream');
    } finally {
      controller.abort();
      await racing.close();
    }
  });

  it("answers 404 for another user's stream and 401 without credentials", async () => {
    await tmon.runtime.accounts.addUser('bob', 'bob-password-1', false);
    const bobToken = await addTestToken(tmon.runtime, 'bob');
    const theirs = await fetch(`${base}/1/live`, { headers: { authorization: `Bearer ${bobToken}` } });
    assert.equal(theirs.status, 404);
    const anonymous = await fetch(`${base}/1/live`);
    assert.equal(anonymous.status, 401);
  });
});
