/**
 * What a reverse proxy in front of tmon must pass through, checked the same
 * way for every example in contrib/ (nginx, Caddy): collect requests, the
 * client's scheme (a login's cookie comes back Secure), and the live stream
 * frame by frame.
 */
import assert from 'node:assert/strict';
import { httpsRequest, openHttpsStream } from './https-requests.js';
import { IPHONE_UA, JSON_TYPE, v2Body } from './senders.js';
import { VECTOR_SECRET } from './test-tmon.js';

function collect(base: string, url: string) {
  return httpsRequest(`${base}/data/collect`, {
    method: 'POST',
    headers: JSON_TYPE,
    body: v2Body(1, VECTOR_SECRET, [{ url, ip: '81.2.69.142', useragent: IPHONE_UA }], Date.now()),
  });
}

/** a v2 collect request through the proxy is answered 200 */
export async function expectCollectThrough(base: string, url: string): Promise<void> {
  const answer = await collect(base, url);
  assert.equal(answer.status, 200, answer.body);
}

/** a login through the proxy gets a Secure session cookie: tmon saw the request was https */
export async function expectSecureLoginCookie(base: string, user: string, password: string): Promise<void> {
  const answer = await httpsRequest(`${base}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
    body: new URLSearchParams({ username: user, password }).toString(),
  });
  assert.equal(answer.status, 303, answer.body);
  const cookies = ([] as string[]).concat(answer.headers['set-cookie'] ?? []);
  assert.ok(
    cookies.some((cookie) => /;\s*Secure/i.test(cookie)),
    `a Secure session cookie: ${cookies.join(' | ')}`,
  );
}

/** a new event's frame reaches a live stream opened through the proxy within 1 s (nothing buffers it) */
export async function expectLiveFrameThrough(base: string, token: string, url: string): Promise<void> {
  const stream = await openHttpsStream(`${base}/1/live`, {
    authorization: `Bearer ${token}`,
    accept: 'text/event-stream',
  });
  try {
    assert.equal(stream.status, 200, stream.received());
    await stream.waitFor('snapshot', 5_000);
    const arrived = stream.waitFor(url, 1_000);
    const answer = await collect(base, url);
    assert.equal(answer.status, 200, answer.body);
    const ms = await arrived;
    assert.ok(ms <= 1_000, `the frame took ${ms} ms`);
  } finally {
    stream.close();
  }
}
