/**
 * POST /v1/traces with hand-built OTLP exports (docs/opentelemetry.md), on a
 * real store: the mapping of both semantic-convention generations, both
 * encodings and their answers, partial success, spans ignored and counted,
 * resends, the extra properties' limits, and every refusal with its status
 * and nothing stored. test/api/otlp-sdk.test.ts sends the same way from the
 * real OpenTelemetry SDK.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { BEARER_BODY_LIMIT } from '../../src/collect/endpoint.js';
import {
  attributes,
  decodeProtobufResponse,
  decodeProtobufStatus,
  protobufExport,
  SPAN_KIND,
  serverSpan,
  spanIds,
  traceExport,
} from '../support/otlp-exports.js';
import { IPHONE_UA } from '../support/senders.js';
import { addTestToken, startTestTmon, type TestTmon } from '../support/test-tmon.js';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const MIB = 1024 * 1024;
const PROTOBUF = 'application/x-protobuf';
const JSON_MEDIA = 'application/json';

describe('POST /v1/traces', () => {
  let tmon: TestTmon;
  let token: string;
  let adminToken: string;

  const post = (payload: string | Buffer, type: string, headers: Record<string, string> = {}) =>
    tmon.app.inject({
      method: 'POST',
      url: '/v1/traces',
      headers: { 'content-type': type, authorization: `Bearer ${token}`, ...headers },
      payload,
    });
  const postJson = (exported: object, headers?: Record<string, string>) =>
    post(JSON.stringify(exported), JSON_MEDIA, headers);
  const stored = () => tmon.runtime.eventStore.latestEvents(tmon.service.id, 1000);
  const storedById = async (n: number) => {
    const { traceId, spanId } = spanIds(n);
    return (await stored()).find((event) => event.id?.endsWith(`-${traceId}-${spanId}`));
  };
  const count = () => tmon.runtime.eventStore.countEvents(tmon.service.id);
  const metric = async (name: string) => {
    const res = await tmon.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${adminToken}` } });
    const line = res.body.split('\n').find((l) => l.startsWith(`${name} `));
    assert.ok(line, `no ${name} in /metrics`);
    return Number(line.slice(name.length + 1));
  };
  /** a JSON refusal: its status, tmon's code (the message's start) and that its body is a google.rpc.Status */
  const jsonRefusal = (res: { statusCode: number; json(): { code: number; message: string } }) => {
    const { code, message } = res.json();
    assert.equal(typeof code, 'number');
    return [res.statusCode, message.split(':')[0]];
  };

  before(async () => {
    tmon = await startTestTmon({ now: NOW });
    token = await addTestToken(tmon.runtime, 'alice', 'ingest', tmon.service.id);
    adminToken = await addTestToken(tmon.runtime, 'admin');
  });
  after(() => tmon.close());

  it('stores an HTTP server span of a JSON export as an event, and answers an empty ExportTraceServiceResponse', async () => {
    const span = serverSpan(1, NOW - 2_000, 12.5, {
      'http.request.method': 'POST',
      'url.path': '/users/7',
      'url.query': 'tab=orders',
      'http.route': '/users/:id',
      'client.address': '81.2.69.142',
      'network.peer.address': '10.0.0.9',
      'user_agent.original': IPHONE_UA,
      'http.response.status_code': 201,
      'enduser.id': 'ann',
      'http.request.header.referer': ['https://example.org/start'],
      'server.port': 8080,
    });
    const res = await postJson(traceExport([span], { 'service.name': 'shop', 'deployment.environment': 'prod' }));
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    assert.deepEqual(res.json(), {});
    const event = await storedById(1);
    assert.ok(event, 'the span is stored');
    assert.deepEqual(
      {
        url: event.url,
        ip: event.ip,
        useragent: event.useragent,
        username: event.username,
        ts: event.ts,
        method: event.method,
        status: event.status,
        durationMs: event.durationMs,
        referrer: event.referrer,
        extra: event.extra,
      },
      {
        url: '/users/7?tab=orders',
        ip: '81.2.69.142',
        useragent: IPHONE_UA,
        username: 'ann',
        ts: NOW - 2_000,
        method: 'POST',
        status: 201,
        durationMs: 12.5,
        referrer: 'https://example.org/start',
        extra: {
          'http.route': '/users/:id',
          'service.name': 'shop',
          'server.port': 8080,
          'deployment.environment': 'prod',
        },
      },
    );
    assert.equal(event.geo?.country, 'GB');
    assert.equal(event.agent?.os, 'iOS');
    // the span's identity, its start first (ids are a unique index: ids that grow with time append to it)
    const { traceId, spanId } = spanIds(1);
    assert.equal(event.id, `otel-${(NOW - 2_000).toString(36)}-${traceId}-${spanId}`);
  });

  it('reads a protobuf export and answers in protobuf, gzip-compressed or not', async () => {
    const body = protobufExport(traceExport([serverSpan(2, NOW - 1_000, 3)]));
    const res = await post(body, PROTOBUF);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], PROTOBUF);
    assert.deepEqual(decodeProtobufResponse(res.rawPayload), {});
    assert.equal((await storedById(2))?.durationMs, 3);

    const gzipped = await post(gzipSync(protobufExport(traceExport([serverSpan(3, NOW, 1)]))), PROTOBUF, {
      'content-encoding': 'gzip',
    });
    assert.equal(gzipped.statusCode, 200, gzipped.body);
    assert.ok(await storedById(3));
  });

  it('maps the older semantic-convention names, preferring the forwarded client address to the peer', async () => {
    const start = BigInt(NOW - 5_000) * 1_000_000n;
    const span = {
      ...spanIds(4),
      kind: SPAN_KIND.server,
      startTimeUnixNano: String(start),
      endTimeUnixNano: String(start + 250_000_000n),
      attributes: attributes({
        'http.method': 'GET',
        'http.target': '/search?q=tmon',
        'http.status_code': 404,
        'net.sock.peer.addr': '10.1.2.3',
        'http.client_ip': '8.8.4.4',
        'http.user_agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
        'http.route': '/search',
      }),
    };
    const res = await post(protobufExport(traceExport([span])), PROTOBUF);
    assert.equal(res.statusCode, 200);
    const event = await storedById(4);
    assert.deepEqual(
      [event?.url, event?.ip, event?.status, event?.method, event?.durationMs, event?.agent?.browser],
      ['/search?q=tmon', '8.8.4.4', 404, 'GET', 250, 'Firefox'],
    );
    assert.deepEqual(event?.extra, { 'http.route': '/search', 'service.name': 'shop' });
  });

  it('takes the path of url.full, and the peer address when no forwarded one is reported', async () => {
    const span = serverSpan(5, NOW, 1, {
      'url.full': 'https://shop.example/cart?x=1',
      'network.peer.address': '9.9.9.9',
    });
    span.attributes = span.attributes?.filter(({ key }) => key !== 'url.path' && key !== 'client.address');
    assert.equal((await postJson(traceExport([span]))).statusCode, 200);
    const event = await storedById(5);
    assert.deepEqual([event?.url, event?.ip], ['/cart?x=1', '9.9.9.9']);
  });

  it('ignores spans that are not HTTP server spans and counts them in /metrics', async () => {
    const ignoredBefore = await metric('tmon_otlp_spans_ignored_total');
    const before = await count();
    const internal = { ...serverSpan(10, NOW, 1), kind: SPAN_KIND.internal };
    const client = { ...serverSpan(11, NOW, 1), kind: SPAN_KIND.client };
    const notHttp = { ...serverSpan(12, NOW, 1), attributes: attributes({ 'rpc.system': 'grpc' }) };
    const res = await postJson(traceExport([internal, serverSpan(13, NOW, 1), client, notHttp]));
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), {});
    assert.equal(await count(), before + 1);
    assert.ok(await storedById(13));
    assert.equal(await metric('tmon_otlp_spans_ignored_total'), ignoredBefore + 3);
  });

  it('stores the good spans of an export and reports the others as a partial success, in either encoding', async () => {
    const rejectedBefore = await metric('tmon_otlp_spans_rejected_total');
    const noAddress = serverSpan(20, NOW, 1, { 'client.address': 'shop-frontend.internal' });
    const badStatus = serverSpan(21, NOW, 1, { 'http.response.status_code': 0 });
    const good = serverSpan(22, NOW, 1);
    const before = await count();
    const res = await postJson(traceExport([noAddress, good, badStatus]));
    assert.equal(res.statusCode, 200, res.body);
    const { partialSuccess } = res.json();
    assert.equal(partialSuccess.rejectedSpans, '2');
    assert.match(
      partialSuccess.errorMessage,
      new RegExp(
        `^2 of 3 HTTP server spans could not become events; the first, span ${noAddress.spanId}: it has no client address`,
      ),
    );
    assert.equal(await count(), before + 1);

    const tooOld = serverSpan(23, NOW - 401 * 86_400_000, 1);
    const proto = await post(protobufExport(traceExport([tooOld, serverSpan(24, NOW, 1)])), PROTOBUF);
    assert.equal(proto.statusCode, 200);
    const answer = decodeProtobufResponse(proto.rawPayload);
    assert.equal(answer.partialSuccess?.rejectedSpans, '1');
    assert.match(answer.partialSuccess?.errorMessage ?? '', /ts is more than 400 days .* in the past/);
    assert.ok(await storedById(24));
    assert.equal(await metric('tmon_otlp_spans_rejected_total'), rejectedBefore + 3);
  });

  it('stores nothing twice when an exporter sends the same spans again', async () => {
    const exported = traceExport([serverSpan(30, NOW, 1), serverSpan(31, NOW, 2)]);
    assert.equal((await postJson(exported)).statusCode, 200);
    const before = await count();
    assert.equal((await post(protobufExport(exported), PROTOBUF)).statusCode, 200);
    assert.equal((await postJson(exported)).statusCode, 200);
    assert.equal(await count(), before);
  });

  it('keeps http.route and the service first and leaves out, predictably, what passes the extra limits', async () => {
    const big = 'x'.repeat(1_500);
    const deep = {
      key: 'deep',
      value: {
        kvlistValue: { values: [{ key: 'a', value: { arrayValue: { values: [{ arrayValue: { values: [] } }] } } }] },
      },
    };
    const span = serverSpan(40, NOW, 1, {
      'a.first': big,
      'b.second': big,
      'c.third': big,
      'd.small': 'kept',
      'http.route': '/r',
    });
    span.attributes?.push(deep as never);
    const res = await postJson(traceExport([span], { 'service.name': 'shop', 'z.resource': big }));
    assert.equal(res.statusCode, 200, res.body);
    const extra = (await storedById(40))?.extra ?? {};
    assert.deepEqual(Object.keys(extra), ['http.route', 'service.name', 'a.first', 'b.second', 'd.small']);
    assert.ok(Buffer.byteLength(JSON.stringify(extra)) <= 4096);
  });

  it('does not keep what says nothing about the visit, nor text that is not valid Unicode', async () => {
    const span = serverSpan(45, NOW, 1, { 'network.peer.port': 51234, 'http.route': '/x', 'app.note': 'kept' });
    // JSON's \ud800 escape makes a lone surrogate, which no store keeps
    const body = JSON.stringify(
      traceExport([span], {
        'service.name': 'shop',
        'host.name': 'web-1',
        'host.arch': 'amd64',
        'telemetry.sdk.language': 'nodejs',
        'process.pid': '4242',
        'os.type': 'linux',
      }),
    ).replace('"kept"}', '"kept"}},{"key":"app.broken","value":{"stringValue":"\\ud800"}');
    const res = await post(body, JSON_MEDIA);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual((await storedById(45))?.extra, {
      'http.route': '/x',
      'service.name': 'shop',
      'app.note': 'kept',
      'host.name': 'web-1',
    });
  });

  it('rejects a server span that ends before it starts, or whose url is not valid Unicode', async () => {
    const backwards = { ...serverSpan(46, NOW, 1), endTimeUnixNano: String(BigInt(NOW - 1) * 1_000_000n) };
    const broken = serverSpan(47, NOW, 1);
    const body = JSON.stringify(traceExport([backwards, broken])).replace('/page/47', '/page/\\udc00');
    const res = await post(body, JSON_MEDIA);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().partialSuccess.rejectedSpans, '2');
    assert.match(res.json().partialSuccess.errorMessage, /it ends before it starts$/);
    assert.equal(await storedById(46), undefined);
    assert.equal(await storedById(47), undefined);
  });

  it('answers 400 with a google.rpc.Status to a body that is not an export, and stores nothing', async () => {
    const before = await count();
    const garbage = await post(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]), PROTOBUF);
    assert.equal(garbage.statusCode, 400);
    assert.equal(garbage.headers['content-type'], PROTOBUF);
    const status = decodeProtobufStatus(garbage.rawPayload);
    assert.equal(status.code, 3);
    assert.match(status.message, /^bad_request: the body is not a protobuf ExportTraceServiceRequest/);

    const notUtf8 = protobufExport(traceExport([serverSpan(51, NOW, 1, { 'url.path': '/caf\u00e9' })]));
    notUtf8[notUtf8.indexOf(Buffer.from('caf\u00e9')) + 3] = 0xff;
    const invalidText = await post(notUtf8, PROTOBUF);
    assert.equal(invalidText.statusCode, 400);
    assert.match(decodeProtobufStatus(invalidText.rawPayload).message, /invalid UTF-8/);

    assert.deepEqual(jsonRefusal(await post('{"resourceSpans": [', JSON_MEDIA)), [400, 'bad_json']);
    assert.deepEqual(jsonRefusal(await postJson({ resourceSpans: {} })), [400, 'bad_request']);
    const badValue = traceExport([serverSpan(50, NOW, 1)]);
    badValue.resourceSpans[0]?.scopeSpans[0]?.spans[0]?.attributes?.push({ key: 'n', value: { intValue: 'many' } });
    const refused = await postJson(badValue);
    assert.deepEqual(jsonRefusal(refused), [400, 'bad_request']);
    assert.match(refused.json().message, /spans\[0\]\.attributes\[5\]\.value: intValue must be an integer/);
    assert.deepEqual(jsonRefusal(await post(Buffer.from('not gzip'), JSON_MEDIA, { 'content-encoding': 'gzip' })), [
      400,
      'bad_request',
    ]);
    assert.equal(await count(), before);
  });

  it('takes 10,000 HTTP server spans in one export and refuses 10,001, storing none of them', async () => {
    const spans = Array.from({ length: 10_001 }, (_, i) => serverSpan(100_000 + i, NOW, 1));
    const before = await count();
    const over = await post(protobufExport(traceExport(spans)), PROTOBUF);
    assert.equal(over.statusCode, 400);
    assert.match(decodeProtobufStatus(over.rawPayload).message, /^bad_batch_size: an export may hold up to 10000/);
    assert.equal(await count(), before);
    const full = await post(protobufExport(traceExport(spans.slice(1))), PROTOBUF);
    assert.equal(full.statusCode, 200, full.body);
    assert.equal(await count(), before + 10_000);
  });

  it('answers 415 to another content type or coding, in JSON', async () => {
    const body = JSON.stringify(traceExport([serverSpan(60, NOW, 1)]));
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/grpc']) {
      const res = await post(body, type);
      assert.deepEqual(jsonRefusal(res), [415, 'unsupported_media_type'], type);
    }
    const noType = await tmon.app.inject({
      method: 'POST',
      url: '/v1/traces',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.deepEqual(jsonRefusal(noType), [415, 'unsupported_media_type']);
    assert.deepEqual(jsonRefusal(await post(body, JSON_MEDIA, { 'content-encoding': 'br' })), [
      415,
      'unsupported_media_type',
    ]);
    assert.equal(await storedById(60), undefined);
  });

  it('answers 401 without a valid ingest token and 403 to a token of another scope, storing nothing', async () => {
    const body = protobufExport(traceExport([serverSpan(70, NOW, 1)]));
    const unauthorized = async (headers: Record<string, string>) => {
      const res = await tmon.app.inject({
        method: 'POST',
        url: '/v1/traces',
        headers: { 'content-type': PROTOBUF, ...headers },
        payload: body,
      });
      return [res.statusCode, decodeProtobufStatus(res.rawPayload)];
    };
    const [status, answer] = await unauthorized({});
    assert.equal(status, 401);
    assert.deepEqual(answer, {
      code: 16,
      message: 'unauthorized: send an ingest token as Authorization: Bearer <token>',
    });
    assert.equal((await unauthorized({ authorization: 'Bearer tmon_unknown' }))[0], 401);
    assert.equal((await unauthorized({ authorization: 'Basic YWxpY2U6cGFzcw==' }))[0], 401);

    const user = await tmon.runtime.accounts.requireUser('alice');
    const revoked = await tmon.runtime.accounts.addToken({
      user,
      name: 'revoked',
      scope: 'ingest',
      serviceId: tmon.service.id,
    });
    await tmon.runtime.accounts.revokeToken(revoked.record.id, null);
    assert.equal((await unauthorized({ authorization: `Bearer ${revoked.token}` }))[0], 401);

    for (const scope of ['read', 'admin'] as const) {
      const other = await addTestToken(tmon.runtime, 'alice', scope, scope === 'read' ? tmon.service.id : null);
      const [forbidden, why] = await unauthorized({ authorization: `Bearer ${other}` });
      assert.equal(forbidden, 403, scope);
      assert.match((why as { message: string }).message, /^forbidden: this token has scope/);
    }
    assert.equal(await storedById(70), undefined);
  });

  it('answers 413 to a body over 8 MiB, as sent or once inflated, and to a gzip bomb', async () => {
    const before = await count();
    const padded = Buffer.concat([
      protobufExport(traceExport([serverSpan(80, NOW, 1)])),
      Buffer.alloc(BEARER_BODY_LIMIT),
    ]);
    const tooLarge = await post(padded, PROTOBUF);
    assert.equal(tooLarge.statusCode, 413);
    assert.match(decodeProtobufStatus(tooLarge.rawPayload).message, /^body_too_large/);

    const rssBefore = process.memoryUsage().rss;
    const member = gzipSync(Buffer.alloc(64 * MIB), { level: 9 });
    const bomb = Buffer.concat(Array.from({ length: 16 }, () => member)); // 1 GiB once inflated
    const res = await post(bomb, PROTOBUF, { 'content-encoding': 'gzip' });
    assert.equal(res.statusCode, 413);
    const grown = process.memoryUsage().rss - rssBefore;
    assert.ok(grown < 512 * MIB, `memory grew by ${Math.round(grown / MIB)} MiB: the bomb was inflated`);
    assert.equal(await count(), before);
  });

  it('answers 503 with Retry-After when the store cannot take the export, storing nothing', async () => {
    const fresh = await startTestTmon({ now: NOW });
    try {
      const ingest = await addTestToken(fresh.runtime, 'alice', 'ingest', fresh.service.id);
      await fresh.runtime.buffer.close();
      const res = await fresh.app.inject({
        method: 'POST',
        url: '/v1/traces',
        headers: { 'content-type': JSON_MEDIA, authorization: `Bearer ${ingest}` },
        payload: JSON.stringify(traceExport([serverSpan(90, NOW, 1)])),
      });
      assert.equal(res.statusCode, 503, res.body);
      assert.ok(Number(res.headers['retry-after']) > 0);
      assert.equal(res.json().code, 14);
    } finally {
      await fresh.close();
    }
  });
});
