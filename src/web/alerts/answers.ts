/**
 * The alerts API's answers as TypeBox schemas (presented by present.ts): the
 * routes serialise with them, /api/openapi.json describes them, and the
 * pages derive their types from them. Imports nothing but TypeBox and the
 * shared answer schemas, so the UI can import its types from here.
 */
import { type Static, Type } from '@sinclair/typebox';
import { Answer, Nullable, Timestamp } from '../answer-schemas.js';

const Id = Type.Integer({ minimum: 1 });

function StringEnum<T extends string>(values: readonly T[]) {
  return Type.Unsafe<T>({ type: 'string', enum: [...values] });
}

export const AlertRuleInfo = Type.Object({
  id: Id,
  service_id: Id,
  name: Type.String(),
  kind: StringEnum(['spike', 'silence', 'error_share', 'p95', 'baseline'] as const),
  window_seconds: Type.Integer(),
  threshold: Type.Number(),
  min_requests: Type.Integer(),
  errors_from: Type.Integer({ description: '500 or 400' }),
  url_prefix: Nullable(Type.String()),
  for_seconds: Type.Integer(),
  repeat_minutes: Nullable(Type.Integer({ description: 'null: notified once' })),
  muted_until: Nullable(Type.Integer({ description: 'ms since the epoch; null: not muted' })),
  created_at: Timestamp,
  state: StringEnum(['ok', 'firing'] as const),
  condition_since: Nullable(
    Type.Integer({ description: 'ok: since when the condition holds; firing: since when it no longer holds' }),
  ),
  state_changed_at: Nullable(Type.Integer()),
  last_value: Nullable(Type.Number({ description: 'the latest reading' })),
  last_evaluated_at: Nullable(Type.Integer()),
  last_notified_at: Nullable(Type.Integer()),
});

export const AlertTransitionInfo = Type.Object({
  id: Id,
  rule_id: Id,
  rule_name: Nullable(Type.String({ description: 'null when the rule is gone' })),
  kind: StringEnum(['fired', 'resolved', 'reminder'] as const),
  at: Timestamp,
  value: Nullable(Type.Number()),
  message: Type.String(),
});

export const AlertChannelInfo = Type.Object({
  id: Id,
  service_id: Id,
  name: Type.String(),
  kind: StringEnum(['webhook', 'slack', 'discord', 'email'] as const),
  target: Type.String({
    description: 'the URL or addresses; Slack and Discord URLs with their last path segment (the credential) cut short',
  }),
  created_at: Timestamp,
});

export const DeliveryAttemptInfo = Type.Object({
  attempt: Type.Integer({ minimum: 1 }),
  at: Timestamp,
  duration_ms: Type.Integer({ minimum: 0 }),
  status: Nullable(Type.Integer({ description: 'HTTP status or SMTP reply code; null when nothing answered' })),
  answer: Nullable(Type.String({ description: 'the first 512 bytes of the answer' })),
  error: Nullable(Type.String()),
});

export const AlertDeliveryInfo = Type.Object({
  id: Id,
  channel_id: Id,
  transition_id: Nullable(Type.Integer({ description: 'null: a test' })),
  type: StringEnum(['alert.fired', 'alert.resolved', 'alert.reminder', 'alert.test'] as const),
  status: StringEnum(['pending', 'delivered', 'gave_up'] as const),
  attempts: Type.Integer({ minimum: 0 }),
  created_at: Timestamp,
  next_attempt_at: Timestamp,
  last_attempt_at: Nullable(Type.Integer()),
  last_status: Nullable(Type.Integer()),
  last_answer: Nullable(Type.String()),
  last_error: Nullable(Type.String()),
  attempt_log: Type.Array(DeliveryAttemptInfo, { description: 'oldest first' }),
});

export const AlertRulesAnswer = Answer(Type.Object({ rules: Type.Array(AlertRuleInfo) }), "The service's rules");
export const AlertRuleAnswer = Answer(Type.Object({ rule: AlertRuleInfo }), 'The rule');
export const NewAlertRuleAnswer = Answer(Type.Object({ rule: AlertRuleInfo }), 'The new rule', 201);
export const AlertTransitionsAnswer = Answer(
  Type.Object({ transitions: Type.Array(AlertTransitionInfo) }),
  'Transitions, newest first',
);
export const AlertChannelsAnswer = Answer(
  Type.Object({ channels: Type.Array(AlertChannelInfo) }),
  "The service's channels (never a secret)",
);
export const AlertChannelAnswer = Answer(Type.Object({ channel: AlertChannelInfo }), 'The channel');
export const NewAlertChannelAnswer = Answer(
  Type.Object({
    channel: AlertChannelInfo,
    secret: Nullable(Type.String({ description: "a webhook's signing secret (whsec_…), shown this once; else null" })),
  }),
  'The new channel, with its secret',
  201,
);
export const TestDeliveryAnswer = Answer(
  Type.Object({ delivery: AlertDeliveryInfo }),
  'The test delivery, queued: the delivery worker sends it within a second',
  202,
);
export const DeliveriesAnswer = Answer(
  Type.Object({ deliveries: Type.Array(AlertDeliveryInfo) }),
  "The channel's deliveries, newest first, each with its attempts",
);
export const AlertRemovedAnswer = Answer(Type.Object({ id: Id, removed: Type.Literal(true) }), 'Removed');

export type AlertRuleInfo = Static<typeof AlertRuleInfo>;
export type AlertTransitionInfo = Static<typeof AlertTransitionInfo>;
export type AlertChannelInfo = Static<typeof AlertChannelInfo>;
export type AlertDeliveryInfo = Static<typeof AlertDeliveryInfo>;
export type DeliveryAttemptInfo = Static<typeof DeliveryAttemptInfo>;
