/**
 * The alerts API against a real tmon: every route's happy path, each kind of
 * bad input with its status and reason (and nothing stored), who may do
 * what, a webhook secret shown once, and a test send reaching a real HTTP
 * receiver (private targets allowed for the test) and the delivery log.
 * Answers are checked against the OpenAPI document's schemas too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { LightMyRequestResponse } from 'fastify';
import { Webhook } from 'standardwebhooks';
import { sendTraffic, spread } from '../support/alert-traffic.js';
import {
  ALICE_PASSWORD,
  addTestToken,
  type InjectedSession,
  injectLogin,
  startTestTmon,
  type TestTmon,
} from '../support/test-tmon.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
type Send = (method: Method, url: string, payload?: object) => Promise<LightMyRequestResponse>;

const SPIKE = { name: 'traffic spike', kind: 'spike', window_seconds: 60, threshold: 100 };

async function waitFor(check: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const until = performance.now() + ms;
  while (!(await check())) {
    if (performance.now() > until) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the alerts API', () => {
  let tmon: TestTmon;
  let receiver: WebhookReceiver;
  let alice: InjectedSession;
  let asAlice: Send;
  let withToken: (token: string) => Send;
  let document: {
    paths: Record<
      string,
      Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>
    >;
  };
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const base = '/api/services/1';

  /** the answer meets the schema the OpenAPI document gives for its route and status */
  function assertDescribed(path: string, method: string, res: LightMyRequestResponse) {
    const responses = document.paths[path]?.[method]?.responses;
    assert.ok(responses, `the document describes ${method} ${path}`);
    const status = String(res.statusCode);
    const schema = (responses[status] ?? responses[`${status[0]}XX`])?.content?.['application/json']?.schema;
    assert.ok(schema, `${method} ${path} describes ${status}`);
    const validate = ajv.compile(schema);
    assert.ok(validate(res.json()), `${method} ${path} ${status}: ${ajv.errorsText(validate.errors)}\n${res.body}`);
  }

  function assertRefused(res: LightMyRequestResponse, status: number, error: string, message?: RegExp) {
    assert.equal(res.statusCode, status, res.body);
    const body = res.json();
    assert.equal(body.error, error, res.body);
    if (message) assert.match(body.message, message);
  }

  const ruleCount = async () => (await tmon.runtime.alertRules.list(1)).length;
  const channelCount = async () => (await tmon.runtime.alertDeliveries.channels.list(1)).length;

  before(async () => {
    receiver = await startWebhookReceiver();
    tmon = await startTestTmon({
      env: { TMON_ALERT_PRIVATE_TARGETS: '1', TMON_ALERT_INTERVAL_SECONDS: '3600' },
    });
    alice = await injectLogin(tmon, 'alice', ALICE_PASSWORD);
    asAlice = (method, url, payload) =>
      tmon.app.inject({
        method,
        url,
        headers: { cookie: alice.cookie, 'x-csrf-token': alice.csrf },
        ...(payload ? { payload } : {}),
      });
    withToken = (token) => (method, url, payload) =>
      tmon.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
    document = (await tmon.app.inject({ url: '/api/openapi.json' })).json();
  });
  after(async () => {
    await tmon.close();
    await receiver.close();
  });

  it('adds, lists, replaces, mutes and removes rules', async () => {
    const created = await asAlice('POST', `${base}/alerts`, { ...SPIKE, url_prefix: '/shop', for_seconds: 120 });
    assert.equal(created.statusCode, 201, created.body);
    assertDescribed('/api/services/{id}/alerts', 'post', created);
    const rule = created.json().results.rule;
    assert.deepEqual(
      { ...rule, id: 0, created_at: 0 },
      {
        id: 0,
        service_id: 1,
        name: 'traffic spike',
        kind: 'spike',
        window_seconds: 60,
        threshold: 100,
        min_requests: 0,
        errors_from: 500,
        url_prefix: '/shop',
        for_seconds: 120,
        repeat_minutes: null,
        muted_until: null,
        created_at: 0,
        state: 'ok',
        condition_since: null,
        state_changed_at: null,
        last_value: null,
        last_evaluated_at: null,
        last_notified_at: null,
      },
    );
    assert.equal(rule.created_at, tmon.clock.now);

    const listed = await asAlice('GET', `${base}/alerts`);
    assertDescribed('/api/services/{id}/alerts', 'get', listed);
    assert.deepEqual(listed.json().results.rules, [rule]);

    const replaced = await asAlice('PUT', `${base}/alerts/${rule.id}`, {
      name: 'errors',
      kind: 'error_share',
      window_seconds: 300,
      threshold: 5,
      min_requests: 20,
      errors_from: 400,
    });
    assert.equal(replaced.statusCode, 200, replaced.body);
    assertDescribed('/api/services/{id}/alerts/{ruleId}', 'put', replaced);
    const edited = replaced.json().results.rule;
    assert.equal(edited.kind, 'error_share');
    assert.equal(edited.errors_from, 400);
    assert.equal(edited.url_prefix, null, 'a field left out takes its default');
    assert.equal(edited.for_seconds, 0);

    const until = tmon.clock.now + 3_600_000;
    const muted = await asAlice('POST', `${base}/alerts/${rule.id}/mute`, { until });
    assert.equal(muted.statusCode, 200, muted.body);
    assertDescribed('/api/services/{id}/alerts/{ruleId}/mute', 'post', muted);
    assert.equal(muted.json().results.rule.muted_until, until);
    const unmuted = await asAlice('POST', `${base}/alerts/${rule.id}/mute`, { until: null });
    assert.equal(unmuted.json().results.rule.muted_until, null);

    const removed = await asAlice('DELETE', `${base}/alerts/${rule.id}`);
    assert.equal(removed.statusCode, 200, removed.body);
    assertDescribed('/api/services/{id}/alerts/{ruleId}', 'delete', removed);
    assert.deepEqual(removed.json().results, { id: rule.id, removed: true });
    assert.equal(await ruleCount(), 0);
    assertRefused(await asAlice('DELETE', `${base}/alerts/${rule.id}`), 404, 'not_found', /no alert rule/);
  });

  it('refuses each kind of bad rule with its reason, and stores nothing', async () => {
    const cases: [object, RegExp][] = [
      [{ ...SPIKE, name: undefined }, /name/],
      [{ ...SPIKE, name: '  ' }, /^name: give the rule a name/],
      [{ ...SPIKE, name: 'x'.repeat(101) }, /^name: at most 100/],
      [{ ...SPIKE, kind: 'loud' }, /kind/],
      [{ ...SPIKE, window_seconds: 10 }, /^window_seconds: whole seconds from 60/],
      [{ ...SPIKE, window_seconds: 'soon' }, /window_seconds/],
      [{ ...SPIKE, kind: 'p95', window_seconds: 90 }, /^window_seconds: a multiple of 60 for p95 rules/],
      [{ ...SPIKE, threshold: 1.5 }, /^threshold: for spike rules, a whole number/],
      [{ ...SPIKE, kind: 'error_share', threshold: 100 }, /^threshold: for error_share rules, a percentage/],
      [{ ...SPIKE, kind: 'baseline', threshold: 0.5 }, /^threshold: for baseline rules, a factor from 1/],
      [{ ...SPIKE, errors_from: 404 }, /^errors_from: 500/],
      [{ ...SPIKE, url_prefix: 'shop' }, /^url_prefix: a path starting with "\/"/],
      [{ ...SPIKE, for_seconds: -1 }, /^for_seconds/],
      [{ ...SPIKE, repeat_minutes: 1 }, /^repeat_minutes: whole minutes from 5/],
      [{ ...SPIKE, muted_until: -5 }, /^muted_until/],
      [{ ...SPIKE, colour: 'red' }, /colour|additional/],
    ];
    for (const [body, reason] of cases) {
      const res = await asAlice('POST', `${base}/alerts`, body);
      assertRefused(res, 400, 'bad_request', reason);
      assertDescribed('/api/services/{id}/alerts', 'post', res);
    }
    assert.equal(await ruleCount(), 0, 'nothing stored');

    const kept = (await asAlice('POST', `${base}/alerts`, SPIKE)).json().results.rule;
    assertRefused(
      await asAlice('PUT', `${base}/alerts/${kept.id}`, { ...SPIKE, threshold: -1 }),
      400,
      'bad_request',
      /^threshold/,
    );
    assert.deepEqual((await asAlice('GET', `${base}/alerts`)).json().results.rules, [kept], 'the rule is unchanged');
    assertRefused(await asAlice('PUT', `${base}/alerts/999`, SPIKE), 404, 'not_found');
    assertRefused(await asAlice('POST', `${base}/alerts/999/mute`, { until: null }), 404, 'not_found');
    assertRefused(
      await asAlice('POST', `${base}/alerts/${kept.id}/mute`, { until: 'tomorrow' }),
      400,
      'bad_request',
      /until/,
    );
    assertRefused(await asAlice('POST', `${base}/alerts/${kept.id}/mute`, {}), 400, 'bad_request', /until/);
    assertRefused(await asAlice('GET', `${base}/alerts/transitions?limit=0`), 400, 'bad_request', /limit/);
    assertRefused(await asAlice('GET', `${base}/alerts/transitions?limit=501`), 400, 'bad_request', /limit/);
    assertRefused(await asAlice('GET', `${base}/alerts/transitions?since=-1`), 400, 'bad_request', /since/);
    await asAlice('DELETE', `${base}/alerts/${kept.id}`);
  });

  it('refuses the 101st rule of a service with 409', async () => {
    for (let i = 0; i < 100; i++) {
      const res = await asAlice('POST', `${base}/alerts`, { ...SPIKE, name: `rule ${i}` });
      assert.equal(res.statusCode, 201, res.body);
    }
    const refused = await asAlice('POST', `${base}/alerts`, { ...SPIKE, name: 'one too many' });
    assertRefused(refused, 409, 'conflict');
    assertDescribed('/api/services/{id}/alerts', 'post', refused);
    assert.equal(await ruleCount(), 100);
    for (const rule of (await asAlice('GET', `${base}/alerts`)).json().results.rules) {
      assert.equal((await asAlice('DELETE', `${base}/alerts/${rule.id}`)).statusCode, 200);
    }
  });

  it('lists the transitions traffic made, newest first, with the rule name', async () => {
    const rule = (await asAlice('POST', `${base}/alerts`, SPIKE)).json().results.rule;
    const ingest = await addTestToken(tmon.runtime, 'alice', 'ingest', 1);
    const now = tmon.clock.now;
    await sendTraffic(tmon.app, ingest, spread(200, now - 30_000, now));
    tmon.clock.advance(10_000);
    await tmon.runtime.alertEvaluator.evaluateNow();
    tmon.clock.advance(120_000);
    await tmon.runtime.alertEvaluator.evaluateNow();

    const res = await asAlice('GET', `${base}/alerts/transitions`);
    assert.equal(res.statusCode, 200, res.body);
    assertDescribed('/api/services/{id}/alerts/transitions', 'get', res);
    const { transitions } = res.json().results;
    assert.deepEqual(
      transitions.map((t: { kind: string; rule_id: number; rule_name: string }) => [t.kind, t.rule_id, t.rule_name]),
      [
        ['resolved', rule.id, 'traffic spike'],
        ['fired', rule.id, 'traffic spike'],
      ],
    );
    assert.match(transitions[1].message, /above 100/);
    assert.equal(transitions[1].value, 200);
    const limited = await asAlice('GET', `${base}/alerts/transitions?limit=1`);
    assert.deepEqual(
      limited.json().results.transitions.map((t: { kind: string }) => t.kind),
      ['resolved'],
    );
    const since = await asAlice('GET', `${base}/alerts/transitions?since=${transitions[0].at}`);
    assert.equal(since.json().results.transitions.length, 1);
    const firing = (await asAlice('GET', `${base}/alerts`)).json().results.rules[0];
    assert.equal(firing.state, 'ok');
    assert.equal(firing.last_value, 0);
    await asAlice('DELETE', `${base}/alerts/${rule.id}`);
    assert.deepEqual((await asAlice('GET', `${base}/alerts/transitions`)).json().results.transitions, []);
  });

  it('creates a webhook channel with its secret shown once, sends a test a receiver verifies, and logs it', async () => {
    const created = await asAlice('POST', `${base}/channels`, { name: 'ops', kind: 'webhook', target: receiver.url() });
    assert.equal(created.statusCode, 201, created.body);
    assertDescribed('/api/services/{id}/channels', 'post', created);
    const { channel, secret } = created.json().results;
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{32}$/);
    assert.deepEqual(channel, {
      id: channel.id,
      service_id: 1,
      name: 'ops',
      kind: 'webhook',
      target: receiver.url(),
      created_at: tmon.clock.now,
    });
    const listed = await asAlice('GET', `${base}/channels`);
    assertDescribed('/api/services/{id}/channels', 'get', listed);
    assert.deepEqual(listed.json().results.channels, [channel]);
    assert.ok(!listed.body.includes(secret), 'the list never holds the secret');

    const sent = await asAlice('POST', `${base}/channels/${channel.id}/test`);
    assert.equal(sent.statusCode, 202, sent.body);
    assertDescribed('/api/services/{id}/channels/{channelId}/test', 'post', sent);
    const { delivery } = sent.json().results;
    assert.equal(delivery.type, 'alert.test');
    assert.equal(delivery.transition_id, null);
    assert.ok(['pending', 'delivered'].includes(delivery.status));

    await waitFor(() => receiver.received.length === 1, 5_000);
    const [request] = receiver.received;
    const notification = new Webhook(secret).verify(request!.body, request!.headers as Record<string, string>) as {
      type: string;
      service: { name: string };
    };
    assert.equal(notification.type, 'alert.test');
    assert.equal(notification.service.name, 'shop');

    let log: LightMyRequestResponse | undefined;
    await waitFor(async () => {
      log = await asAlice('GET', `${base}/channels/${channel.id}/deliveries`);
      return log.json().results.deliveries[0]?.status === 'delivered';
    }, 5_000);
    assertDescribed('/api/services/{id}/channels/{channelId}/deliveries', 'get', log!);
    const [logged] = log!.json().results.deliveries;
    assert.equal(logged.id, delivery.id);
    assert.equal(logged.attempts, 1);
    assert.equal(logged.last_status, 200);
    assert.equal(logged.attempt_log.length, 1);
    assert.deepEqual(
      { ...logged.attempt_log[0], at: 0, duration_ms: 0 },
      { attempt: 1, at: 0, duration_ms: 0, status: 200, answer: 'ok', error: null },
    );

    const renamed = await asAlice('PUT', `${base}/channels/${channel.id}`, { name: 'on call' });
    assert.equal(renamed.statusCode, 200, renamed.body);
    assertDescribed('/api/services/{id}/channels/{channelId}', 'put', renamed);
    assert.equal(renamed.json().results.channel.name, 'on call');
    assert.equal(renamed.json().results.channel.target, receiver.url(), 'a target left out is kept');

    const removed = await asAlice('DELETE', `${base}/channels/${channel.id}`);
    assert.equal(removed.statusCode, 200, removed.body);
    assertDescribed('/api/services/{id}/channels/{channelId}', 'delete', removed);
    assert.equal(await channelCount(), 0);
  });

  it('lists Slack and Discord URLs with their credential cut short, and has no secret for them', async () => {
    const slackUrl = 'https://hooks.slack.com/services/T0000/B0000/abcdefghijklmnop';
    const slack = await asAlice('POST', `${base}/channels`, { name: 'chat', kind: 'slack', target: slackUrl });
    assert.equal(slack.statusCode, 201, slack.body);
    assert.equal(slack.json().results.secret, null);
    assert.equal(slack.json().results.channel.target, 'https://hooks.slack.com/services/T0000/B0000/abcd…');
    const discord = await asAlice('POST', `${base}/channels`, {
      name: 'chat',
      kind: 'discord',
      target: 'https://discord.com/api/webhooks/123/secret-token',
    });
    assert.equal(discord.json().results.channel.target, 'https://discord.com/api/webhooks/123/secr…');
    const email = await asAlice('POST', `${base}/channels`, { name: 'mail', kind: 'email', target: 'a@x.io, b@y.io' });
    assert.equal(email.json().results.channel.target, 'a@x.io, b@y.io');
    const listed = (await asAlice('GET', `${base}/channels`)).json().results.channels;
    assert.ok(!JSON.stringify(listed).includes('abcdefghijklmnop'));
    for (const channel of listed) await asAlice('DELETE', `${base}/channels/${channel.id}`);
  });

  it('refuses each kind of bad channel with its reason, and stores nothing', async () => {
    const hook = { name: 'ops', kind: 'webhook', target: 'https://example.com/hook' };
    const cases: [object, RegExp][] = [
      [{ ...hook, name: '' }, /a channel needs a name/],
      [{ ...hook, name: 'x'.repeat(65) }, /at most 64 characters/],
      [{ ...hook, kind: 'sms' }, /kind/],
      [{ ...hook, target: '' }, /a webhook channel needs a URL/],
      [{ ...hook, target: 'ftp://example.com/x' }, /target/],
      [{ ...hook, kind: 'email', target: 'not an address' }, /is not an e-mail address/],
      [{ name: 'ops', kind: 'webhook' }, /target/],
      [{ ...hook, secret: 'mine' }, /secret|additional/],
    ];
    for (const [body, reason] of cases) {
      const res = await asAlice('POST', `${base}/channels`, body);
      assertRefused(res, 400, 'bad_request', reason);
      assertDescribed('/api/services/{id}/channels', 'post', res);
    }
    assert.equal(await channelCount(), 0, 'nothing stored');

    const channel = (await asAlice('POST', `${base}/channels`, hook)).json().results.channel;
    assertRefused(
      await asAlice('PUT', `${base}/channels/${channel.id}`, { target: 'mailto:x@y.z' }),
      400,
      'bad_request',
    );
    assertRefused(await asAlice('PUT', `${base}/channels/${channel.id}`, {}), 400, 'bad_request');
    assert.equal((await asAlice('GET', `${base}/channels`)).json().results.channels[0].target, hook.target);
    for (const [method, url] of [
      ['PUT', `${base}/channels/999`],
      ['DELETE', `${base}/channels/999`],
      ['POST', `${base}/channels/999/test`],
      ['GET', `${base}/channels/999/deliveries`],
    ] as const) {
      assertRefused(await asAlice(method, url, method === 'PUT' ? { name: 'x' } : undefined), 404, 'not_found');
    }
    assertRefused(
      await asAlice('GET', `${base}/channels/${channel.id}/deliveries?limit=101`),
      400,
      'bad_request',
      /limit/,
    );
    for (let i = 1; i < 20; i++) await asAlice('POST', `${base}/channels`, { ...hook, name: `ops ${i}` });
    assertRefused(await asAlice('POST', `${base}/channels`, hook), 409, 'conflict', /20 channels/);
    assert.equal(await channelCount(), 20);
    for (const listed of (await asAlice('GET', `${base}/channels`)).json().results.channels) {
      await asAlice('DELETE', `${base}/channels/${listed.id}`);
    }
  });

  it('lets owners and admins do everything, viewers and read tokens read rules and transitions only', async () => {
    const rule = (await asAlice('POST', `${base}/alerts`, SPIKE)).json().results.rule;
    const channel = (
      await asAlice('POST', `${base}/channels`, { name: 'ops', kind: 'webhook', target: receiver.url() })
    ).json().results.channel;

    await tmon.runtime.accounts.addUser('bob', 'bob-password-1', false);
    await tmon.runtime.accounts.addUser('carol', 'carol-password-1', false);
    await tmon.runtime.accountStore.shareService(1, (await tmon.runtime.accounts.requireUser('bob')).id);
    const bob = await injectLogin(tmon, 'bob', 'bob-password-1');
    const carol = await injectLogin(tmon, 'carol', 'carol-password-1');
    const session =
      (s: InjectedSession): Send =>
      (method, url, payload) =>
        tmon.app.inject({
          method,
          url,
          headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
          ...(payload ? { payload } : {}),
        });
    const adminToken = await addTestToken(tmon.runtime, 'admin', 'admin');
    const readToken = await addTestToken(tmon.runtime, 'alice', 'read');
    const ingestToken = await addTestToken(tmon.runtime, 'alice', 'ingest', 1);
    const blog = await tmon.runtime.accounts.addService({ name: 'blog', ownerName: 'alice' });
    const otherBound = await addTestToken(tmon.runtime, 'alice', 'read', blog.id);

    const reads: [Method, string][] = [
      ['GET', `${base}/alerts`],
      ['GET', `${base}/alerts/transitions`],
    ];
    const ownerOnly: [Method, string, object?][] = [
      ['GET', `${base}/channels`],
      ['GET', `${base}/channels/${channel.id}/deliveries`],
      ['POST', `${base}/alerts`, { ...SPIKE, name: 'not allowed' }],
      ['PUT', `${base}/alerts/${rule.id}`, { ...SPIKE, name: 'not allowed' }],
      ['POST', `${base}/alerts/${rule.id}/mute`, { until: null }],
      ['DELETE', `${base}/alerts/${rule.id}`],
      ['POST', `${base}/channels`, { name: 'x', kind: 'webhook', target: 'https://example.com/' }],
      ['PUT', `${base}/channels/${channel.id}`, { name: 'not allowed' }],
      ['POST', `${base}/channels/${channel.id}/test`],
      ['DELETE', `${base}/channels/${channel.id}`],
    ];
    const expectations: [string, Send, number, number][] = [
      // who, how, status of reads, status of owner-only routes
      ['a shared viewer', session(bob), 200, 403],
      ['a read token', withToken(readToken), 200, 403],
      ['another user', session(carol), 404, 404],
      ['an ingest token', withToken(ingestToken), 403, 403],
      ['a read token bound to another service', withToken(otherBound), 404, 403],
      ['nobody', (method, url, payload) => tmon.app.inject({ method, url, ...(payload ? { payload } : {}) }), 401, 401],
    ];
    for (const [who, send, readStatus, ownerStatus] of expectations) {
      for (const [method, url] of reads) {
        const res = await send(method, url);
        assert.equal(res.statusCode, readStatus, `${who}: ${method} ${url}: ${res.body}`);
      }
      for (const [method, url, payload] of ownerOnly) {
        const res = await send(method, url, payload);
        assert.equal(res.statusCode, ownerStatus, `${who}: ${method} ${url}: ${res.body}`);
        if (ownerStatus === 403) assert.equal(res.json().error, 'forbidden');
      }
    }
    assert.deepEqual(
      (await asAlice('GET', `${base}/alerts`)).json().results.rules,
      [rule],
      'nothing was changed by those who may not',
    );
    assert.equal(await channelCount(), 1);

    // a session's changes need the CSRF token
    const noCsrf = await tmon.app.inject({
      method: 'POST',
      url: `${base}/alerts`,
      headers: { cookie: alice.cookie },
      payload: SPIKE,
    });
    assertRefused(noCsrf, 403, 'forbidden', /CSRF/);

    // a tmon admin manages any service, with an admin token
    const asAdmin = withToken(adminToken);
    assert.equal((await asAdmin('GET', `${base}/channels`)).statusCode, 200);
    const byAdmin = await asAdmin('POST', `${base}/alerts`, { ...SPIKE, name: 'by admin' });
    assert.equal(byAdmin.statusCode, 201, byAdmin.body);
    assert.equal((await asAdmin('DELETE', `${base}/alerts/${byAdmin.json().results.rule.id}`)).statusCode, 200);
    // an owner's admin token too
    assert.equal((await withToken(tmon.aliceToken)('GET', `${base}/channels`)).statusCode, 200);
    assert.equal((await asAdmin('GET', '/api/services/77/alerts')).statusCode, 404);

    await asAlice('DELETE', `${base}/alerts/${rule.id}`);
    await asAlice('DELETE', `${base}/channels/${channel.id}`);
  });
});
