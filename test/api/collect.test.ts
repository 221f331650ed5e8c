import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { COLLECT_TRANSPORTS, type CollectTmon } from '../support/collect-transports.js';
import { FORM, gen2Body, IPHONE_UA, JSON_TYPE, v2Body } from '../support/senders.js';
import { VECTOR_SECRET } from '../support/test-tmon.js';

const GEN1_VECTOR = 'wsid=1&data=wH2jEPWIed%2Fp0Nrvum2gvmPHM1v%2BHkBIMQDbJAoUtzC55yrabYYij%2BNu%2FisjwAQ%3D';
const GEN2_VECTOR =
  'wsid=1&data=eyJ1cmwiOiAiLyIsICJpcCI6ICI4LjguOC44IiwgInVzZXJhZ2VudCI6ICJ4In0%3D&signature=50df56874d1ae1d20d71d77adca42de0cc0f9acf';
const V2_VECTOR =
  '{"v":2,"wsid":1,"iv":"AAECAwQFBgcICQoL","data":"84xWb6TMzTqSGeYSrENbiAwtaaTd1if2U3/KYaXiZtbaJoW1LicVmGrlToFs5fExaFlI5C1YEe0QVqn1K6WMzEiMpYalCKNo9ZDamWsphVia/cDG/DA0/SLPixv0dOE="}';
const V2_VECTOR_SENT_AT = 1764000000000;

for (const transport of COLLECT_TRANSPORTS) {
  describe(`POST /data/collect, ${transport.name}`, () => {
    let tmon: CollectTmon;
    const count = () => tmon.runtime.eventStore.countEvents(1);
    const post = (payload: string, headers: Record<string, string> = FORM) => tmon.send({ headers, payload });

    before(async () => {
      tmon = await transport.start({ now: V2_VECTOR_SENT_AT + 1_000 });
    });
    after(() => tmon.close());

    it('accepts the Gen 1 test vector and answers as the original did', async () => {
      const before = await count();
      const res = await post(GEN1_VECTOR);
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), { status: 200, status_code: 200, accepted: 1 });
      assert.equal(await count(), before + 1);
      const [latest] = await tmon.runtime.eventStore.latestEvents(1, 1);
      assert.equal(latest?.url, '/');
      assert.equal(latest?.geo?.country, 'US');
    });

    it('accepts the Gen 2 test vector', async () => {
      const res = await post(GEN2_VECTOR);
      assert.equal(res.statusCode, 200);
      assert.equal(res.json().accepted, 1);
    });

    it('ignores form fields it does not know, even ones named __proto__ and constructor', async () => {
      const res = await post(`__proto__=1&constructor=2&${GEN2_VECTOR}`);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().accepted, 1);
    });

    it('accepts the v2 test vector at its sent_at, then refuses it replayed', async () => {
      const first = await post(V2_VECTOR, JSON_TYPE);
      assert.equal(first.statusCode, 200, first.body);
      const before = await count();
      const replay = await post(V2_VECTOR, JSON_TYPE);
      assert.equal(replay.statusCode, 403);
      assert.equal(replay.json().error, 'replayed');
      assert.equal(await count(), before);
    });

    it('refuses a replay up to the last instant its sent_at passes, and holds the iv no longer', async () => {
      const start = tmon.clock.now;
      const iv = Buffer.from('replay-edge!'); // 12 bytes
      const event = { url: '/edge', ip: '8.8.8.8', useragent: 'x' };
      try {
        const body = v2Body(1, VECTOR_SECRET, [event], start, iv);
        assert.equal((await post(body, JSON_TYPE)).statusCode, 200);
        tmon.clock.now = start + 300_000; // |now − sent_at| = the window: not stale yet
        assert.equal((await post(body, JSON_TYPE)).json().error, 'replayed');
        tmon.clock.now = start + 300_001;
        assert.equal((await post(body, JSON_TYPE)).json().error, 'stale');
        // the claim lived as long as a replay could pass, not 10 minutes: a new request may use the iv again
        tmon.clock.now = start + 301_000;
        const reuse = await post(v2Body(1, VECTOR_SECRET, [event], tmon.clock.now, iv), JSON_TYPE);
        assert.equal(reuse.statusCode, 200, reuse.body);
      } finally {
        tmon.clock.now = start;
      }
    });

    it('refuses an iv seen within the window even when its first request was sent long before it arrived', async () => {
      const start = tmon.clock.now;
      const iv = Buffer.from('lagging-iv!!'); // 12 bytes
      const event = { url: '/lag', ip: '8.8.8.8', useragent: 'x' };
      try {
        const late = v2Body(1, VECTOR_SECRET, [event], start - 299_000, iv); // nearly stale on arrival
        assert.equal((await post(late, JSON_TYPE)).statusCode, 200);
        tmon.clock.now = start + 2_000;
        const again = await post(v2Body(1, VECTOR_SECRET, [event], tmon.clock.now, iv), JSON_TYPE);
        assert.equal(again.json().error, 'replayed');
      } finally {
        tmon.clock.now = start;
      }
    });

    it('refuses the v2 vector as stale once the clock is 5 minutes past its sent_at', async () => {
      tmon.clock.now = V2_VECTOR_SENT_AT + 301_000;
      try {
        const res = await post(
          v2Body(1, VECTOR_SECRET, [{ url: '/', ip: '8.8.8.8', useragent: 'x' }], V2_VECTOR_SENT_AT),
          JSON_TYPE,
        );
        assert.equal(res.statusCode, 403);
        assert.equal(res.json().error, 'stale');
      } finally {
        tmon.clock.now = V2_VECTOR_SENT_AT + 1_000;
      }
    });

    it('stores a v2 batch atomically and answers the number accepted', async () => {
      const before = await count();
      const events = Array.from({ length: 100 }, (_, i) => ({
        url: `/p/${i}`,
        ip: '81.2.69.142',
        useragent: IPHONE_UA,
      }));
      const res = await post(v2Body(1, VECTOR_SECRET, events, tmon.clock.now), JSON_TYPE);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().accepted, 100);
      assert.equal(await count(), before + 100);
    });

    it('accepts an event id twice but stores it once', async () => {
      const before = await count();
      const event = { url: '/once', ip: '1.1.1.1', useragent: 'x', id: 'evt-123' };
      assert.equal((await post(gen2Body(1, VECTOR_SECRET, event))).statusCode, 200);
      const again = await post(v2Body(1, VECTOR_SECRET, [event], tmon.clock.now), JSON_TYPE);
      assert.equal(again.statusCode, 200);
      assert.equal(again.json().accepted, 1);
      assert.equal(await count(), before + 1);
    });

    it('gzips the answer when the client accepts gzip', async () => {
      const res = await post(gen2Body(1, VECTOR_SECRET, { url: '/gz', ip: '8.8.8.8', useragent: 'x' }), {
        ...FORM,
        'accept-encoding': 'gzip',
      });
      assert.equal(res.headers['content-encoding'], 'gzip');
      assert.deepEqual(JSON.parse(gunzipSync(res.rawPayload).toString()), {
        status: 200,
        status_code: 200,
        accepted: 1,
      });
    });

    it('gzips refusals too, and answers plainly when gzip is not accepted or refused with q=0', async () => {
      const gzipped = await post('wsid=1&data=%%%', { ...FORM, 'accept-encoding': 'br, gzip;q=0.5' });
      assert.equal(gzipped.statusCode, 400);
      assert.equal(gzipped.headers['content-encoding'], 'gzip');
      assert.equal(JSON.parse(gunzipSync(gzipped.rawPayload).toString()).error, 'bad_base64');

      const gzipRefused = await post('wsid=1&data=%%%', { ...FORM, 'accept-encoding': 'gzip;q=0, deflate' });
      assert.equal(gzipRefused.headers['content-encoding'], undefined);
      assert.equal(gzipRefused.json().error, 'bad_base64');

      const plain = await post(GEN2_VECTOR);
      assert.equal(plain.headers['content-encoding'], undefined);
      assert.equal(plain.headers['content-type'], 'application/json; charset=utf-8');
      assert.deepEqual(plain.json(), { status: 200, status_code: 200, accepted: 1 });
    });

    it('runs no hook of the plugins the other routes use: it is the busiest route (see app.ts)', () => {
      const routes = tmon.app.printRoutes({ includeHooks: true, commonPrefix: false }).split('\n');
      const at = routes.findIndex((line) => line.includes('data/collect'));
      assert.ok(at >= 0, 'the collect route is listed');
      // printRoutes lists a route's hooks on the lines under it, each marked with a bullet
      assert.doesNotMatch(routes[at + 1] ?? '', /•/);
      // …as it does for the routes that do run them
      const login = routes.findIndex((line) => line.includes('login'));
      assert.match(routes[login + 1] ?? '', /• \(onRequest\)/);
    });

    it('accepts the previous secret during the grace period after a rotation, and not after', async () => {
      const service = await tmon.runtime.accounts.addService({ name: 'rotating', ownerName: 'alice' });
      const oldSecret = service.secret;
      const rotated = await tmon.runtime.accounts.rotateSecret(service.id);
      const event = { url: '/', ip: '8.8.8.8', useragent: 'x' };
      const withOld = await post(gen2Body(service.id, oldSecret, event));
      assert.equal(withOld.statusCode, 200, withOld.body);
      assert.equal((await post(gen2Body(service.id, rotated.secret, event))).statusCode, 200);
      tmon.clock.advance(25 * 3_600_000);
      try {
        const late = await post(v2Body(service.id, oldSecret, [event], tmon.clock.now), JSON_TYPE);
        assert.equal(late.statusCode, 403);
        assert.equal(late.json().error, 'decryption_failed');
      } finally {
        tmon.clock.advance(-25 * 3_600_000);
      }
    });
  });
}
