/** Each bad rule setting gets its own reason, and a good one its defaults. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateRuleSettings } from '../../src/alerts/rules.js';

const GOOD = { name: 'traffic spike', kind: 'spike', windowSeconds: 300, threshold: 1000 };

describe('alert rule validation', () => {
  it('takes a good rule, with the defaults of what is left out', () => {
    assert.deepEqual(validateRuleSettings(GOOD), {
      ...GOOD,
      minRequests: 0,
      errorsFrom: 500,
      urlPrefix: null,
      forSeconds: 0,
      repeatMinutes: null,
      mutedUntil: null,
    });
    const perSecond = validateRuleSettings({ ...GOOD, windowSeconds: 90 });
    assert.ok(!('refused' in perSecond), 'spike windows on a whole service go by the second');
    assert.equal(perSecond.windowSeconds, 90);
  });

  const cases: [string, Record<string, unknown>, string][] = [
    ['no name', { name: ' ' }, 'name: give the rule a name'],
    ['a long name', { name: 'x'.repeat(101) }, 'name: at most 100 characters'],
    ['a name with a newline', { name: 'a\nb' }, 'name: no control characters'],
    ['an unknown kind', { kind: 'latency' }, 'kind: one of spike, silence, error_share, p95, baseline'],
    ['a window under a minute', { windowSeconds: 59 }, 'window_seconds: whole seconds from 60 (1 min) to 86400 (24 h)'],
    ['a window over a day', { windowSeconds: 86_460 }, 'window_seconds: whole seconds from 60 (1 min) to 86400 (24 h)'],
    ['a window as text', { windowSeconds: '300' }, 'window_seconds: whole seconds from 60 (1 min) to 86400 (24 h)'],
    [
      'a minute-based window not in minutes',
      { kind: 'p95', threshold: 200, windowSeconds: 90 },
      'window_seconds: a multiple of 60 for p95 rules (they read per-minute counts)',
    ],
    [
      'a prefixed spike window not in minutes',
      { windowSeconds: 90, urlPrefix: '/api' },
      'window_seconds: a multiple of 60 for spike rules narrowed to a URL prefix (they read per-minute counts)',
    ],
    [
      'a long spike window not in minutes',
      { windowSeconds: 3_690 },
      'window_seconds: a multiple of 60 for spike rules over 3600 s (they read per-minute counts)',
    ],
    [
      'a fractional spike threshold',
      { threshold: 1.5 },
      'threshold: for spike rules, a whole number of requests from 0 to 1000000000',
    ],
    [
      'a negative silence threshold',
      { kind: 'silence', threshold: -1 },
      'threshold: for silence rules, a whole number of requests from 0 to 1000000000',
    ],
    [
      'an error share of 100 %',
      { kind: 'error_share', threshold: 100 },
      'threshold: for error_share rules, a percentage from 0 up to (not including) 100',
    ],
    [
      'a p95 of 0 ms',
      { kind: 'p95', threshold: 0 },
      'threshold: for p95 rules, milliseconds above 0, at most 3600000 (1 h)',
    ],
    [
      'a baseline factor under 1',
      { kind: 'baseline', threshold: 0.5 },
      'threshold: for baseline rules, a factor from 1 to 1000',
    ],
    [
      'no threshold',
      { threshold: undefined },
      'threshold: for spike rules, a whole number of requests from 0 to 1000000000',
    ],
    [
      'a prefix without a slash',
      { urlPrefix: 'api' },
      'url_prefix: a path starting with "/", or null for the whole service',
    ],
    ['a long prefix', { urlPrefix: `/${'a'.repeat(2048)}` }, 'url_prefix: at most 2048 characters'],
    ['a prefix with a tab', { urlPrefix: '/a\tb' }, 'url_prefix: no control characters'],
    ['negative min_requests', { minRequests: -1 }, 'min_requests: a whole number from 0 to 1000000000'],
    ['errors_from 404', { errorsFrom: 404 }, 'errors_from: 500 (count 5xx answers as errors) or 400 (4xx and 5xx)'],
    ['for over a day', { forSeconds: 86_401 }, 'for_seconds: whole seconds from 0 to 86400 (24 h)'],
    [
      'reminders every 4 minutes',
      { repeatMinutes: 4 },
      'repeat_minutes: whole minutes from 5 to 10080 (a week), or null to notify once',
    ],
    [
      'a muted_until as a date string',
      { mutedUntil: '2026-01-01' },
      'muted_until: a time in ms since the epoch, or null',
    ],
  ];
  for (const [what, change, message] of cases) {
    it(`refuses ${what}`, () => {
      assert.deepEqual(validateRuleSettings({ ...GOOD, ...change }), { refused: 'bad_request', message });
    });
  }
});
