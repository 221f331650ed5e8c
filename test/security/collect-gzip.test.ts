/**
 * Issue 21, 9c: compressed collect bodies. gzip is accepted with the body
 * kind's limit on the inflated size (64 KiB form, 1 MiB v2), a bomb is
 * refused 413 without being inflated into memory, any other coding 415,
 * broken gzip 400; a refused body stores nothing. On every way in: injected
 * into fastify, over a socket through the socket front (which leaves
 * compressed bodies to fastify), and with node:http reading.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deflateSync, gzipSync } from 'node:zlib';
import { storedEvents } from '../support/client-helpers.js';
import { COLLECT_TRANSPORTS, type CollectResponse, type CollectTmon } from '../support/collect-transports.js';
import { FORM, gen1Body, gen2Body, JSON_TYPE, v2Body } from '../support/senders.js';
import { VECTOR_SECRET } from '../support/test-tmon.js';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const EVENT = { url: '/gzip', ip: '8.8.8.8', useragent: 'gzip-sender' };
const GZIP = { 'content-encoding': 'gzip' };

let zeroMember: Buffer | undefined;
/**
 * `members` gzip members of 64 MiB of zeros each, one after the other: one
 * gzip stream to a reader, inflating to members × 64 MiB from 64 KB each.
 */
function zeroBomb(members: number): Buffer {
  zeroMember ??= gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
  return Buffer.concat(Array.from({ length: members }, () => zeroMember as Buffer));
}

function assertRefused(res: CollectResponse, status: number, error: string): void {
  assert.equal(res.statusCode, status, res.body);
  const body = res.json();
  assert.deepEqual(Object.keys(body).sort(), ['error', 'message', 'status', 'status_code']);
  assert.equal(body.status, status);
  assert.equal(body.status_code, status);
  assert.equal(body.error, error);
}

for (const transport of COLLECT_TRANSPORTS) {
  describe(`compressed collect bodies, ${transport.name}`, () => {
    let tmon: CollectTmon;
    const urls = async () => (await storedEvents(tmon)).map((event) => event.url);

    before(async () => {
      tmon = await transport.start({ now: NOW });
    });
    after(() => tmon.close());

    it('accepts gzipped Gen 1 and Gen 2 forms and stores their events', async () => {
      for (const [url, body] of [
        ['/gzip-gen1', gen1Body(1, VECTOR_SECRET, { ...EVENT, url: '/gzip-gen1' })],
        ['/gzip-gen2', gen2Body(1, VECTOR_SECRET, { ...EVENT, url: '/gzip-gen2' })],
      ] as const) {
        const res = await tmon.send({ headers: { ...FORM, ...GZIP }, payload: gzipSync(body) });
        assert.equal(res.statusCode, 200, res.body);
        assert.deepEqual(res.json(), { status: 200, status_code: 200, accepted: 1 });
        assert.ok((await urls()).includes(url));
      }
    });

    it('accepts a gzipped v2 batch and stores every event, and x-gzip and identity as well', async () => {
      const events = [1, 2, 3].map((n) => ({ ...EVENT, url: `/gzip-v2-${n}` }));
      const res = await tmon.send({
        headers: { ...JSON_TYPE, ...GZIP },
        payload: gzipSync(v2Body(1, VECTOR_SECRET, events, NOW)),
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().accepted, 3);
      const oldName = await tmon.send({
        headers: { ...JSON_TYPE, 'content-encoding': 'X-GZIP' },
        payload: gzipSync(v2Body(1, VECTOR_SECRET, [{ ...EVENT, url: '/x-gzip' }], NOW)),
      });
      assert.equal(oldName.statusCode, 200, oldName.body);
      const identity = await tmon.send({
        headers: { ...FORM, 'content-encoding': 'identity' },
        payload: gen2Body(1, VECTOR_SECRET, { ...EVENT, url: '/identity' }),
      });
      assert.equal(identity.statusCode, 200, identity.body);
      const stored = await urls();
      for (const url of ['/gzip-v2-1', '/gzip-v2-2', '/gzip-v2-3', '/x-gzip', '/identity'])
        assert.ok(stored.includes(url));
    });

    for (const [what, headers, members, limit] of [
      ['a form that inflates to 64 MiB', FORM, 1, '65536'],
      ['a v2 body that inflates to 1 GiB', JSON_TYPE, 16, '1048576'],
    ] as const) {
      it(`refuses ${what} 413 body_too_large, quickly and without inflating it, storing nothing`, async () => {
        const bomb = zeroBomb(members);
        const before = await tmon.runtime.eventStore.countEvents();
        const rssBefore = process.memoryUsage().rss;
        let rssPeak = rssBefore;
        const sampler = setInterval(() => {
          rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
        }, 5);
        const started = performance.now();
        const res = await tmon.send({ headers: { ...headers, ...GZIP }, payload: bomb });
        const took = performance.now() - started;
        clearInterval(sampler);
        assertRefused(res, 413, 'body_too_large');
        assert.match(res.json().message, new RegExp(limit));
        // inflating it whole takes seconds and its size in memory (1 GiB: ~3 s on the test machine)
        assert.ok(took < 1_500, `answered in ${Math.round(took)} ms`);
        const grewMb = (rssPeak - rssBefore) / 1e6;
        assert.ok(grewMb < 48, `memory grew by ${Math.round(grewMb)} MB while answering`);
        assert.equal(await tmon.runtime.eventStore.countEvents(), before);
      });
    }

    it('answers 415 unsupported_media_type to any coding but gzip, storing nothing', async () => {
      const before = await tmon.runtime.eventStore.countEvents();
      const body = gen2Body(1, VECTOR_SECRET, EVENT);
      for (const [coding, payload] of [
        ['br', body],
        ['deflate', deflateSync(body)],
        ['compress', body],
        ['gzip, gzip', gzipSync(gzipSync(body))],
        ['gzip, identity', gzipSync(body)],
      ] as const) {
        const res = await tmon.send({ headers: { ...FORM, 'content-encoding': coding }, payload });
        assertRefused(res, 415, 'unsupported_media_type');
        assert.match(res.json().message, /Content-Encoding/);
      }
      assert.equal(await tmon.runtime.eventStore.countEvents(), before);
    });

    it('answers 400 bad_request to a body that is not valid gzip, storing nothing', async () => {
      const before = await tmon.runtime.eventStore.countEvents();
      const gzipped = gzipSync(gen2Body(1, VECTOR_SECRET, EVENT));
      const corrupt = Buffer.from(gzipped);
      for (let i = 12; i < corrupt.length - 8; i += 7) corrupt[i] = (corrupt[i] as number) ^ 0x5a;
      const badChecksum = Buffer.from(gzipped);
      badChecksum[badChecksum.length - 6] = (badChecksum[badChecksum.length - 6] as number) ^ 1;
      for (const [what, payload] of [
        ['plain text', Buffer.from(gen2Body(1, VECTOR_SECRET, EVENT))],
        ['truncated', gzipped.subarray(0, gzipped.length - 10)],
        ['corrupt', corrupt],
        ['a bad checksum', badChecksum],
        ['gzip then junk', Buffer.concat([gzipped, Buffer.from('junk')])],
      ] as const) {
        const res = await tmon.send({ headers: { ...FORM, ...GZIP }, payload });
        assertRefused(res, 400, 'bad_request');
        assert.match(res.json().message, /not valid gzip/, what);
      }
      assert.equal(await tmon.runtime.eventStore.countEvents(), before);
    });
  });
}
