import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { lazyChildLogger } from '../../src/web/request-logging.js';
import { FORM, gen2Body } from '../support/senders.js';
import { startTestTmon, type TestTmon, VECTOR_SECRET } from '../support/test-tmon.js';

/** A pino logger at `level` whose lines land in `lines`, parsed. */
function memoryLogger(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level }, stream), lines };
}

describe('request logs', () => {
  let tmon: TestTmon;
  const { logger, lines } = memoryLogger('info');

  before(async () => {
    tmon = await startTestTmon({ logger });
  });
  after(() => tmon.close());

  it('logs every request at info except collect requests, which /metrics counts instead', async () => {
    lines.length = 0;
    const collected = await tmon.app.inject({
      method: 'POST',
      url: '/data/collect',
      headers: FORM,
      payload: gen2Body(1, VECTOR_SECRET, { url: '/', ip: '8.8.8.8', useragent: 'x' }),
    });
    assert.equal(collected.statusCode, 200);
    const refused = await tmon.app.inject({ method: 'POST', url: '/data/collect?x=1', headers: FORM, payload: 'x' });
    assert.equal(refused.statusCode, 400);
    assert.equal(lines.length, 0, 'nothing logged for collect requests, accepted or refused');

    const health = await tmon.app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(health.statusCode, 200);
    assert.equal(lines.length, 1, 'one line for the request');
    assert.equal(lines[0]?.msg, 'request completed');
    assert.equal(typeof lines[0]?.reqId, 'string');
  });

  it('logs one line per request at info, with its method, URL, status and time', async () => {
    for (const [url, status] of [
      ['/healthz', 200],
      ['/', 200],
      ['/no-such-page', 404],
      ['/view/dashboard', 303],
    ] as const) {
      lines.length = 0;
      const res = await tmon.app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, status, url);
      assert.equal(lines.length, 1, `${url}: ${JSON.stringify(lines)}`);
      const line = lines[0] as { level: number; req: { method: string; url: string }; res: { statusCode: number } };
      assert.equal(line.level, 30, 'info');
      assert.deepEqual({ method: line.req.method, url: line.req.url }, { method: 'GET', url });
      assert.equal(line.res.statusCode, status);
      assert.equal(typeof (line as { responseTime?: unknown }).responseTime, 'number');
    }
  });

  it('does not take a path that only starts like collect for collect', async () => {
    lines.length = 0;
    await tmon.app.inject({ method: 'GET', url: '/data/collector' });
    assert.deepEqual(
      lines.map((line) => line.msg),
      ['request completed'],
    );
  });

  it('keeps the line of the request coming in at debug, for requests that never complete', async () => {
    const debug = memoryLogger('debug');
    const verbose = await startTestTmon({ logger: debug.logger });
    try {
      await verbose.app.inject({ method: 'GET', url: '/healthz' });
      assert.deepEqual(
        debug.lines.filter((line) => line.reqId !== undefined).map((line) => [line.msg, line.level]),
        [
          ['incoming request', 20],
          ['request completed', 30],
        ],
      );
    } finally {
      await verbose.close();
    }
  });
});

describe('lazyChildLogger', () => {
  it('makes no child for a level that logs nothing, and one child with the bindings once something logs', () => {
    const { logger, lines } = memoryLogger('warn');
    let children = 0;
    const child = logger.child.bind(logger);
    logger.child = ((...args: Parameters<typeof child>) => {
      children++;
      return child(...args);
    }) as typeof logger.child;

    const requestLog = lazyChildLogger(logger, { reqId: 'req-1' }, {});
    requestLog.info('not at warn');
    requestLog.debug('nor this');
    assert.equal(children, 0);
    assert.equal(lines.length, 0);

    requestLog.error({ code: 7 }, 'first');
    requestLog.warn('second');
    assert.equal(children, 1);
    assert.deepEqual(
      lines.map((line) => [line.reqId, line.msg, line.level]),
      [
        ['req-1', 'first', 50],
        ['req-1', 'second', 40],
      ],
    );
    assert.equal(lines[0]?.code, 7);
    assert.equal(requestLog.level, 'warn');
  });

  it('makes the child at once when the route sets a level of its own', () => {
    const { logger, lines } = memoryLogger('warn');
    const requestLog = lazyChildLogger(logger, { reqId: 'req-2' }, { level: 'debug' });
    requestLog.debug('route level');
    assert.deepEqual(
      lines.map((line) => [line.reqId, line.msg]),
      [['req-2', 'route level']],
    );
  });
});
