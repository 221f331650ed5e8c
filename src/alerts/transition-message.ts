/**
 * The one human sentence a transition carries, e.g.
 * `shop: 1,240 requests in 5 min, above 1,000 (spike rule "traffic spike")`.
 */
import type { TransitionKind } from './notification.js';
import type { RuleReading } from './readings.js';
import type { AlertRule } from './rules.js';

const count = (n: number) => Math.round(n).toLocaleString('en-US');
const number = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1 });

export function windowText(seconds: number): string {
  const h = Math.floor(seconds / 3_600);
  const min = Math.floor((seconds % 3_600) / 60);
  const s = seconds % 60;
  const parts = [h > 0 ? `${h} h` : '', min > 0 ? `${min} min` : '', s > 0 ? `${s} s` : ''];
  return parts.filter(Boolean).join(' ');
}

type MessageRule = Pick<
  AlertRule,
  'name' | 'kind' | 'windowSeconds' | 'threshold' | 'urlPrefix' | 'errorsFrom' | 'minRequests'
>;

/** What was measured, e.g. "1,240 requests in 5 min under /api". */
function measured(rule: MessageRule, reading: RuleReading): string {
  const where = `in ${windowText(rule.windowSeconds)}${rule.urlPrefix === null ? '' : ` under ${rule.urlPrefix}`}`;
  const value = reading.value;
  switch (rule.kind) {
    case 'spike':
    case 'silence':
    case 'baseline':
      return `${count(reading.requests)} requests ${where}`;
    case 'error_share':
      return value === null
        ? `too few requests ${where} to judge the error share`
        : `${number(value)} % of ${count(reading.requests)} requests ${where} answered ${rule.errorsFrom === 400 ? '4xx or 5xx' : '5xx'}`;
    case 'p95':
      return value === null
        ? `too few requests ${where} to judge the p95`
        : `p95 duration ${count(value)} ms over ${count(reading.requests)} requests ${where}`;
  }
}

/** How the value stands against the threshold, when the rule fires (or is still firing). */
function against(rule: MessageRule, reading: RuleReading): string {
  switch (rule.kind) {
    case 'spike':
      return `above ${count(rule.threshold)}`;
    case 'silence':
      return rule.threshold === 0 ? 'none at all' : `at most ${count(rule.threshold)}`;
    case 'error_share':
      return `above ${number(rule.threshold)} %`;
    case 'p95':
      return `above ${count(rule.threshold)} ms`;
    case 'baseline':
      return `above ${number(rule.threshold)} × the usual ${number(reading.baseline ?? 0)}`;
  }
}

export function transitionMessage(
  serviceName: string,
  rule: MessageRule,
  kind: TransitionKind,
  reading: RuleReading,
): string {
  const what = `${rule.kind} rule "${rule.name}"`;
  switch (kind) {
    case 'fired':
      return `${serviceName}: ${measured(rule, reading)}, ${against(rule, reading)} (${what})`;
    case 'reminder':
      return `${serviceName}: still ${measured(rule, reading)}, ${against(rule, reading)} (${what})`;
    case 'resolved':
      return `${serviceName}: resolved, ${measured(rule, reading)} (${what})`;
  }
}
