/**
 * /api/openapi.json: a valid OpenAPI 3.1 document, describing every JSON
 * route fastify has and nothing else, whose response schemas real answers
 * meet. A route added without a description fails here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { FastifyInstance } from 'fastify';
import { gen2Body, IPHONE_UA, JSON_TYPE, v2Body, WINDOWS_CHROME_UA } from '../support/senders.js';
import { injectLogin, startTestTmon, type TestTmon, VECTOR_SECRET } from '../support/test-tmon.js';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 30);

/** HTML pages, files and the collect route's 405 refusals: not part of the JSON API, so not described. */
const NOT_DESCRIBED = new Set([
  'GET /',
  'GET /login',
  'GET /logout',
  'POST /logout',
  'GET /view/dashboard',
  'GET /view/dashboard/:wsid',
  'GET /admin',
  'GET /assets/:file',
  'GET /favicon.svg',
  'GET /favicon.ico',
  ...['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'].map((method) => `${method} /data/collect`),
]);

interface OpenApiDocument {
  openapi: string;
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>
  >;
}

/** Every method and path fastify routes, read from printRoutes' tree (HEAD, made by fastify for each GET, left out). */
function registeredRoutes(app: FastifyInstance): string[] {
  const routes: string[] = [];
  const prefixes: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)(?:[└├]── )?(\S+) \(([^)]+)\)$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4 + (line.includes('── ') ? 1 : 0);
    const segment = match[2]!;
    prefixes.length = depth;
    const parent = prefixes.at(-1) ?? '';
    const path = segment.startsWith('/') || parent.endsWith('/') ? parent + segment : `${parent}/${segment}`;
    prefixes.push(path);
    for (const method of match[3]!.split(', ')) if (method !== 'HEAD') routes.push(`${method} ${path}`);
  }
  return routes.sort();
}

/** The document's operations as `METHOD /path/:param`, fastify's spelling. */
function describedRoutes(document: OpenApiDocument): string[] {
  return Object.entries(document.paths)
    .flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    )
    .sort();
}

describe('the OpenAPI description', () => {
  let tmon: TestTmon;
  let document: OpenApiDocument;
  const ajv = new Ajv2020({ strict: false, allErrors: true });

  /** Checks an answer against the schema the document gives for its route, status and JSON body. */
  function assertDescribed(path: string, method: string, status: number, body: unknown) {
    const responses = document.paths[path]?.[method]?.responses;
    assert.ok(responses, `the document describes ${method} ${path}`);
    const response = responses[String(status)] ?? responses[`${String(status)[0]}XX`];
    const schema = response?.content?.['application/json']?.schema;
    assert.ok(schema, `${method} ${path} describes a JSON answer for ${status}`);
    const validate = ajv.compile(schema);
    assert.ok(
      validate(body),
      `${method} ${path} ${status}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`,
    );
  }

  before(async () => {
    tmon = await startTestTmon({ now: NOW });
    const events = [
      { url: '/home', ip: '8.8.8.8', useragent: WINDOWS_CHROME_UA, id: 'a-1', method: 'GET', status: 200 },
      { url: '/cart', ip: '81.2.69.142', useragent: IPHONE_UA, duration_ms: 12.5, plan: { tier: 'pro' } },
    ];
    const sent = await tmon.app.inject({
      method: 'POST',
      url: '/data/collect',
      headers: JSON_TYPE,
      payload: v2Body(1, VECTOR_SECRET, events, NOW),
    });
    assert.equal(sent.statusCode, 200, sent.body);
    const res = await tmon.app.inject({ method: 'GET', url: '/api/openapi.json' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    document = res.json();
  });
  after(() => tmon.close());

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document) as unknown as Record<string, unknown>);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
    assert.equal(validator.version, '3.1');
  });

  it('describes every JSON route fastify has, and no route it lacks', () => {
    const registered = registeredRoutes(tmon.app);
    assert.ok(registered.includes('GET /:wsid/data/latest'), `routes read from printRoutes: ${registered}`);
    const expected = registered.filter((route) => !NOT_DESCRIBED.has(route));
    assert.deepEqual(describedRoutes(document), expected);
    for (const hidden of NOT_DESCRIBED) assert.ok(registered.includes(hidden), `${hidden} is still a route`);
  });

  it('gives every operation a summary, a tag, and the schema of its answer', () => {
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations) as [string, Record<string, unknown>][]) {
        const route = `${method.toUpperCase()} ${path}`;
        assert.ok(operation.summary, `${route} has a summary`);
        assert.ok((operation.tags as string[] | undefined)?.length, `${route} has a tag`);
        const responses = operation.responses as Record<string, { content?: Record<string, { schema?: object }> }>;
        const success = Object.entries(responses).filter(([status]) => status.startsWith('2'));
        assert.ok(success.length > 0, `${route} describes its success`);
        for (const [status, response] of success) {
          const schemas = Object.values(response.content ?? {}).map((media) => media.schema);
          assert.ok(schemas.length > 0 && schemas.every(Boolean), `${route} ${status} has a schema`);
        }
      }
    }
  });

  it('describes the collect bodies: v2 and bearer batches as JSON, Gen 2 and Gen 1 as forms', () => {
    const collect = document.paths['/data/collect']?.post as unknown as { requestBody?: { content: object } };
    assert.ok(collect?.requestBody, 'POST /data/collect has a request body');
    const content = collect.requestBody.content as Record<
      string,
      { schema: { title?: string; anyOf?: { title: string }[] } }
    >;
    const json = content['application/json']?.schema.anyOf?.map((s) => s.title) ?? [];
    assert.deepEqual(
      json.map((title) => title.split(' (')[0]),
      ['v2', 'bearer batch'],
    );
    const forms = content['application/x-www-form-urlencoded']?.schema.anyOf?.map((s) => s.title) ?? [];
    assert.deepEqual(
      forms.map((title) => title.split(' (')[0]),
      ['Gen 2', 'Gen 1'],
    );
  });

  it('describes the OpenTelemetry route: protobuf and JSON bodies, answers in both encodings', () => {
    const traces = document.paths['/v1/traces']?.post as unknown as {
      requestBody?: { content: Record<string, unknown> };
      responses: Record<string, { content?: Record<string, unknown> }>;
    };
    assert.ok(traces?.requestBody, 'POST /v1/traces has a request body');
    assert.deepEqual(Object.keys(traces.requestBody.content).sort(), ['application/json', 'application/x-protobuf']);
    for (const status of ['200', '4XX', '5XX']) {
      assert.deepEqual(Object.keys(traces.responses[status]?.content ?? {}).sort(), [
        'application/json',
        'application/x-protobuf',
      ]);
    }
  });

  it('matches real answers of the query API', async () => {
    const get = (url: string) =>
      tmon.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tmon.aliceToken}` } });
    for (const dimension of ['country', 'city', 'os', 'device', 'browser', 'url']) {
      const res = await get(`/1/data/users/${dimension}`);
      assert.equal(res.statusCode, 200, res.body);
      assert.ok(res.json().results.length > 0, `${dimension} has rows`);
      assertDescribed('/{wsid}/data/users/{dimension}', 'get', 200, res.json());
    }
    const points = await get('/1/data/users/locations/90/180/-90/-180');
    assertDescribed('/{wsid}/data/users/locations/{neLat}/{neLng}/{swLat}/{swLng}', 'get', 200, points.json());
    const series = await get('/1/data/requests/minute/5');
    assertDescribed('/{wsid}/data/requests/{resolution}/{limit}', 'get', 200, series.json());
    const latest = await get('/1/data/latest');
    assertDescribed('/{wsid}/data/latest', 'get', 200, latest.json());
    assert.deepEqual(latest.json().results[0].extra, { plan: { tier: 'pro' } }, 'extra fields survive serialisation');
    const missing = await get('/2/data/latest');
    assertDescribed('/{wsid}/data/latest', 'get', 404, missing.json());
  });

  it('matches real answers of the admin API, with a session and with a token', async () => {
    const session = await injectLogin(tmon, 'alice', 'alice-password-1');
    const asAlice = (method: 'GET' | 'POST', url: string, payload?: object) =>
      tmon.app.inject({
        method,
        url,
        headers: { cookie: session.cookie, 'x-csrf-token': session.csrf },
        ...(payload ? { payload } : {}),
      });
    const services = await asAlice('GET', '/api/services');
    assertDescribed('/api/services', 'get', 200, services.json());
    assert.equal(services.json().results[0].secret, VECTOR_SECRET, 'the owner still sees the secret');
    const created = await asAlice('POST', '/api/tokens', { name: 'reader', scope: 'read' });
    assert.equal(created.statusCode, 201, created.body);
    assertDescribed('/api/tokens', 'post', 201, created.json());
    const tokens = await asAlice('GET', '/api/tokens');
    assertDescribed('/api/tokens', 'get', 200, tokens.json());
    const me = await tmon.app.inject({
      url: '/api/me',
      headers: { authorization: `Bearer ${created.json().results.token}` },
    });
    assertDescribed('/api/me', 'get', 200, me.json());
    const users = await asAlice('GET', '/api/users');
    assertDescribed('/api/users', 'get', 403, users.json());
    const login = await tmon.app.inject({
      method: 'POST',
      url: '/login',
      headers: JSON_TYPE,
      payload: { username: 'alice', password: 'alice-password-1' },
    });
    assertDescribed('/login', 'post', 200, login.json());
  });

  it('matches real answers of collect and health', async () => {
    const event = { url: '/', ip: '8.8.8.8', useragent: 'x' };
    const accepted = await tmon.app.inject({
      method: 'POST',
      url: '/data/collect',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: gen2Body(1, VECTOR_SECRET, event),
    });
    assertDescribed('/data/collect', 'post', 200, accepted.json());
    const refused = await tmon.app.inject({
      method: 'POST',
      url: '/data/collect',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: gen2Body(1, 'not-the-secret-not-the-secret-00', event),
    });
    assert.equal(refused.statusCode, 403);
    assertDescribed('/data/collect', 'post', 403, refused.json());
    const health = await tmon.app.inject({ url: '/healthz' });
    assertDescribed('/healthz', 'get', 200, health.json());
  });
});
