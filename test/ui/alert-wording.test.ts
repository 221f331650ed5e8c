import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RULE_KINDS } from '../../src/alerts/rules.js';
import {
  describeCondition,
  formatRuleValue,
  formatSeconds,
  isMuted,
  KIND_WORDING,
  MUTED_UNTIL_UNMUTED,
  mutedText,
  RULE_KIND_ORDER,
} from '../../ui/src/shared/alert-wording.js';

const rule = {
  kind: 'spike' as const,
  threshold: 1000,
  window_seconds: 300,
  url_prefix: null,
  min_requests: 0,
  errors_from: 500,
  for_seconds: 0,
};

describe('alert rules in plain words', () => {
  it('words every kind the server knows, and no other', () => {
    assert.deepEqual([...RULE_KIND_ORDER].sort(), [...RULE_KINDS].sort());
    for (const kind of RULE_KINDS) assert.ok(KIND_WORDING[kind].help.length > 20, kind);
  });

  it('asks for a minimum of requests only where the kind uses one, and for 4xx only for error share', () => {
    const uses = RULE_KINDS.filter((k) => KIND_WORDING[k].usesMinRequests);
    assert.deepEqual(uses, ['error_share', 'p95', 'baseline']);
    assert.deepEqual(
      RULE_KINDS.filter((k) => KIND_WORDING[k].usesErrorsFrom),
      ['error_share'],
    );
  });

  it('writes windows in the largest whole unit', () => {
    assert.equal(formatSeconds(45), '45 s');
    assert.equal(formatSeconds(300), '5 min');
    assert.equal(formatSeconds(5400), '90 min');
    assert.equal(formatSeconds(7200), '2 h');
    assert.equal(formatSeconds(86_400), '1 d');
    assert.equal(formatSeconds(0), '0 s');
  });

  it("gives readings in their kind's unit", () => {
    assert.equal(formatRuleValue('spike', 1240), '1,240 requests');
    assert.equal(formatRuleValue('error_share', 12.345), '12.3 %');
    assert.equal(formatRuleValue('p95', 830.4), '830 ms');
    assert.equal(formatRuleValue('baseline', 3.25), '3.3 ×');
    assert.equal(formatRuleValue('p95', null), '–');
  });

  it('describes a condition with its prefix, minimum and hold time', () => {
    assert.equal(describeCondition(rule), 'more than 1,000 requests in 5 min');
    assert.equal(describeCondition({ ...rule, kind: 'silence', threshold: 0 }), 'no requests in 5 min');
    assert.equal(
      describeCondition({
        ...rule,
        kind: 'error_share',
        threshold: 5,
        min_requests: 20,
        errors_from: 400,
        url_prefix: '/api',
        for_seconds: 120,
      }),
      'over 5 % of requests answered 4xx or 5xx in 5 min (with at least 20 requests) on /api, for 2 min',
    );
    // a spike rule keeps no minimum even when one is stored
    assert.equal(describeCondition({ ...rule, min_requests: 20 }), 'more than 1,000 requests in 5 min');
  });

  it('tells a mute for a while from one until unmuted', () => {
    const now = 1_000_000;
    const time = (ms: number) => `t${ms}`;
    assert.equal(mutedText({ muted_until: null }, now, time), null);
    assert.equal(mutedText({ muted_until: now - 1 }, now, time), null);
    assert.equal(mutedText({ muted_until: now + 3_600_000 }, now, time), `muted until t${now + 3_600_000}`);
    assert.equal(mutedText({ muted_until: MUTED_UNTIL_UNMUTED }, now, time), 'muted until unmuted');
    assert.ok(isMuted({ muted_until: MUTED_UNTIL_UNMUTED }, Date.now()));
    // the server takes it: a safe integer, and a time a Date can hold
    assert.ok(Number.isSafeInteger(MUTED_UNTIL_UNMUTED));
    assert.ok(Number.isFinite(new Date(MUTED_UNTIL_UNMUTED).getTime()));
  });
});
