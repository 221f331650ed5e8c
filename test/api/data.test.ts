import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { csrfTokenFor } from '../../src/web/auth/csrf.js';
import { FORM, IPHONE_UA, JSON_TYPE, v2Body, WINDOWS_CHROME_UA } from '../support/senders.js';
import { addTestToken, startTestTmon, type TestTmon, VECTOR_SECRET } from '../support/test-tmon.js';

// minute- and hour-aligned, so bucket arithmetic in the assertions is plain
const NOW = Date.UTC(2026, 0, 15, 12, 0, 30);

describe('the query API', () => {
  let tmon: TestTmon;
  const get = (url: string, token = tmon.aliceToken) =>
    tmon.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

  before(async () => {
    tmon = await startTestTmon({ now: NOW });
    const events = [
      ...Array.from({ length: 3 }, (_, i) => ({
        url: '/home',
        ip: '8.8.8.8',
        useragent: WINDOWS_CHROME_UA,
        id: `us-${i}`,
      })),
      ...Array.from({ length: 2 }, (_, i) => ({
        url: '/cart',
        ip: '81.2.69.142',
        useragent: IPHONE_UA,
        id: `gb-${i}`,
      })),
      { url: '/home', ip: '200.160.2.3', useragent: IPHONE_UA, ts: NOW - 2 * 3_600_000 },
      { url: '/private', ip: '10.1.2.3', useragent: 'curl/8.0' },
    ];
    const res = await tmon.app.inject({
      method: 'POST',
      url: '/data/collect',
      headers: JSON_TYPE,
      payload: v2Body(1, VECTOR_SECRET, events, NOW),
    });
    assert.equal(res.statusCode, 200, res.body);
  });
  after(() => tmon.close());

  it('answers 401 without a session or token', async () => {
    const res = await tmon.app.inject({ method: 'GET', url: '/1/data/users/country' });
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().error, 'unauthorized');
  });

  it('ranks countries by requests with their English names', async () => {
    const res = await get('/1/data/users/country');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), {
      status: 200,
      results: [
        { country: 'US', name: 'United States', requests: 3 },
        { country: 'GB', name: 'United Kingdom', requests: 2 },
        { country: 'BR', name: 'Brazil', requests: 1 },
      ],
    });
  });

  it('honours the window: the 2-hour-old event is in 24h but not in 1h', async () => {
    const lastHour = (await get('/1/data/users/country?window=1h')).json().results;
    assert.deepEqual(
      lastHour.map((r: { country: string }) => r.country),
      ['US', 'GB'],
    );
  });

  it('honours limit', async () => {
    const res = await get('/1/data/users/country?limit=1');
    assert.equal(res.json().results.length, 1);
  });

  it('ranks cities with where they are', async () => {
    const [first] = (await get('/1/data/users/city')).json().results;
    assert.equal(first.country, 'US');
    assert.equal(first.requests, 3);
    assert.equal(typeof first.city, 'string');
    assert.equal(typeof first.lat, 'number');
    assert.equal(typeof first.lng, 'number');
  });

  it('breaks requests down by os, device, browser and url', async () => {
    const os = (await get('/1/data/users/os')).json().results;
    // ties are ordered by value, so the answer is stable
    assert.deepEqual(os.slice(0, 2), [
      { os: 'Windows', requests: 3 },
      { os: 'iOS', requests: 3 },
    ]);
    const device = (await get('/1/data/users/device')).json().results;
    assert.deepEqual(
      device.find((d: { device: string }) => d.device === 'mobile'),
      { device: 'mobile', requests: 3 },
    );
    assert.deepEqual(
      device.find((d: { device: string }) => d.device === 'desktop'),
      { device: 'desktop', requests: 3 },
    );
    const browser = (await get('/1/data/users/browser')).json().results;
    assert.ok(browser.some((b: { browser: string; requests: number }) => b.browser === 'Chrome' && b.requests === 3));
    const url = (await get('/1/data/users/url')).json().results;
    assert.deepEqual(url[0], { url: '/home', requests: 4 });
  });

  it('gives exactly `limit` zero-filled buckets ending with the current one', async () => {
    const res = await get('/1/data/requests/minute/5');
    assert.equal(res.statusCode, 200);
    const minute = 60_000;
    const current = Math.floor(NOW / minute) * minute;
    assert.deepEqual(res.json().results, [
      { ts: current - 4 * minute, requests: 0 },
      { ts: current - 3 * minute, requests: 0 },
      { ts: current - 2 * minute, requests: 0 },
      { ts: current - minute, requests: 0 },
      { ts: current, requests: 6 },
    ]);
    const hours = (await get('/1/data/requests/hour/3')).json().results;
    assert.deepEqual(
      hours.map((h: { requests: number }) => h.requests),
      [1, 0, 6], // 10:00 holds the event sent with ts two hours back
    );
  });

  it('gzips a large answer whole, with its length, when the client takes gzip', async () => {
    const res = await tmon.app.inject({
      method: 'GET',
      url: '/1/data/requests/second/3600',
      headers: { authorization: `Bearer ${tmon.aliceToken}`, 'accept-encoding': 'gzip' },
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-encoding'], 'gzip');
    // compressed in one call, not streamed through a zlib stream (chunked, no length)
    assert.equal(res.headers['content-length'], String(res.rawPayload.length));
    assert.equal(res.headers['transfer-encoding'], undefined);
    const json = gunzipSync(res.rawPayload);
    assert.ok(json.length > 64 * 1024, 'the answer is past what the plugin compresses in one call by default');
    assert.equal(JSON.parse(json.toString('utf8')).results.length, 3600);
  });

  it('returns the latest events, newest first, with every stored field', async () => {
    const res = await get('/1/data/latest?limit=2');
    const results = res.json().results;
    assert.equal(results.length, 2);
    for (const key of [
      'seq',
      'ts',
      'url',
      'ip',
      'useragent',
      'country',
      'city',
      'os',
      'device',
      'browser',
      'bot',
      'extra',
    ]) {
      assert.ok(key in results[0], `missing ${key}`);
    }
    assert.ok(results[0].ts >= results[1].ts);
  });

  it('stores a private address without geo fields', async () => {
    const all = (await get('/1/data/latest?limit=50')).json().results;
    const privateOne = all.find((e: { url: string }) => e.url === '/private');
    assert.equal(privateOne.country, null);
    assert.equal(privateOne.lat, null);
  });

  it('finds locations inside a box and none outside it', async () => {
    const world = (await get('/1/data/users/locations/90/180/-90/-180')).json().results;
    assert.equal(
      world.reduce((sum: number, p: { requests: number }) => sum + p.requests, 0),
      6,
    );
    for (const p of world)
      for (const key of ['lat', 'lng', 'city', 'country', 'requests', 'last_ts']) assert.ok(key in p);
    // Europe only: the GB requests
    const europe = (await get('/1/data/users/locations/72/40/35/-25')).json().results;
    assert.deepEqual(
      europe.map((p: { country: string; requests: number }) => [p.country, p.requests]),
      [['GB', 2]],
    );
  });

  it('reads a box crossing the antimeridian as the two sides of it', async () => {
    // from 100°E eastwards across 180° to 20°W: Asia-Pacific and the Americas, not Europe
    const res = await get('/1/data/users/locations/90/-20/-90/100');
    assert.equal(res.statusCode, 200);
    const countries = new Set(res.json().results.map((p: { country: string }) => p.country));
    assert.ok(countries.has('US'));
    assert.ok(countries.has('BR'));
    assert.ok(!countries.has('GB'));
  });

  for (const [url, reason] of [
    ['/abc/data/users/country', /wsid/],
    ['/1/data/users/locations/91/0/0/0', /neLat/],
    ['/1/data/users/locations/0/181/0/0', /neLng/],
    ['/1/data/users/locations/x/0/0/0', /neLat/],
    ['/1/data/requests/week/10', /resolution must be one of second, minute, hour, day/],
    ['/1/data/requests/minute/0', /limit/],
    ['/1/data/requests/minute/3601', /limit/],
    ['/1/data/users/country?limit=1001', /limit/],
    ['/1/data/users/country?window=2h', /window must be one of/],
    ['/1/data/users/planet', /dimension must be one of/],
  ] as const) {
    it(`answers 400 with the reason to ${url}`, async () => {
      const res = await get(url);
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().error, 'bad_request');
      assert.match(res.json().message, reason);
    });
  }

  it("answers 404 for another user's service exactly as for a missing one", async () => {
    await tmon.runtime.accounts.addUser('bob', 'bob-password-1', false);
    const bobToken = await addTestToken(tmon.runtime, 'bob');
    const theirs = await get('/1/data/users/country', bobToken);
    const missing = await get('/999/data/users/country', bobToken);
    assert.equal(theirs.statusCode, 404);
    assert.equal(missing.statusCode, 404);
    const withoutMessage = (body: Record<string, unknown>) => ({ ...body, message: '' });
    assert.deepEqual(withoutMessage(theirs.json()), withoutMessage(missing.json()));
    assert.equal((await get('/1/data/latest', bobToken)).statusCode, 404);
  });

  it('lets a user see a service shared with them, and an admin see all', async () => {
    const carol = await tmon.runtime.accounts.addUser('carol', 'carol-password-1', false);
    const carolToken = await addTestToken(tmon.runtime, 'carol');
    assert.equal((await get('/1/data/users/os', carolToken)).statusCode, 404);
    await tmon.runtime.accountStore.shareService(1, carol.id);
    assert.equal((await get('/1/data/users/os', carolToken)).statusCode, 200);
    const adminToken = await addTestToken(tmon.runtime, 'admin');
    assert.equal((await get('/1/data/users/os', adminToken)).statusCode, 200);
  });

  it('accepts a session cookie from POST /login and ends it at POST /logout', async () => {
    const login = await tmon.app.inject({
      method: 'POST',
      url: '/login',
      headers: FORM,
      payload: 'username=alice&password=alice-password-1',
    });
    assert.equal(login.statusCode, 303);
    const cookie = login.cookies.find((c) => c.name === 'tmon_session');
    assert.ok(cookie);
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Lax');
    const headers = { cookie: `tmon_session=${cookie.value}` };
    assert.equal((await tmon.app.inject({ method: 'GET', url: '/1/data/users/os', headers })).statusCode, 200);
    // logout posts the session's CSRF token (test/security/logout.test.ts)
    const logout = await tmon.app.inject({
      method: 'POST',
      url: '/logout',
      headers: { ...headers, 'x-csrf-token': csrfTokenFor(cookie.value) },
    });
    assert.equal(logout.statusCode, 303);
    assert.equal((await tmon.app.inject({ method: 'GET', url: '/1/data/users/os', headers })).statusCode, 401);
  });

  it('says a login failed without telling whether the user exists', async () => {
    const wrongPassword = await tmon.app.inject({
      method: 'POST',
      url: '/login',
      headers: JSON_TYPE,
      payload: JSON.stringify({ username: 'alice', password: 'nope-nope-nope' }),
    });
    const noSuchUser = await tmon.app.inject({
      method: 'POST',
      url: '/login',
      headers: JSON_TYPE,
      payload: JSON.stringify({ username: 'mallory', password: 'nope-nope-nope' }),
    });
    assert.equal(wrongPassword.statusCode, 401);
    assert.deepEqual(wrongPassword.json(), noSuchUser.json());
  });

  it('rate limits repeated logins for one user name', async () => {
    let last = 0;
    for (let i = 0; i < 12; i++) {
      const res = await tmon.app.inject({
        method: 'POST',
        url: '/login',
        headers: { ...JSON_TYPE, 'x-forwarded-for': `203.0.113.${i}` },
        payload: JSON.stringify({ username: 'limited', password: 'wrong-password' }),
      });
      last = res.statusCode;
      if (last === 429) {
        assert.ok(res.headers['retry-after']);
        break;
      }
    }
    assert.equal(last, 429);
  });

  it('answers a wrong Authorization header with 401', async () => {
    const res = await tmon.app.inject({
      method: 'GET',
      url: '/1/data/latest',
      headers: { authorization: 'Basic abc' },
    });
    assert.equal(res.statusCode, 401);
  });
});
