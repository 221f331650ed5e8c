/**
 * Bearer batches on POST /data/collect (docs/protocol.md, "Bearer batches"):
 * plain JSON events with an ingest token, over every way in, on a real
 * store: stored with their fields and counted, ids making a resend store
 * nothing twice, history back to the retention horizon, gzip, the size
 * limits (a gzip bomb inflated no further than the limit), every kind of bad
 * token, and a batch refused whole for one bad event.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { BEARER_BODY_LIMIT } from '../../src/collect/endpoint.js';
import { type ListeningTmon, startListeningTmon, waitFor } from '../support/client-helpers.js';
import { COLLECT_TRANSPORTS, type CollectTmon } from '../support/collect-transports.js';
import { RawConnection } from '../support/raw-connection.js';
import { IPHONE_UA, JSON_TYPE } from '../support/senders.js';
import { addTestToken } from '../support/test-tmon.js';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const DAY_MS = 86_400_000;
const MIB = 1024 * 1024;

function logEvent(n: number, fields: object = {}): object {
  return { url: `/page/${n}`, ip: '8.8.8.8', useragent: IPHONE_UA, id: `l1-test-${n}`, ...fields };
}

const batch = (events: object[]) => JSON.stringify({ events });

/**
 * A gzip body that inflates to `members` × 64 MiB of zeros: gzip members one
 * after another inflate as one body, so it is cheap to make.
 */
function gzipBomb(members: number): Buffer {
  const member = gzipSync(Buffer.alloc(64 * MIB), { level: 9 });
  return Buffer.concat(Array.from({ length: members }, () => member));
}

for (const transport of COLLECT_TRANSPORTS) {
  describe(`bearer batches, ${transport.name}`, () => {
    let tmon: CollectTmon;
    let token: string;
    const bearer = (value: string) => ({ ...JSON_TYPE, authorization: `Bearer ${value}` });
    const send = (payload: string | Buffer, headers: Record<string, string> = bearer(token)) =>
      tmon.send({ headers, payload });
    const count = () => tmon.runtime.eventStore.countEvents(tmon.service.id);
    const refusal = (res: { statusCode: number; json(): { error: string } }) => [res.statusCode, res.json().error];

    before(async () => {
      tmon = await transport.start({ now: NOW });
      token = await addTestToken(tmon.runtime, 'alice', 'ingest', tmon.service.id);
    });
    after(() => tmon.close());

    it('stores a batch with its fields, answers after the commit and counts it', async () => {
      const accepted = tmon.runtime.counters.acceptedEvents;
      const ts = NOW - 3_600_000;
      const events = [
        logEvent(1, { ts, method: 'get', status: 404, duration_ms: 12.5, referrer: 'https://a.example/', vhost: 'a' }),
        logEvent(2, { username: 'ann' }),
      ];
      const res = await send(batch(events));
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), { status: 200, status_code: 200, accepted: 2 });
      assert.equal(tmon.runtime.counters.acceptedEvents, accepted + 2);
      const stored = await tmon.runtime.eventStore.latestEvents(tmon.service.id, 10);
      const first = stored.find((event) => event.id === 'l1-test-1');
      assert.ok(first, 'the first event is stored');
      assert.deepEqual(
        {
          url: first.url,
          ts: first.ts,
          method: first.method,
          status: first.status,
          durationMs: first.durationMs,
          referrer: first.referrer,
          extra: first.extra,
        },
        {
          url: '/page/1',
          ts,
          method: 'GET',
          status: 404,
          durationMs: 12.5,
          referrer: 'https://a.example/',
          extra: { vhost: 'a' },
        },
      );
      assert.equal(first.geo?.country, 'US');
      assert.equal(stored.find((event) => event.id === 'l1-test-2')?.username, 'ann');
    });

    it('stores nothing twice when a batch is sent again with its ids', async () => {
      const events = [logEvent(10), logEvent(11), logEvent(12)];
      assert.equal((await send(batch(events))).statusCode, 200);
      const before = await count();
      const again = await send(batch([...events, logEvent(13)]));
      assert.equal(again.statusCode, 200, again.body);
      assert.equal(again.json().accepted, 4);
      assert.equal(await count(), before + 1);
    });

    it('takes events back to the retention horizon (400 days without retention) and refuses older ones', async () => {
      const old = await send(batch([logEvent(20, { ts: NOW - 399 * DAY_MS })]));
      assert.equal(old.statusCode, 200, old.body);
      const older = await send(batch([logEvent(21), logEvent(22, { ts: NOW - 401 * DAY_MS })]));
      assert.deepEqual(refusal(older), [400, 'bad_event']);
      assert.match(older.json().message, /^event 1: ts is more than 400 days/);
    });

    it('reads a gzip-compressed batch', async () => {
      const body = gzipSync(batch([logEvent(30), logEvent(31)]));
      const res = await send(body, { ...bearer(token), 'content-encoding': 'gzip' });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().accepted, 2);
    });

    it('takes 10,000 events in one batch and refuses 10,001', async () => {
      const events = Array.from({ length: 10_000 }, (_, i) => logEvent(100_000 + i));
      const before = await count();
      const full = await send(gzipSync(batch(events)), { ...bearer(token), 'content-encoding': 'gzip' });
      assert.equal(full.statusCode, 200, full.body);
      assert.equal(await count(), before + 10_000);
      const over = await send(gzipSync(batch([...events, logEvent(1)])), {
        ...bearer(token),
        'content-encoding': 'gzip',
      });
      assert.deepEqual(refusal(over), [400, 'bad_batch_size']);
    });

    it('reads a plain batch of more than 1 MiB, and refuses one over 8 MiB', async () => {
      const padding = 'x'.repeat(3_000);
      const large = batch(Array.from({ length: 600 }, (_, i) => logEvent(200_000 + i, { note: padding })));
      assert.ok(large.length > 1.5 * MIB);
      const res = await send(large);
      assert.equal(res.statusCode, 200, res.body);
      const tooLarge = await send(`${large}${' '.repeat(BEARER_BODY_LIMIT + 1 - large.length)}`);
      assert.deepEqual(refusal(tooLarge), [413, 'body_too_large']);
    });

    it('refuses a body of 8 MiB and 1 byte once inflated, and a gzip bomb without inflating it all', async () => {
      const json = batch([logEvent(40)]);
      const inflated = `${json}${' '.repeat(BEARER_BODY_LIMIT + 1 - json.length)}`;
      const gzip = { ...bearer(token), 'content-encoding': 'gzip' };
      assert.deepEqual(refusal(await send(gzipSync(inflated), gzip)), [413, 'body_too_large']);
      const exactly = await send(gzipSync(inflated.slice(0, -1)), gzip);
      assert.equal(exactly.statusCode, 200, exactly.body);

      const rssBefore = process.memoryUsage().rss;
      const bomb = await send(gzipBomb(16), gzip); // 1 GiB once inflated, about 1 MiB as sent
      assert.deepEqual(refusal(bomb), [413, 'body_too_large']);
      const grown = process.memoryUsage().rss - rssBefore;
      assert.ok(grown < 512 * MIB, `memory grew by ${Math.round(grown / MIB)} MiB: the bomb was inflated`);
    });

    it('refuses a large body with a bad token before reading it, and a v2-sized one without a token', async () => {
      const large = ' '.repeat(2 * MIB);
      assert.deepEqual(refusal(await send(large, bearer('not-a-token'))), [401, 'unauthorized']);
      assert.deepEqual(refusal(await send(large, JSON_TYPE)), [413, 'body_too_large']);
    });

    it('answers 401 for a missing, malformed, unknown, revoked or expired token', async () => {
      const body = batch([logEvent(50)]);
      const before = await count();
      const unauthorized = tmon.runtime.counters.refusals.get('unauthorized') ?? 0;
      const cases: [string, Record<string, string>][] = [
        ['no Authorization', JSON_TYPE],
        ['another scheme', { ...JSON_TYPE, authorization: 'Basic YWxpY2U6cGFzcw==' }],
        ['Bearer without a token', { ...JSON_TYPE, authorization: 'Bearer' }],
        ['an unknown token', bearer('tmon_unknown')],
      ];
      for (const [name, headers] of cases) {
        const res = await send(body, headers);
        assert.deepEqual(refusal(res), [401, 'unauthorized'], name);
      }

      const user = await tmon.runtime.accounts.requireUser('alice');
      const revoked = await tmon.runtime.accounts.addToken({
        user,
        name: 'revoked',
        scope: 'ingest',
        serviceId: tmon.service.id,
      });
      assert.equal((await send(body, bearer(revoked.token))).statusCode, 200);
      await tmon.runtime.accounts.revokeToken(revoked.record.id, null);
      tmon.clock.advance(1_000); // a token found is trusted for up to 1 s
      assert.deepEqual(refusal(await send(body, bearer(revoked.token))), [401, 'unauthorized'], 'revoked');

      const expiring = await tmon.runtime.accounts.addToken({
        user,
        name: 'expiring',
        scope: 'ingest',
        serviceId: tmon.service.id,
        expires: '1h',
      });
      assert.equal((await send(body, bearer(expiring.token))).statusCode, 200);
      tmon.clock.advance(3_600_000);
      assert.deepEqual(refusal(await send(body, bearer(expiring.token))), [401, 'unauthorized'], 'expired');

      assert.equal(await count(), before + 1, 'the event of the accepted sends, once');
      assert.equal(tmon.runtime.counters.refusals.get('unauthorized'), unauthorized + cases.length + 2);
    });

    it('answers 403 for a read or admin token, and 401 for the token of a removed service', async () => {
      const body = batch([logEvent(60)]);
      for (const scope of ['read', 'admin'] as const) {
        const other = await addTestToken(tmon.runtime, 'alice', scope, scope === 'read' ? tmon.service.id : null);
        const res = await send(body, bearer(other));
        assert.deepEqual(refusal(res), [403, 'forbidden'], scope);
        assert.match(res.json().message, /scope ingest/);
      }
      const doomed = await tmon.runtime.accounts.addService({ name: 'doomed', ownerName: 'alice' });
      const doomedToken = await addTestToken(tmon.runtime, 'alice', 'ingest', doomed.id);
      assert.equal((await send(body, bearer(doomedToken))).statusCode, 200);
      await tmon.runtime.accounts.removeService(doomed.id);
      assert.deepEqual(refusal(await send(body, bearer(doomedToken))), [401, 'unauthorized'], 'at once');
      tmon.clock.advance(1_000);
      assert.deepEqual(refusal(await send(body, bearer(doomedToken))), [401, 'unauthorized'], 'a second later');
    });

    it('refuses the whole batch for one bad event, naming its index', async () => {
      const before = await count();
      const res = await send(batch([logEvent(70), logEvent(71), logEvent(72, { ip: 'nope' })]));
      assert.deepEqual(refusal(res), [400, 'bad_event']);
      assert.equal(res.json().message, 'event 2: ip is not a valid IP address');
      assert.equal(await count(), before);
    });

    it('refuses a bearer request whose body is not a batch', async () => {
      const cases: [string | Record<string, unknown>, number, string][] = [
        [{ events: [] }, 400, 'bad_batch_size'],
        [{ events: 'x' }, 400, 'invalid_field'],
        [{}, 400, 'missing_field'],
        [{ v: 2, events: [logEvent(80)] }, 400, 'bad_request'],
      ];
      for (const [body, status, error] of cases) {
        const res = await send(JSON.stringify(body));
        assert.deepEqual(refusal(res), [status, error], JSON.stringify(body));
      }
      const form = await send('wsid=1&data=x', {
        ...bearer(token),
        'content-type': 'application/x-www-form-urlencoded',
      });
      assert.deepEqual(refusal(form), [415, 'unsupported_media_type']);
    });
  });
}

describe('bearer batches with TMON_RETENTION_DAYS set', () => {
  let tmon: CollectTmon;
  let token: string;

  before(async () => {
    tmon = await (COLLECT_TRANSPORTS[0] as (typeof COLLECT_TRANSPORTS)[number]).start({
      now: NOW,
      env: { TMON_RETENTION_DAYS: '30' },
    });
    token = await addTestToken(tmon.runtime, 'alice', 'ingest', tmon.service.id);
  });
  after(() => tmon.close());

  it('takes history back to the retention horizon, no further', async () => {
    const headers = { ...JSON_TYPE, authorization: `Bearer ${token}` };
    const within = await tmon.send({ headers, payload: batch([logEvent(1, { ts: NOW - 29 * DAY_MS })]) });
    assert.equal(within.statusCode, 200, within.body);
    const beyond = await tmon.send({ headers, payload: batch([logEvent(2, { ts: NOW - 31 * DAY_MS })]) });
    assert.equal(beyond.statusCode, 400);
    assert.equal(beyond.json().message, 'event 0: ts is more than 30 days (TMON_RETENTION_DAYS) in the past');
  });
});

describe('bearer batches larger than a v2 batch, on a raw connection', () => {
  let tmon: ListeningTmon;
  let token: string;
  let port: number;

  before(async () => {
    tmon = await startListeningTmon({ now: NOW });
    token = await addTestToken(tmon.runtime, 'alice', 'ingest', tmon.service.id);
    port = Number(new URL(tmon.url).port);
  });
  after(() => tmon.close());

  /** a request's head and the start of its body (a chunk of it, when chunked) */
  const head = (authorization: string, framing: string) => {
    const start = '{"events":[';
    const body = framing.includes('chunked') ? `${start.length.toString(16)}\r\n${start}\r\n` : start;
    return (
      'POST /data/collect HTTP/1.1\r\nHost: tmon\r\nContent-Type: application/json\r\n' +
      `Authorization: ${authorization}\r\n${framing}\r\n\r\n${body}`
    );
  };

  for (const [name, framing] of [
    ['declared larger than 1 MiB', `Content-Length: ${BEARER_BODY_LIMIT}`],
    ['of unknown length (chunked)', 'Transfer-Encoding: chunked'],
    ['compressed', 'Content-Encoding: gzip\r\nContent-Length: 100000'],
  ] as const) {
    it(`answers 401 to a body ${name} with a bad token before reading it, and waits for it with a good one`, async () => {
      const refused = await RawConnection.open(port);
      const accepted = await RawConnection.open(port);
      try {
        refused.write(head('Bearer tmon_not_a_token', framing));
        accepted.write(head(`Bearer ${token}`, framing));
        await waitFor(() => refused.statuses().length > 0, 2_000);
        assert.deepEqual(refused.statuses(), [401]);
        await refused.closed(2_000);
        assert.ok(refused.isClosed, 'the connection is closed: its body is not read');
        assert.deepEqual(accepted.statuses(), [], 'the body of a good token is awaited');
        assert.ok(!accepted.isClosed);
      } finally {
        refused.destroy();
        accepted.destroy();
      }
    });
  }
});
