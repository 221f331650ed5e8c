/**
 * The ways access is taken away, each played against an open live stream:
 * the stream must receive `access-ended` and end within 5 s, while a stream
 * whose access stays keeps going. The same cases run on one process
 * (SQLite) and across two processes (PostgreSQL + Redis), where the stream
 * is open on one process and the change is made through the other.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { type OpenedStream, openLiveStream, type StreamCredential } from './live-streams.js';

/** the contract's bound */
export const ACCESS_ENDS_WITHIN_MS = 5_000;

export interface WebSession {
  cookie: string;
  csrf: string;
}

export interface AccessHarness {
  /** where the streams are opened */
  streamUrl: string;
  /** where changes are made (another process, or the same) */
  changeUrl: string;
  /** the service the streams watch, owned by `owner` */
  wsid: number;
  owner: WebSession;
  admin: WebSession;
  /** makes the expiry of a token made to last 1 h pass, as the clock or the database allows */
  expireToken(id: number): Promise<void>;
}

export async function loginAt(baseUrl: string, name: string, password: string): Promise<WebSession> {
  const res = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: name, password }).toString(),
    redirect: 'manual',
  });
  assert.equal(res.status, 303, await res.text());
  const cookie = /tmon_session=[^;]+/.exec(res.headers.get('set-cookie') ?? '')?.[0];
  assert.ok(cookie, 'the login sets the session cookie');
  const page = await (await fetch(`${baseUrl}/admin`, { headers: { cookie } })).text();
  const csrf = /<meta name="csrf-token" content="([^"]+)">/.exec(page)?.[1];
  assert.ok(csrf, 'the admin page carries a csrf-token meta (is the UI built? npm run build:ui)');
  return { cookie, csrf };
}

export async function callAs(
  baseUrl: string,
  session: WebSession,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  body?: object,
): Promise<{ status: number; json: { results?: unknown; message?: string } }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      cookie: session.cookie,
      'x-csrf-token': session.csrf,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
    redirect: 'manual',
  });
  const text = await res.text();
  return { status: res.status, json: text.startsWith('{') ? JSON.parse(text) : {} };
}

async function expectEnded(stream: OpenedStream, what: string): Promise<void> {
  const started = Date.now();
  await stream.waitFor('event: access-ended', ACCESS_ENDS_WITHIN_MS);
  await Promise.race([
    stream.ended,
    new Promise((_, fail) => setTimeout(() => fail(new Error(`${what}: the stream did not end`)), 1_000)),
  ]);
  assert.ok(Date.now() - started <= ACCESS_ENDS_WITHIN_MS + 1_000, `${what}: ended in time`);
}

async function expectOpen(stream: OpenedStream, what: string): Promise<void> {
  assert.ok(!stream.received().includes('access-ended'), `${what}: a stream whose access stays is not ended`);
  await stream.close();
}

async function openStream(h: AccessHarness, credential: StreamCredential): Promise<OpenedStream> {
  const stream = await openLiveStream(h.streamUrl, h.wsid, credential);
  assert.equal(stream.status, 200, stream.body);
  await stream.waitFor('event: snapshot');
  return stream;
}

/** A user that sees the service (shared with them), logged in twice. */
async function viewer(h: AccessHarness, name: string) {
  const password = `${name}-password-1`;
  const made = await callAs(h.changeUrl, h.admin, 'POST', '/api/users', { name, password });
  assert.equal(made.status, 201, JSON.stringify(made.json));
  const id = (made.json.results as { id: number }).id;
  const shared = await callAs(h.changeUrl, h.owner, 'POST', `/api/services/${h.wsid}/shares`, { user: name });
  assert.equal(shared.status, 200, JSON.stringify(shared.json));
  return {
    id,
    password,
    first: await loginAt(h.changeUrl, name, password),
    second: await loginAt(h.changeUrl, name, password),
  };
}

async function readToken(
  h: AccessHarness,
  session: WebSession,
  expiresIn = 'never',
): Promise<{ id: number; token: string }> {
  const made = await callAs(h.changeUrl, session, 'POST', '/api/tokens', { name: 'stream', expires_in: expiresIn });
  assert.equal(made.status, 201, JSON.stringify(made.json));
  return made.json.results as { id: number; token: string };
}

/** Registers one test per way access ends (call inside a describe whose before() sets up the harness). */
export function describeAccessEnding(harness: () => AccessHarness): void {
  it("ends a viewer's stream when the service is no longer shared with them", async () => {
    const h = harness();
    const v = await viewer(h, 'unshared');
    const stream = await openStream(h, { cookie: v.first.cookie });
    const owners = await openStream(h, { cookie: h.owner.cookie });
    const res = await callAs(h.changeUrl, h.owner, 'DELETE', `/api/services/${h.wsid}/shares/${v.id}`);
    assert.equal(res.status, 200);
    await expectEnded(stream, 'share removed');
    await expectOpen(owners, "the owner's");
  });

  it("ends a removed user's streams, by session and by token", async () => {
    const h = harness();
    const v = await viewer(h, 'removed');
    const { token } = await readToken(h, v.first);
    const bySession = await openStream(h, { cookie: v.first.cookie });
    const byToken = await openStream(h, token);
    assert.equal((await callAs(h.changeUrl, h.admin, 'DELETE', `/api/users/${v.id}`)).status, 200);
    await Promise.all([expectEnded(bySession, 'user removed (session)'), expectEnded(byToken, 'user removed (token)')]);
  });

  it("ends a user's streams when an admin resets their password, but not their tokens'", async () => {
    const h = harness();
    const v = await viewer(h, 'reset');
    const { token } = await readToken(h, v.first);
    const bySession = await openStream(h, { cookie: v.first.cookie });
    const byToken = await openStream(h, token);
    const res = await callAs(h.changeUrl, h.admin, 'PATCH', `/api/users/${v.id}`, { password: 'reset-password-2' });
    assert.equal(res.status, 200);
    await expectEnded(bySession, 'password reset');
    await expectOpen(byToken, 'a token, which a password reset leaves alone');
  });

  it("ends the streams of a user's other sessions when they change their own password, and keeps this one's", async () => {
    const h = harness();
    const v = await viewer(h, 'changer');
    const here = await openStream(h, { cookie: v.first.cookie });
    const elsewhere = await openStream(h, { cookie: v.second.cookie });
    const res = await callAs(h.changeUrl, v.first, 'POST', '/api/me/password', {
      current_password: v.password,
      password: 'changed-password-2',
    });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    await expectEnded(elsewhere, 'own password changed (other session)');
    await expectOpen(here, 'the session that changed it');
  });

  it("ends a session's streams when it logs out, and leaves its other sessions' alone", async () => {
    const h = harness();
    const v = await viewer(h, 'leaver');
    const leaving = await openStream(h, { cookie: v.first.cookie });
    const staying = await openStream(h, { cookie: v.second.cookie });
    const res = await callAs(h.changeUrl, v.first, 'POST', '/logout');
    assert.equal(res.status, 303);
    await expectEnded(leaving, 'logout');
    await expectOpen(staying, 'another session');
  });

  it("ends a token's streams when it is revoked, and answers its API calls 401 at once", async () => {
    const h = harness();
    const v = await viewer(h, 'revoked');
    const { id, token } = await readToken(h, v.first);
    const stream = await openStream(h, token);
    assert.equal((await callAs(h.changeUrl, v.first, 'DELETE', `/api/tokens/${id}`)).status, 200);
    // an API call where the stream is (another process, when there are two) is refused at once
    const call = await fetch(`${h.streamUrl}/${h.wsid}/data/latest`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(call.status, 401);
    await expectEnded(stream, 'token revoked');
  });

  it("ends a token's streams when it expires", async () => {
    const h = harness();
    const v = await viewer(h, 'expiring');
    const { id, token } = await readToken(h, v.first, '1h');
    const stream = await openStream(h, token);
    await h.expireToken(id);
    await expectEnded(stream, 'token expired');
  });
}
