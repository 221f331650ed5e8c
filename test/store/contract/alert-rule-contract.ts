import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_RULES_PER_SERVICE, type RuleSettings } from '../../../src/alerts/rules.js';
import { durationBucket } from '../../../src/rollup/signals.js';
import { ALL_KEYS } from '../../../src/store/alert-counts.js';
import type { AlertRuleStore, EvaluationWrite } from '../../../src/store/alert-rule-store.js';
import { StoreNotFoundError } from '../../../src/store/errors.js';
import { makeEvent, T0 } from '../../support/temp-store.js';
import { MINUTE, type OpenStore, plainWrite, SECOND, useStore } from './context.js';

const SPIKE: RuleSettings = {
  name: 'traffic spike',
  kind: 'spike',
  windowSeconds: 300,
  threshold: 1000,
  minRequests: 0,
  errorsFrom: 500,
  urlPrefix: null,
  forSeconds: 0,
  repeatMinutes: null,
  mutedUntil: null,
};

const QUIET = {
  state: 'ok',
  conditionSince: null,
  stateChangedAt: null,
  lastValue: 3,
  lastEvaluatedAt: T0,
  lastNotifiedAt: null,
} as const;

const FIRING = { ...QUIET, state: 'firing', stateChangedAt: T0, lastValue: 1200, lastNotifiedAt: T0 } as const;

/** What every backend's alert rule store does (alert-rule-store.ts), and the alert counts of the event store. */
export function describeAlertRuleStoreContract(name: string, open: OpenStore): void {
  describe(`${name} alert rule store`, () => {
    const ctx = useStore(open);
    const rules = (): AlertRuleStore => ctx().store.alertRules;
    let ids = 0;
    const messageId = () => `msg_contract_${++ids}`;

    async function addRule(settings: Partial<RuleSettings> = {}) {
      const rule = await rules().createRule(ctx().service.id, { ...SPIKE, ...settings }, T0);
      assert.ok(!('refused' in rule));
      return rule;
    }

    async function addChannel(channelName: string) {
      return ctx().store.alertChannels.createChannel({
        serviceId: ctx().service.id,
        name: channelName,
        kind: 'slack',
        target: 'https://hooks.slack.com/services/T0/B0/x',
        secret: null,
        now: T0,
      });
    }

    function fire(ruleId: number, expectedVersion: number, deliveries = true): EvaluationWrite {
      return {
        ruleId,
        expectedVersion,
        next: FIRING,
        transition: { kind: 'fired', at: T0, value: 1200, message: 'shop: 1,200 requests' },
        deliveries: deliveries ? { payload: '{"type":"alert.fired"}', messageId } : null,
      };
    }

    it('creates, finds, lists, updates, mutes and removes rules', async () => {
      const { service } = ctx();
      const rule = await addRule();
      assert.deepEqual(rule, {
        ...SPIKE,
        id: rule.id,
        serviceId: service.id,
        createdAt: T0,
        state: 'ok',
        conditionSince: null,
        stateChangedAt: null,
        lastValue: null,
        lastEvaluatedAt: null,
        lastNotifiedAt: null,
        version: 0,
      });
      assert.deepEqual(await rules().findRule(service.id, rule.id), rule);
      assert.equal(await rules().findRule(service.id + 1000, rule.id), null, "another service's rule is not found");
      const second = await addRule({ name: 'api errors', kind: 'error_share', threshold: 2.5, urlPrefix: '/api/' });
      assert.deepEqual(
        (await rules().listRules(service.id)).map((r) => r.name),
        ['traffic spike', 'api errors'],
      );
      const updated = await rules().updateRule(service.id, rule.id, { ...SPIKE, threshold: 2000, repeatMinutes: 30 });
      assert.equal(updated?.threshold, 2000);
      assert.equal(updated?.repeatMinutes, 30);
      assert.equal(updated?.version, 1, 'an edit moves the version: an evaluation of the old settings writes nothing');
      assert.equal((await rules().muteRule(service.id, second.id, T0 + MINUTE))?.mutedUntil, T0 + MINUTE);
      assert.equal((await rules().muteRule(service.id, second.id, null))?.mutedUntil, null);
      assert.equal(await rules().muteRule(service.id + 1000, second.id, null), null);
      assert.equal(await rules().removeRule(service.id, rule.id), true);
      assert.equal(await rules().removeRule(service.id, rule.id), false);
      assert.deepEqual(
        (await rules().rulesToEvaluate()).map((r) => [r.name, r.serviceName]),
        [['api errors', 'shop']],
      );
    });

    it(`refuses a rule beyond ${MAX_RULES_PER_SERVICE} per service, and one for no service`, async () => {
      for (let i = 0; i < MAX_RULES_PER_SERVICE; i++) await addRule({ name: `rule ${i}` });
      const refused = await rules().createRule(ctx().service.id, SPIKE, T0);
      assert.deepEqual(refused, {
        refused: 'conflict',
        message: `a service has at most ${MAX_RULES_PER_SERVICE} alert rules: remove one before adding another`,
      });
      await assert.rejects(rules().createRule(9_999, SPIKE, T0), StoreNotFoundError);
    });

    it('writes a transition with one delivery per channel, once: a second write of the same version does nothing', async () => {
      const rule = await addRule();
      const a = await addChannel('ops');
      const b = await addChannel('dev');
      const first = await rules().saveEvaluation(fire(rule.id, 0));
      assert.equal(first.saved, true);
      assert.ok(first.saved && first.transitionId !== null);
      assert.equal(first.deliveries, 2);
      assert.deepEqual(await rules().saveEvaluation(fire(rule.id, 0)), { saved: false });
      const stored = await rules().findRule(ctx().service.id, rule.id);
      assert.deepEqual({ state: stored?.state, version: stored?.version }, { state: 'firing', version: 1 });
      const transitions = await rules().recentTransitions(ctx().service.id, 10);
      assert.deepEqual(transitions, [
        {
          id: first.transitionId,
          ruleId: rule.id,
          serviceId: ctx().service.id,
          ruleVersion: 1,
          kind: 'fired',
          at: T0,
          value: 1200,
          message: 'shop: 1,200 requests',
        },
      ]);
      for (const channel of [a, b]) {
        const log = await ctx().store.alertChannels.deliveryLog(channel.id, 10);
        assert.equal(log.length, 1);
        assert.deepEqual(
          {
            transitionId: log[0]?.transitionId,
            status: log[0]?.status,
            payload: log[0]?.payload,
            due: log[0]?.nextAttemptAt,
          },
          { transitionId: first.transitionId, status: 'pending', payload: '{"type":"alert.fired"}', due: T0 },
        );
      }
    });

    it('of two evaluations racing on one version, exactly one writes', async () => {
      const rule = await addRule();
      await addChannel('ops');
      const outcomes = await Promise.all([
        rules().saveEvaluation(fire(rule.id, 0)),
        rules().saveEvaluation(fire(rule.id, 0)),
      ]);
      assert.equal(outcomes.filter((o) => o.saved).length, 1);
      assert.equal((await rules().recentTransitions(ctx().service.id, 10)).length, 1);
    });

    it('records a muted transition without deliveries; a write without a transition keeps the version', async () => {
      const rule = await addRule();
      const channel = await addChannel('ops');
      const quiet = await rules().saveEvaluation({
        ruleId: rule.id,
        expectedVersion: 0,
        next: { ...QUIET, conditionSince: T0 },
        transition: null,
        deliveries: null,
      });
      assert.deepEqual(quiet, { saved: true, transitionId: null, deliveries: 0 });
      assert.equal((await rules().findRule(ctx().service.id, rule.id))?.conditionSince, T0);
      const muted = await rules().saveEvaluation(fire(rule.id, 0, false));
      assert.ok(muted.saved && muted.transitionId !== null && muted.deliveries === 0);
      assert.deepEqual(await ctx().store.alertChannels.deliveryLog(channel.id, 10), []);
      assert.equal((await rules().recentTransitions(ctx().service.id, 10)).length, 1);
    });

    it('lists transitions newest first, since a time, at most a limit', async () => {
      const rule = await addRule();
      for (let v = 0; v < 4; v++) {
        const kind = v % 2 === 0 ? 'fired' : 'resolved';
        await rules().saveEvaluation({
          ...fire(rule.id, v),
          next: v % 2 === 0 ? FIRING : QUIET,
          transition: { kind, at: T0 + v * MINUTE, value: v, message: `${kind} ${v}` },
        });
      }
      const all = await rules().recentTransitions(ctx().service.id, 10);
      assert.deepEqual(
        all.map((t) => [t.message, t.ruleVersion]),
        [
          ['resolved 3', 4],
          ['fired 2', 3],
          ['resolved 1', 2],
          ['fired 0', 1],
        ],
      );
      assert.equal((await rules().recentTransitions(ctx().service.id, 2)).length, 2);
      assert.deepEqual(
        (await rules().recentTransitions(ctx().service.id, 10, T0 + 2 * MINUTE)).map((t) => t.message),
        ['resolved 3', 'fired 2'],
      );
    });

    it('sums status, duration and prefix rows for alert readings, none of them in a ranking', async () => {
      const { events, service } = ctx();
      await events.watchUrlPrefixes([[service.id, ['/api/']]]);
      await events.writeEvents(
        [
          plainWrite(service.id, [
            makeEvent({ ts: T0, url: '/api/a', status: 200, durationMs: 40 }),
            makeEvent({ ts: T0 + SECOND, url: '/api/b', status: 503, durationMs: 900 }),
            makeEvent({ ts: T0 + 2 * SECOND, url: '/shop', status: 503, durationMs: 40 }),
            makeEvent({ ts: T0 + MINUTE, url: '/api/c', status: 200, durationMs: null }),
          ]),
        ],
        T0 + MINUTE,
      );
      const minute = { serviceId: service.id, res: 'minute', from: T0 - (T0 % MINUTE), to: T0 + MINUTE } as const;
      const answers = await events.alertCounts(
        [
          { ...minute, dim: 'requests', ...ALL_KEYS, byKey: false },
          { ...minute, dim: 'status', ...ALL_KEYS, byKey: true },
          { ...minute, dim: 'duration', ...ALL_KEYS, byKey: true },
          { ...minute, dim: 'prefix_requests', keyFrom: '/api/', keyTo: '/api/\u0001', byKey: false },
          { ...minute, dim: 'prefix_status', keyFrom: '/api/\t', keyTo: '/api/\t\uffff', byKey: true },
          { ...minute, dim: 'prefix_requests', keyFrom: '/none/', keyTo: '/none/\u0001', byKey: false },
          { ...minute, dim: 'status', ...ALL_KEYS, byKey: true, serviceId: service.id + 1000 },
        ],
        T0 + MINUTE,
      );
      const sorted = (rows: [string, number][] | undefined) => [...(rows ?? [])].sort((a, b) => (a[0] < b[0] ? -1 : 1));
      assert.deepEqual(answers[0], [['', 4]]);
      assert.deepEqual(sorted(answers[1]), [
        ['200', 2],
        ['503', 2],
      ]);
      assert.deepEqual(
        sorted(answers[2]),
        sorted([
          [String(durationBucket(40)), 2],
          [String(durationBucket(900)), 1],
        ]),
      );
      assert.deepEqual(answers[3], [['', 3]]);
      assert.deepEqual(sorted(answers[4]), [
        ['/api/\t200', 2],
        ['/api/\t503', 1],
      ]);
      assert.deepEqual(answers[5], [['', 0]]);
      assert.deepEqual(answers[6], []);
      const ranked = await events.topValues(service.id, 'url', 'all', 10, T0 + MINUTE);
      assert.equal(
        ranked.reduce((sum, v) => sum + v.requests, 0),
        4,
        'the url ranking holds only urls',
      );
    });
  });
}
