import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { startTestTmon, type TestTmon } from '../support/test-tmon.js';

describe('GET /assets/:file', () => {
  let tmon: TestTmon;
  let script: string;
  const get = (url: string, acceptEncoding?: string) =>
    tmon.app.inject({ method: 'GET', url, headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} });

  before(async () => {
    tmon = await startTestTmon();
    // `npm test` builds the dashboard first (pretest)
    const name = [...tmon.runtime.assets.files.keys()].find((file) => file.endsWith('.js'));
    assert.ok(name, 'the dashboard is built: dist/ui holds a script');
    script = `/assets/${name}`;
  });
  after(() => tmon.close());

  it('serves the pre-compressed copy when gzip is accepted, the plain one otherwise', async () => {
    const plain = await get(script);
    assert.equal(plain.statusCode, 200);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.headers['content-type'], 'text/javascript; charset=utf-8');

    const gzipped = await get(script, 'gzip, deflate, br');
    assert.equal(gzipped.headers['content-encoding'], 'gzip');
    assert.equal(gzipped.headers.vary, 'accept-encoding');
    assert.deepEqual(gunzipSync(gzipped.rawPayload), plain.rawPayload);
  });

  it('answers plainly when the client refuses gzip with q=0', async () => {
    const res = await get(script, 'gzip;q=0, identity');
    assert.equal(res.headers['content-encoding'], undefined);
    assert.deepEqual(res.rawPayload, (await get(script)).rawPayload);
  });

  it('answers /favicon.ico and /favicon.svg with the SVG icon, which every page links', async () => {
    for (const url of ['/favicon.ico', '/favicon.svg']) {
      const res = await get(url);
      assert.equal(res.statusCode, 200, url);
      assert.equal(res.headers['content-type'], 'image/svg+xml', url);
      assert.match(res.headers['cache-control'] as string, /max-age=\d+/);
      assert.match(res.body, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]*>[\s\S]*<\/svg>$/);
    }
    for (const page of ['/', '/login']) {
      assert.match((await get(page)).body, /<link rel="icon" href="\/favicon.svg" type="image\/svg\+xml">/, page);
    }
  });

  it('answers 404 for an asset it does not have', async () => {
    const res = await get('/assets/nope.js', 'gzip');
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().error, 'not_found');
  });
});
