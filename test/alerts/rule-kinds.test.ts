/**
 * Each kind of alert rule on traffic sent through the real collect path to
 * a real tmon (SQLite, injected clock), evaluated as the server does: the
 * test moves the clock one evaluation period at a time and runs a round.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { AlertRule } from '../../src/alerts/rules.js';
import type { AlertTransition } from '../../src/store/alert-rule-store.js';
import { sendTraffic, spread, type TrafficEvent } from '../support/alert-traffic.js';
import { addTestToken, startTestTmon, type TestTmon } from '../support/test-tmon.js';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 30);
const SECOND = 1_000;
const MINUTE = 60_000;
const DAY = 86_400_000;
/** the evaluation period these tests step by (the default setting) */
const PERIOD = 10 * SECOND;

describe('alert rules on real traffic', () => {
  let tmon: TestTmon;
  let token: string;

  beforeEach(async () => {
    // the server's own timer stays out of the way: the test runs each round itself
    tmon = await startTestTmon({ now: NOW, env: { TMON_ALERT_INTERVAL_SECONDS: '3600' } });
    token = await addTestToken(tmon.runtime, 'alice', 'ingest', tmon.service.id);
  });
  afterEach(() => tmon.close());

  const serviceId = () => tmon.service.id;
  const send = (events: TrafficEvent[]) => sendTraffic(tmon.app, token, events);
  const now = () => tmon.clock.now;
  async function addRule(input: Record<string, unknown>): Promise<AlertRule> {
    const rule = await tmon.runtime.alertRules.add(serviceId(), input);
    assert.ok(!('refused' in rule), JSON.stringify(rule));
    return rule;
  }
  /** one period later, one round */
  async function step(ms = PERIOD) {
    tmon.clock.advance(ms);
    return tmon.runtime.alertEvaluator.evaluateNow();
  }
  const kinds = async (): Promise<AlertTransition['kind'][]> =>
    (await tmon.runtime.alertRules.transitions(serviceId())).map((t) => t.kind).reverse();

  it('spike: fires within two evaluation periods of the rate crossing, and resolves after', async () => {
    await addRule({ name: 'traffic spike', kind: 'spike', windowSeconds: 60, threshold: 100 });
    await send(spread(60, now() - 60 * SECOND, now()));
    await step();
    assert.deepEqual(await kinds(), [], '60 requests in a minute is below 100');
    // the rate crosses: 200 requests in the next 10 s
    const crossing = now();
    await send(spread(200, now(), now() + PERIOD));
    await step();
    await step();
    const [fired] = await tmon.runtime.alertRules.transitions(serviceId());
    assert.equal(fired?.kind, 'fired');
    assert.ok(fired.at - crossing <= 2 * PERIOD, `fired ${fired.at - crossing} ms after the crossing`);
    assert.match(fired.message, /^shop: \d{3} requests in 1 min, above 100 \(spike rule "traffic spike"\)$/);
    // no more traffic: once the burst is out of the window the rule resolves
    for (let i = 0; i < 7; i++) await step();
    assert.deepEqual(await kinds(), ['fired', 'resolved']);
  });

  it('silence: fires when the sender stops, resolves when it sends again', async () => {
    await addRule({ name: 'no traffic', kind: 'silence', windowSeconds: 60, threshold: 0 });
    for (let i = 0; i < 6; i++) {
      await send(spread(5, now(), now() + PERIOD));
      await step();
    }
    assert.deepEqual(await kinds(), [], 'quiet while requests arrive');
    // the sender stops
    for (let i = 0; i < 5; i++) await step();
    assert.deepEqual(await kinds(), [], 'the last requests are still in the window');
    for (let i = 0; i < 2; i++) await step();
    assert.deepEqual(await kinds(), ['fired']);
    const [fired] = await tmon.runtime.alertRules.transitions(serviceId());
    assert.match(fired?.message ?? '', /0 requests in 1 min, none at all/);
    await send([{ ts: now() }]);
    await step();
    assert.deepEqual(await kinds(), ['fired', 'resolved']);
  });

  it('error share: fires on 5xx-heavy traffic; errors_from 400 also counts 4xx', async () => {
    await addRule({ name: '5xx', kind: 'error_share', windowSeconds: 300, threshold: 10, minRequests: 50 });
    await addRule({
      name: '4xx+5xx',
      kind: 'error_share',
      windowSeconds: 300,
      threshold: 10,
      minRequests: 50,
      errorsFrom: 400,
    });
    await send(spread(100, now() - MINUTE, now(), { status: 200 }));
    await send(spread(20, now() - MINUTE, now(), { status: 404 }));
    await step();
    assert.deepEqual(await kinds(), ['fired'], '20 of 120 answered 404: only the 4xx rule fires');
    const [first] = await tmon.runtime.alertRules.transitions(serviceId());
    assert.match(
      first?.message ?? '',
      /16\.7 % of 120 requests in 5 min answered 4xx or 5xx, above 10 % \(error_share rule "4xx\+5xx"\)/,
    );
    await send(spread(40, now() - 5 * SECOND, now(), { status: 503 }));
    await step();
    const transitions = await tmon.runtime.alertRules.transitions(serviceId());
    assert.equal(transitions.length, 2);
    assert.match(transitions[0]?.message ?? '', /25 % of 160 requests in 5 min answered 5xx.*"5xx"/);
  });

  it('error share stays quiet below min_requests', async () => {
    await addRule({ name: '5xx', kind: 'error_share', windowSeconds: 300, threshold: 10, minRequests: 100 });
    await send(spread(50, now() - MINUTE, now(), { status: 500 }));
    await step();
    assert.deepEqual(await kinds(), []);
  });

  it('p95: fires on slow requests, read within 10 % above the true value', async () => {
    await addRule({ name: 'slow', kind: 'p95', windowSeconds: 300, threshold: 200, minRequests: 20 });
    await send(spread(100, now() - MINUTE, now(), { durationMs: 50 }));
    await step();
    assert.deepEqual(await kinds(), []);
    await send(spread(200, now() - 5 * SECOND, now(), { durationMs: 500 }));
    await step();
    const [fired] = await tmon.runtime.alertRules.transitions(serviceId());
    assert.equal(fired?.kind, 'fired');
    assert.ok(fired.value !== null && fired.value >= 500 && fired.value < 550, `p95 read as ${fired.value}`);
  });

  it('url_prefix: counts only requests under the prefix, from when the rule exists', async () => {
    await addRule({ name: 'api spike', kind: 'spike', windowSeconds: 60, threshold: 50, urlPrefix: '/api/' });
    await addRule({ name: 'api errors', kind: 'error_share', windowSeconds: 60, threshold: 20, urlPrefix: '/api/' });
    await step(); // the evaluator tells the store which prefixes to count
    await send(spread(200, now(), now() + 5 * SECOND, { url: '/shop/item', status: 500 }));
    await step();
    assert.deepEqual(await kinds(), [], '200 requests and errors elsewhere');
    await send(spread(60, now(), now() + 5 * SECOND, { url: '/api/orders?x=1', status: 502 }));
    await step();
    const messages = (await tmon.runtime.alertRules.transitions(serviceId())).map((t) => t.message).sort();
    assert.deepEqual(messages, [
      'shop: 100 % of 60 requests in 1 min under /api/ answered 5xx, above 20 % (error_share rule "api errors")',
      'shop: 60 requests in 1 min under /api/, above 50 (spike rule "api spike")',
    ]);
  });

  it('for: fires once the condition held for_seconds, resolves once it stopped for as long', async () => {
    await addRule({ name: 'sustained', kind: 'spike', windowSeconds: 60, threshold: 10, forSeconds: 30 });
    const busy = async () => {
      await send(spread(30, now(), now() + PERIOD));
      return step();
    };
    await busy();
    await busy();
    await busy();
    assert.deepEqual(await kinds(), [], 'held for 20 s');
    await busy();
    assert.deepEqual(await kinds(), ['fired'], 'held for 30 s');
    // quiet: the window empties after a minute, then 30 s more before it resolves
    for (let i = 0; i < 8; i++) await step();
    assert.deepEqual(await kinds(), ['fired']);
    for (let i = 0; i < 3; i++) await step();
    assert.deepEqual(await kinds(), ['fired', 'resolved']);
  });

  it('mute: the transition is recorded, nothing is delivered; unmuted, it is', async () => {
    const channel = await tmon.runtime.alertDeliveries.channels.create(serviceId(), {
      name: 'hook',
      kind: 'webhook',
      target: 'https://hooks.example.com/tmon',
    });
    assert.ok(!('refused' in channel), JSON.stringify(channel));
    const rule = await addRule({
      name: 'muted',
      kind: 'spike',
      windowSeconds: 60,
      threshold: 10,
      mutedUntil: NOW + 10 * MINUTE,
    });
    await send(spread(30, now(), now() + 5 * SECOND));
    let round = await step();
    assert.deepEqual(
      { transitions: round.transitions, deliveries: round.deliveries },
      { transitions: 1, deliveries: 0 },
    );
    assert.deepEqual(await kinds(), ['fired']);
    const log = async () => {
      const deliveries = await tmon.runtime.alertDeliveries.channels.deliveryLog(serviceId(), channel.id);
      assert.ok(Array.isArray(deliveries));
      return deliveries;
    };
    assert.equal((await log()).length, 0);
    await tmon.runtime.alertRules.mute(serviceId(), rule.id, null);
    for (let i = 0; i < 7; i++) round = await step();
    assert.deepEqual(await kinds(), ['fired', 'resolved']);
    const deliveries = await log();
    assert.equal(deliveries.length, 1, 'the resolution, unmuted, is delivered');
    const payload = JSON.parse(deliveries[0]?.payload ?? '{}');
    assert.equal(payload.type, 'alert.resolved');
    assert.deepEqual(payload.rule, {
      id: rule.id,
      name: 'muted',
      kind: 'spike',
      url_prefix: null,
      window_seconds: 60,
      threshold: 10,
    });
    assert.equal(payload.service.name, 'shop');
  });

  it('reminders: again every repeat_minutes while firing, and not after it resolved', async () => {
    await addRule({ name: 'busy', kind: 'spike', windowSeconds: 60, threshold: 10, repeatMinutes: 5 });
    for (let i = 0; i < 6 * 11; i++) {
      await send(spread(30, now(), now() + PERIOD));
      await step();
    }
    assert.deepEqual(await kinds(), ['fired', 'reminder', 'reminder']);
    const [fired, first, second] = (await tmon.runtime.alertRules.transitions(serviceId())).reverse();
    assert.equal((first?.at ?? 0) - (fired?.at ?? 0), 5 * MINUTE);
    assert.equal((second?.at ?? 0) - (first?.at ?? 0), 5 * MINUTE);
    assert.match(first?.message ?? '', /^shop: still \d+ requests in 1 min, above 10/);
  });

  it('baseline: quiet on the pattern of the previous 7 days, fires on a new one', async () => {
    await addRule({ name: 'unusual', kind: 'baseline', windowSeconds: 300, threshold: 3, minRequests: 20 });
    // 7 days of history, written through the import path: 100 requests in these 5 minutes every day
    for (let d = 1; d <= 7; d++) await send(spread(100, now() - d * DAY - 4 * MINUTE, now() - d * DAY));
    // with too little history at another time of day the rule stays quiet
    await send(spread(100, now() - 4 * MINUTE, now()));
    await step();
    assert.deepEqual(await kinds(), [], '100 requests, as on the previous days');
    await send(spread(300, now() - MINUTE, now()));
    await step();
    const [fired] = await tmon.runtime.alertRules.transitions(serviceId());
    assert.equal(fired?.kind, 'fired');
    assert.match(fired.message, /^shop: 400 requests in 5 min, above 3 × the usual 100 \(baseline rule "unusual"\)$/);
  });

  it('baseline: stays quiet with fewer than 3 of the previous days', async () => {
    await addRule({ name: 'unusual', kind: 'baseline', windowSeconds: 300, threshold: 3 });
    for (const d of [1, 2]) await send(spread(10, now() - d * DAY - 4 * MINUTE, now() - d * DAY));
    await send(spread(500, now() - 4 * MINUTE, now()));
    await step();
    assert.deepEqual(await kinds(), []);
  });
});
