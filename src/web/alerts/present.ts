/** Alert rules, transitions, channels and deliveries → the JSON shapes of the alerts API (snake_case). */
import type { NotificationType } from '../../alerts/notification.js';
import type { AlertRule } from '../../alerts/rules.js';
import type { AlertChannel, LoggedDelivery } from '../../store/alert-channel-store.js';
import type { AlertTransition } from '../../store/alert-rule-store.js';
import type { AlertChannelInfo, AlertDeliveryInfo, AlertRuleInfo, AlertTransitionInfo } from './answers.js';

export function presentRule(rule: AlertRule): AlertRuleInfo {
  return {
    id: rule.id,
    service_id: rule.serviceId,
    name: rule.name,
    kind: rule.kind,
    window_seconds: rule.windowSeconds,
    threshold: rule.threshold,
    min_requests: rule.minRequests,
    errors_from: rule.errorsFrom,
    url_prefix: rule.urlPrefix,
    for_seconds: rule.forSeconds,
    repeat_minutes: rule.repeatMinutes,
    muted_until: rule.mutedUntil,
    created_at: rule.createdAt,
    state: rule.state,
    condition_since: rule.conditionSince,
    state_changed_at: rule.stateChangedAt,
    last_value: rule.lastValue,
    last_evaluated_at: rule.lastEvaluatedAt,
    last_notified_at: rule.lastNotifiedAt,
  };
}

export function presentTransition(transition: AlertTransition, ruleNames: Map<number, string>): AlertTransitionInfo {
  return {
    id: transition.id,
    rule_id: transition.ruleId,
    rule_name: ruleNames.get(transition.ruleId) ?? null,
    kind: transition.kind,
    at: transition.at,
    value: transition.value,
    message: transition.message,
  };
}

/**
 * Slack and Discord incoming-webhook URLs carry their credential in the
 * last path segment: lists show its first 4 characters, so a screenshot
 * of the admin page does not hand out the channel. Webhook URLs (the
 * owner's own endpoint; their secret signs) and addresses are shown as is.
 */
export function shownTarget(channel: Pick<AlertChannel, 'kind' | 'target'>): string {
  if (channel.kind !== 'slack' && channel.kind !== 'discord') return channel.target;
  let url: URL;
  try {
    url = new URL(channel.target);
  } catch {
    return '…';
  }
  const segments = url.pathname.split('/');
  const last = segments.pop() ?? '';
  return `${url.origin}${segments.join('/')}/${last.slice(0, 4)}…`;
}

export function presentChannel(channel: AlertChannel): AlertChannelInfo {
  return {
    id: channel.id,
    service_id: channel.serviceId,
    name: channel.name,
    kind: channel.kind,
    target: shownTarget(channel),
    created_at: channel.createdAt,
  };
}

/** the notification's type, read from the stored payload (a test has no transition) */
function deliveryType(delivery: LoggedDelivery): NotificationType {
  try {
    const type = (JSON.parse(delivery.payload) as { type?: unknown }).type;
    if (type === 'alert.fired' || type === 'alert.resolved' || type === 'alert.reminder' || type === 'alert.test') {
      return type;
    }
  } catch (error) {
    throw new Error(`delivery ${delivery.id} holds a payload that is not JSON`, { cause: error });
  }
  throw new Error(`delivery ${delivery.id} holds a payload without a notification type`);
}

export function presentDelivery(delivery: LoggedDelivery): AlertDeliveryInfo {
  return {
    id: delivery.id,
    channel_id: delivery.channelId,
    transition_id: delivery.transitionId,
    type: deliveryType(delivery),
    status: delivery.status,
    attempts: delivery.attempts,
    created_at: delivery.createdAt,
    next_attempt_at: delivery.nextAttemptAt,
    last_attempt_at: delivery.lastAttemptAt,
    last_status: delivery.lastStatus,
    last_answer: delivery.lastAnswer,
    last_error: delivery.lastError,
    attempt_log: delivery.attemptLog.map((attempt) => ({
      attempt: attempt.attempt,
      at: attempt.at,
      duration_ms: attempt.durationMs,
      status: attempt.status,
      answer: attempt.answer,
      error: attempt.error,
    })),
  };
}
