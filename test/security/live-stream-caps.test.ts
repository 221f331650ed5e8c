/**
 * Issue 21, item 3: one token held 4,000 live streams and slowed collect for everyone. Streams are capped
 * per user and per process (429 with Retry-After beyond), and a frame is serialised once for all the
 * streams of its service.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { after, afterEach, before, describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';
import { LiveChannels } from '../../src/live/live-channels.js';
import { createLocalHub } from '../../src/live/local-hub.js';
import { StreamSlots } from '../../src/live/stream-slots.js';
import type { StoredEvent } from '../../src/store/store.js';
import { SharedFrameTexts } from '../../src/web/data/live-frame-text.js';
import { LiveStream } from '../../src/web/data/live-stream.js';
import { type ListeningTmon, startListeningTmon } from '../support/client-helpers.js';
import { FakeClock } from '../support/fake-clock.js';
import { type OpenedStream, openLiveStream, openLiveStreams } from '../support/live-streams.js';
import { FORM, gen2Body } from '../support/senders.js';
import { makeEvent, T0 } from '../support/temp-store.js';
import { addTestToken, VECTOR_SECRET } from '../support/test-tmon.js';

/** Tries until a stream is accepted: the server frees a slot when it sees the socket close, a moment after. */
async function openOnceFreed(tmon: ListeningTmon, wsid: number, token: string): Promise<OpenedStream> {
  const deadline = Date.now() + 2_000;
  for (;;) {
    const stream = await openLiveStream(tmon.url, wsid, token);
    if (stream.status === 200 || Date.now() > deadline) return stream;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function assertRateLimited(stream: OpenedStream): void {
  assert.equal(stream.status, 429, `expected 429, got ${stream.status}`);
  assert.match(stream.retryAfter ?? '', /^[1-9]\d*$/, 'Retry-After in whole seconds');
  assert.equal(JSON.parse(stream.body).error, 'rate_limited');
}

async function closeAll(streams: OpenedStream[]): Promise<void> {
  await Promise.all(streams.splice(0).map((stream) => stream.close()));
}

describe('live stream caps', () => {
  const streams: OpenedStream[] = [];
  afterEach(() => closeAll(streams));

  describe('per user (default 20)', () => {
    let tmon: ListeningTmon;
    let bobToken: string;
    let bobsService: number;

    before(async () => {
      tmon = await startListeningTmon();
      await tmon.runtime.accounts.addUser('bob', 'bob-password-1', false);
      bobsService = (await tmon.runtime.accounts.addService({ name: 'bobs', ownerName: 'bob' })).id;
      bobToken = await addTestToken(tmon.runtime, 'bob');
    });
    after(() => tmon.close());

    it("refuses a user's 21st stream with 429 and Retry-After while 20 are open", async () => {
      streams.push(...(await openLiveStreams(tmon.url, 1, tmon.aliceToken, 20)));
      assertRateLimited(await openLiveStream(tmon.url, 1, tmon.aliceToken));
    });

    it('lets another user open a stream while one user holds all of theirs', async () => {
      streams.push(...(await openLiveStreams(tmon.url, 1, tmon.aliceToken, 20)));
      assertRateLimited(await openLiveStream(tmon.url, 1, tmon.aliceToken));
      const bobs = await openLiveStream(tmon.url, bobsService, bobToken);
      streams.push(bobs);
      assert.equal(bobs.status, 200);
    });

    it('accepts a new stream once one of the 20 has closed, and refusals took no slot', async () => {
      streams.push(...(await openLiveStreams(tmon.url, 1, tmon.aliceToken, 20)));
      // refused twice: if a refusal took a slot, closing one stream would not be enough
      assertRateLimited(await openLiveStream(tmon.url, 1, tmon.aliceToken));
      assertRateLimited(await openLiveStream(tmon.url, 1, tmon.aliceToken));
      await streams.shift()?.close();
      const replacement = await openOnceFreed(tmon, 1, tmon.aliceToken);
      streams.push(replacement);
      assert.equal(replacement.status, 200);
      assertRateLimited(await openLiveStream(tmon.url, 1, tmon.aliceToken));
    });
  });

  describe('per process (TMON_MAX_STREAMS=5)', () => {
    let tmon: ListeningTmon;
    let adminToken: string;

    before(async () => {
      tmon = await startListeningTmon({ env: { TMON_MAX_STREAMS: '5' } });
      adminToken = await addTestToken(tmon.runtime, 'admin');
    });
    after(() => tmon.close());

    it("refuses the process's 6th stream with 429, whoever asks, until one closes", async () => {
      streams.push(...(await openLiveStreams(tmon.url, 1, tmon.aliceToken, 5)));
      assertRateLimited(await openLiveStream(tmon.url, 1, tmon.aliceToken));
      assertRateLimited(await openLiveStream(tmon.url, 1, adminToken));
      await streams.shift()?.close();
      const admins = await openOnceFreed(tmon, 1, adminToken);
      streams.push(admins);
      assert.equal(admins.status, 200);
    });
  });

  describe('a stream whose snapshot cannot be read (TMON_MAX_STREAMS_PER_USER=1)', () => {
    let tmon: ListeningTmon;

    before(async () => {
      // the store on this thread (a plain object), so its latestEvents can be made to fail
      tmon = await startListeningTmon({ env: { TMON_MAX_STREAMS_PER_USER: '1', TMON_SQLITE_WRITER: 'inline' } });
    });
    after(() => tmon.close());

    it('frees its slot: the next stream is accepted, and the one after it refused', async () => {
      const store = tmon.runtime.eventStore;
      const readLatest = store.latestEvents.bind(store);
      store.latestEvents = async () => {
        store.latestEvents = readLatest;
        throw new Error('the disk went away');
      };
      const failed = await openLiveStream(tmon.url, 1, tmon.aliceToken);
      assert.equal(failed.status, 500);
      const next = await openLiveStream(tmon.url, 1, tmon.aliceToken);
      streams.push(next);
      assert.equal(next.status, 200);
      assertRateLimited(await openLiveStream(tmon.url, 1, tmon.aliceToken));
    });
  });

  describe('frames', () => {
    let tmon: ListeningTmon;

    before(async () => {
      tmon = await startListeningTmon();
    });
    after(() => tmon.close());

    it('serialises a frame once for all the streams of its service', async () => {
      streams.push(...(await openLiveStreams(tmon.url, 1, tmon.aliceToken, 5)));
      await Promise.all(streams.map((stream) => stream.waitFor('event: snapshot')));
      const url = '/serialised-once';
      let serialisations = 0;
      const stringify = JSON.stringify;
      // counts the serialisations of the frame payload that holds our event, whichever code makes them
      JSON.stringify = function (this: unknown, ...args: Parameters<typeof JSON.stringify>) {
        const value = args[0] as { events?: Array<{ url?: unknown }>; skipped?: unknown } | null;
        if (value && typeof value === 'object' && 'skipped' in value && value.events?.some((e) => e.url === url)) {
          serialisations++;
        }
        return stringify.apply(this, args);
      } as typeof JSON.stringify;
      try {
        const collect = await tmon.app.inject({
          method: 'POST',
          url: '/data/collect',
          headers: FORM,
          payload: gen2Body(1, VECTOR_SECRET, { url, ip: '81.2.69.142', useragent: 'x' }),
        });
        assert.equal(collect.statusCode, 200);
        await Promise.all(streams.map((stream) => stream.waitFor(url)));
      } finally {
        JSON.stringify = stringify;
      }
      assert.equal(serialisations, 1);
    });
  });
});

describe('stream cap settings', () => {
  it('are 20 per user and 1,000 per process by default, and read from TMON_MAX_STREAMS_PER_USER/TMON_MAX_STREAMS', () => {
    const defaults = loadConfig({}, {}, '/');
    assert.equal(defaults.maxStreamsPerUser, 20);
    assert.equal(defaults.maxStreams, 1000);
    const set = loadConfig({}, { TMON_MAX_STREAMS_PER_USER: '500', TMON_MAX_STREAMS: '2000' }, '/');
    assert.equal(set.maxStreamsPerUser, 500);
    assert.equal(set.maxStreams, 2000);
  });

  it('refuses caps that are not whole numbers of at least 1', () => {
    assert.throws(
      () => loadConfig({}, { TMON_MAX_STREAMS_PER_USER: '0', TMON_MAX_STREAMS: 'many' }, '/'),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.problems.length === 2 &&
        /TMON_MAX_STREAMS_PER_USER/.test(error.message) &&
        /TMON_MAX_STREAMS must/.test(error.message),
    );
  });
});

describe('stream slots', () => {
  it("count a stream that ends twice once, and leave other users' slots alone", () => {
    const slots = new StreamSlots({ perUser: 2, total: 3 });
    const first = slots.take(1);
    const second = slots.take(1);
    assert.ok(first.granted && second.granted);
    assert.deepEqual(slots.take(1), { granted: false, refusal: 'user' });
    assert.ok(slots.take(2).granted);
    assert.deepEqual(slots.take(3), { granted: false, refusal: 'process' });
    first.release();
    first.release(); // e.g. the snapshot read failed, then the socket closed
    assert.equal(slots.held(1), 1);
    assert.equal(slots.held(), 2);
    assert.ok(slots.take(1).granted);
    assert.deepEqual(slots.take(1), { granted: false, refusal: 'user' });
  });
});

/** A response whose socket is full while `full` is set, as a viewer that stopped reading. */
class ScriptedResponse extends EventEmitter {
  full = false;
  destroyed = false;
  readonly writes: Array<string | Buffer> = [];
  writeHead(): this {
    return this;
  }
  write(chunk: string | Buffer): boolean {
    this.writes.push(chunk);
    return !this.full;
  }
  end(): void {
    this.emit('close');
  }
  /** resolves once a write holds `text`; that write */
  async waitFor(text: string): Promise<string | Buffer> {
    const deadline = Date.now() + 2_000;
    for (;;) {
      const write = this.writes.find((w) => w.toString().includes(text));
      if (write !== undefined) return write;
      if (Date.now() > deadline) throw new Error(`no write held ${text}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

describe('a frame written to many streams', () => {
  it('is one shared text, except for a stream that skipped frames of its own, which gets its own count', async () => {
    const stored = (seq: number): StoredEvent => ({
      ...makeEvent({ url: `/e/${seq}` }),
      seq,
      serviceId: 1,
      receivedAt: T0,
    });
    const hub = createLocalHub((error) => assert.fail(String(error)));
    const channels = new LiveChannels(hub, new FakeClock(T0).read);
    const texts = new SharedFrameTexts();
    const open = (res: ScriptedResponse) =>
      new LiveStream({
        res: res as unknown as ServerResponse,
        channels,
        serviceId: 1,
        texts,
        releaseSlot: () => {},
        onClose: () => {},
      });
    const slow = new ScriptedResponse();
    const steady = new ScriptedResponse();
    const streams = [open(slow), open(steady)];
    try {
      for (const stream of streams) stream.start([], { lastSecond: 0, lastMinute: 0 });
      slow.full = true;
      hub.publish(1, [stored(1)]);
      const shared = await steady.waitFor('/e/1');
      assert.equal(await slow.waitFor('/e/1'), shared, 'the same bytes, made once');

      hub.publish(1, [stored(2), stored(3)]); // the slow stream is congested: it misses this frame
      await steady.waitFor('/e/3');
      assert.ok(!slow.writes.some((w) => w.toString().includes('/e/3')));

      slow.full = false;
      slow.emit('drain');
      hub.publish(1, [stored(4)]);
      const steadyText = (await steady.waitFor('/e/4')).toString();
      const slowText = (await slow.waitFor('/e/4')).toString();
      assert.match(steadyText, /"skipped":0/);
      assert.match(slowText, /"skipped":2/);
    } finally {
      for (const stream of streams) stream.close('server_closing');
      channels.closeAll();
    }
  });
});
