import type { TransitionKind } from '../alerts/notification.js';
import type { AlertRule, RuleKind, RuleSettings, RuleState } from '../alerts/rules.js';
import type { AlertTransition, RuleToEvaluate } from './alert-rule-store.js';

/** alert_rules as both backends return it (PostgreSQL's int8 parsed to numbers). */
export interface RuleRow {
  id: number;
  service_id: number;
  name: string;
  kind: RuleKind;
  window_seconds: number;
  threshold: number;
  min_requests: number;
  errors_from: number;
  url_prefix: string | null;
  for_seconds: number;
  repeat_minutes: number | null;
  muted_until: number | null;
  created_at: number;
  state: RuleState;
  condition_since: number | null;
  state_changed_at: number | null;
  last_value: number | null;
  last_evaluated_at: number | null;
  last_notified_at: number | null;
  version: number;
}

export const RULE_COLUMNS =
  'id, service_id, name, kind, window_seconds, threshold, min_requests, errors_from, url_prefix, for_seconds, ' +
  'repeat_minutes, muted_until, created_at, state, condition_since, state_changed_at, last_value, ' +
  'last_evaluated_at, last_notified_at, version';

export const TRANSITION_COLUMNS = 'id, rule_id, service_id, rule_version, kind, at, value, message';

export interface TransitionRow {
  id: number;
  rule_id: number;
  service_id: number;
  rule_version: number;
  kind: TransitionKind;
  at: number;
  value: number | null;
  message: string;
}

export function toRule(row: RuleRow): AlertRule {
  return {
    id: row.id,
    serviceId: row.service_id,
    name: row.name,
    kind: row.kind,
    windowSeconds: row.window_seconds,
    threshold: row.threshold,
    minRequests: row.min_requests,
    errorsFrom: row.errors_from === 400 ? 400 : 500,
    urlPrefix: row.url_prefix,
    forSeconds: row.for_seconds,
    repeatMinutes: row.repeat_minutes,
    mutedUntil: row.muted_until,
    createdAt: row.created_at,
    state: row.state,
    conditionSince: row.condition_since,
    stateChangedAt: row.state_changed_at,
    lastValue: row.last_value,
    lastEvaluatedAt: row.last_evaluated_at,
    lastNotifiedAt: row.last_notified_at,
    version: row.version,
  };
}

export function toRuleToEvaluate(row: RuleRow & { service_name: string }): RuleToEvaluate {
  return { ...toRule(row), serviceName: row.service_name };
}

export function toTransition(row: TransitionRow): AlertTransition {
  return {
    id: row.id,
    ruleId: row.rule_id,
    serviceId: row.service_id,
    ruleVersion: row.rule_version,
    kind: row.kind,
    at: row.at,
    value: row.value,
    message: row.message,
  };
}

/** The settings columns in the order the insert and update statements take them. */
export function settingsParams(settings: RuleSettings): (string | number | null)[] {
  return [
    settings.name,
    settings.kind,
    settings.windowSeconds,
    settings.threshold,
    settings.minRequests,
    settings.errorsFrom,
    settings.urlPrefix,
    settings.forSeconds,
    settings.repeatMinutes,
    settings.mutedUntil,
  ];
}

export const SETTINGS_COLUMNS =
  'name, kind, window_seconds, threshold, min_requests, errors_from, url_prefix, for_seconds, repeat_minutes, muted_until';
