/**
 * Bodies, params and queries of the alerts API. The schemas check types
 * only; what a rule or a channel may be (ranges, kinds' fields) is checked
 * by the alert modules, whose refusals name the field (alerts/rules.ts,
 * alerts/delivery/channel-input.ts).
 */
import { Type } from '@sinclair/typebox';
import { Nullable } from '../answer-schemas.js';

const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
const Ms = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'ms since the epoch' });

export const ServiceParams = Type.Object({ id: Id });
export const RuleParams = Type.Object({ id: Id, ruleId: Id });
export const ChannelParams = Type.Object({ id: Id, channelId: Id });

export const RuleInput = Type.Object(
  {
    name: Type.String({ description: 'up to 100 characters' }),
    kind: Type.Unsafe<string>({ type: 'string', enum: ['spike', 'silence', 'error_share', 'p95', 'baseline'] }),
    window_seconds: Type.Integer({ description: '60 to 86,400' }),
    threshold: Type.Number({
      description: 'spike, silence: requests in the window; error_share: percent; p95: ms; baseline: factor k',
    }),
    min_requests: Type.Optional(
      Type.Integer({ description: 'error_share, p95: fewer requests in the window stay quiet' }),
    ),
    errors_from: Type.Optional(Type.Integer({ description: 'error_share: 500 (5xx) or 400 (4xx and 5xx)' })),
    url_prefix: Type.Optional(Nullable(Type.String({ description: 'only requests whose URL starts with it' }))),
    for_seconds: Type.Optional(
      Type.Integer({ description: 'how long the condition holds before firing, and stops before resolving' }),
    ),
    repeat_minutes: Type.Optional(
      Nullable(Type.Integer({ description: 'notify again every N minutes while firing; null: once' })),
    ),
    muted_until: Type.Optional(Nullable(Type.Integer({ description: 'ms since the epoch; null: not muted' }))),
  },
  { additionalProperties: false },
);

export const MuteInput = Type.Object(
  { until: Nullable(Type.Integer({ description: 'ms since the epoch; null unmutes' })) },
  { additionalProperties: false },
);

export const TransitionQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    since: Type.Optional(Ms),
  },
  { additionalProperties: false },
);

export const NewChannel = Type.Object(
  {
    name: Type.String({ description: 'up to 64 characters' }),
    kind: Type.Unsafe<string>({ type: 'string', enum: ['webhook', 'slack', 'discord', 'email'] }),
    target: Type.String({ description: 'the URL (webhook, slack, discord) or e-mail addresses, comma-separated' }),
  },
  { additionalProperties: false },
);

export const ChannelChanges = Type.Object(
  { name: Type.Optional(Type.String()), target: Type.Optional(Type.String()) },
  { additionalProperties: false, minProperties: 1 },
);

export const DeliveryQuery = Type.Object(
  { limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }) },
  { additionalProperties: false },
);
