/**
 * One evaluation of one rule, as a pure function of the rule with its
 * state, its reading and the time: the state to save, and the transition
 * it makes, if any.
 *
 * - A rule fires once its condition has held for `for_seconds`
 *   (condition_since marks since when), and resolves once it has not held
 *   for `for_seconds` (condition_since then marks since when it stopped).
 * - While firing, it reminds every `repeat_minutes` after the last
 *   notification.
 * - Muted, its state still moves and fired/resolved transitions are
 *   recorded (the caller sends nothing for them); no reminders.
 */
import type { TransitionKind } from './notification.js';
import type { RuleReading } from './readings.js';
import type { AlertRule, RuleEvaluationState } from './rules.js';

export interface EvaluationResult {
  next: Omit<RuleEvaluationState, 'version'>;
  transition: { kind: TransitionKind; at: number; value: number | null } | null;
  /** the rule is muted at `now`: the transition (if any) notifies nobody */
  muted: boolean;
}

type EvaluatedRule = Pick<
  AlertRule,
  'kind' | 'threshold' | 'forSeconds' | 'repeatMinutes' | 'mutedUntil' | keyof RuleEvaluationState
>;

/** Whether the rule's condition holds on this reading; a reading with no value (too little data) never holds. */
export function conditionHolds(rule: Pick<AlertRule, 'kind' | 'threshold'>, reading: RuleReading): boolean {
  const { value } = reading;
  if (value === null) return false;
  switch (rule.kind) {
    case 'spike':
    case 'error_share':
    case 'p95':
      return value > rule.threshold;
    case 'silence':
      return value <= rule.threshold;
    case 'baseline':
      return reading.baseline !== null && value > rule.threshold * reading.baseline;
  }
}

export function evaluateRule(rule: EvaluatedRule, reading: RuleReading, now: number): EvaluationResult {
  const holds = conditionHolds(rule, reading);
  const forMs = rule.forSeconds * 1000;
  const muted = rule.mutedUntil !== null && now < rule.mutedUntil;
  const base = {
    state: rule.state,
    conditionSince: rule.conditionSince,
    stateChangedAt: rule.stateChangedAt,
    lastValue: reading.value,
    lastEvaluatedAt: now,
    lastNotifiedAt: rule.lastNotifiedAt,
  };
  const at = (kind: TransitionKind) => ({ kind, at: now, value: reading.value });

  if (rule.state === 'ok') {
    if (!holds) return { next: { ...base, conditionSince: null }, transition: null, muted };
    const since = rule.conditionSince ?? now;
    if (now - since < forMs) return { next: { ...base, conditionSince: since }, transition: null, muted };
    return {
      next: { ...base, state: 'firing', conditionSince: null, stateChangedAt: now, lastNotifiedAt: now },
      transition: at('fired'),
      muted,
    };
  }

  if (!holds) {
    const since = rule.conditionSince ?? now;
    if (now - since < forMs) return { next: { ...base, conditionSince: since }, transition: null, muted };
    return {
      next: { ...base, state: 'ok', conditionSince: null, stateChangedAt: now },
      transition: at('resolved'),
      muted,
    };
  }
  const next = { ...base, conditionSince: null };
  if (rule.repeatMinutes === null || muted) return { next, transition: null, muted };
  const last = rule.lastNotifiedAt ?? rule.stateChangedAt ?? now;
  if (now - last < rule.repeatMinutes * 60_000) return { next, transition: null, muted };
  return { next: { ...next, lastNotifiedAt: now }, transition: at('reminder'), muted };
}
