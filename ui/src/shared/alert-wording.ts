/**
 * Alert rules in plain words for both pages: what each kind watches, which
 * settings it uses, and how its readings read. Pure and import-free so
 * node:test can check it (test/ui/alert-wording.test.ts) without a browser.
 */

/** the five kinds, as alert-types.ts has them (the test checks both against the server's list) */
export type RuleKind = 'spike' | 'silence' | 'error_share' | 'p95' | 'baseline';

export interface KindWording {
  label: string;
  /** one sentence: when a rule of this kind fires */
  help: string;
  thresholdLabel: string;
  thresholdHelp: string;
  /** the unit its readings and threshold are in, after the number */
  unit: string;
  /** whether it waits for a minimum number of requests in the window */
  usesMinRequests: boolean;
  /** whether it can count 4xx as errors too */
  usesErrorsFrom: boolean;
  /** a sensible starting threshold for the form */
  defaultThreshold: number;
}

export const KIND_WORDING: Record<RuleKind, KindWording> = {
  spike: {
    label: 'Traffic spike',
    help: 'Fires when the service gets more requests in the window than the threshold.',
    thresholdLabel: 'More than (requests)',
    thresholdHelp: 'Requests in the window above this number fire the rule.',
    unit: 'requests',
    usesMinRequests: false,
    usesErrorsFrom: false,
    defaultThreshold: 1000,
  },
  silence: {
    label: 'Silence',
    help: 'Fires when the service gets this many requests or fewer in the window: 0 means none at all.',
    thresholdLabel: 'At most (requests)',
    thresholdHelp: 'Requests in the window at or below this number fire the rule.',
    unit: 'requests',
    usesMinRequests: false,
    usesErrorsFrom: false,
    defaultThreshold: 0,
  },
  error_share: {
    label: 'Error share',
    help: 'Fires when more than this share of the requests in the window fail.',
    thresholdLabel: 'Above (%)',
    thresholdHelp: 'A percentage of the requests, from 0 to just under 100.',
    unit: '%',
    usesMinRequests: true,
    usesErrorsFrom: true,
    defaultThreshold: 5,
  },
  p95: {
    label: 'Slow responses (p95)',
    help: 'Fires when the slowest 5 % of the requests in the window take longer than this.',
    thresholdLabel: 'p95 above (ms)',
    thresholdHelp: 'Milliseconds: 95 % of requests must be faster than this.',
    unit: 'ms',
    usesMinRequests: true,
    usesErrorsFrom: false,
    defaultThreshold: 1000,
  },
  baseline: {
    label: 'Above the usual',
    help: 'Fires when the requests in the window are more than this many times the same window’s average on the 7 days before, so a busy Monday morning that is always busy pages no one.',
    thresholdLabel: 'Times the usual',
    thresholdHelp: 'A factor from 1: 3 fires at three times the usual traffic.',
    unit: '×',
    usesMinRequests: true,
    usesErrorsFrom: false,
    defaultThreshold: 3,
  },
};

export const RULE_KIND_ORDER: readonly RuleKind[] = ['spike', 'silence', 'error_share', 'p95', 'baseline'];

/** seconds → "45 s", "5 min", "2 h", "1 d", "90 min" */
export function formatSeconds(seconds: number): string {
  if (seconds % 86_400 === 0 && seconds > 0) return `${seconds / 86_400} d`;
  if (seconds % 3600 === 0 && seconds > 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0 && seconds > 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** a reading or threshold in its kind's unit: "1,240 requests", "12.5 %", "830 ms", "3.2 ×" */
export function formatRuleValue(kind: RuleKind, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '–';
  const n = (digits: number) => value.toLocaleString('en-US', { maximumFractionDigits: digits });
  switch (kind) {
    case 'spike':
    case 'silence':
      return `${n(0)} requests`;
    case 'error_share':
      return `${n(1)} %`;
    case 'p95':
      return `${n(0)} ms`;
    case 'baseline':
      return `${n(1)} ×`;
  }
}

/** a rule's condition in one line: "more than 1,000 requests in 5 min on /api" */
export function describeCondition(rule: {
  kind: RuleKind;
  threshold: number;
  window_seconds: number;
  url_prefix: string | null;
  min_requests: number;
  errors_from: number;
  for_seconds: number;
}): string {
  const window = formatSeconds(rule.window_seconds);
  const value = formatRuleValue(rule.kind, rule.threshold);
  let text: string;
  switch (rule.kind) {
    case 'spike':
      text = `more than ${value} in ${window}`;
      break;
    case 'silence':
      text = rule.threshold === 0 ? `no requests in ${window}` : `at most ${value} in ${window}`;
      break;
    case 'error_share':
      text = `over ${value} of requests answered ${rule.errors_from === 400 ? '4xx or 5xx' : '5xx'} in ${window}`;
      break;
    case 'p95':
      text = `p95 over ${value} in ${window}`;
      break;
    case 'baseline':
      text = `more than ${value} the usual requests in ${window}`;
      break;
  }
  if (KIND_WORDING[rule.kind].usesMinRequests && rule.min_requests > 0) {
    text += ` (with at least ${rule.min_requests.toLocaleString('en-US')} requests)`;
  }
  if (rule.url_prefix !== null) text += ` on ${rule.url_prefix}`;
  if (rule.for_seconds > 0) text += `, for ${formatSeconds(rule.for_seconds)}`;
  return text;
}

/** whether a rule is muted at `now` */
export function isMuted(rule: { muted_until: number | null }, now: number): boolean {
  return rule.muted_until !== null && rule.muted_until > now;
}

/** "until unmuted": the latest time a Date holds, far past any real mute */
export const MUTED_UNTIL_UNMUTED = 8_640_000_000_000_000;

/** a mute's end in words, or null when not muted */
export function mutedText(rule: { muted_until: number | null }, now: number, formatTime: (ms: number) => string) {
  if (!isMuted(rule, now)) return null;
  return rule.muted_until! >= MUTED_UNTIL_UNMUTED / 2
    ? 'muted until unmuted'
    : `muted until ${formatTime(rule.muted_until!)}`;
}
