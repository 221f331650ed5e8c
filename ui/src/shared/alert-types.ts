/**
 * The alerts API's JSON shapes (rules, transitions, channels, deliveries) as
 * both pages read them: derived from the server's own answer schemas
 * (src/web/alerts/answers.ts, the schemas the routes serialise with and
 * /api/openapi.json describes), so a change there that the pages do not
 * follow fails `npm run typecheck`. Type-only imports: the build erases them.
 */
import type { Static } from '@sinclair/typebox';
import type {
  AlertChannelInfo,
  AlertDeliveryInfo,
  AlertRuleInfo,
  AlertTransitionInfo,
  DeliveryAttemptInfo,
} from '../../../src/web/alerts/answers.js';
import type { RuleInput as RuleInputSchema } from '../../../src/web/alerts/schemas.js';
import type { RuleKind as WordedKind } from './alert-wording';

export type AlertRule = AlertRuleInfo;
export type AlertTransition = AlertTransitionInfo;
export type AlertChannel = AlertChannelInfo;
export type AlertDelivery = AlertDeliveryInfo;
export type DeliveryAttempt = DeliveryAttemptInfo;

export type RuleKind = AlertRule['kind'];
/** alert-wording.ts, import-free for node:test, spells the kinds out: this fails typecheck if they differ */
const sameKinds: [RuleKind, WordedKind] extends [WordedKind, RuleKind] ? true : never = true;
void sameKinds;
export type RuleState = AlertRule['state'];
export type TransitionKind = AlertTransition['kind'];
export type ChannelKind = AlertChannel['kind'];
export type DeliveryStatus = AlertDelivery['status'];

/** what POST and PUT /api/services/:id/alerts take, its kind narrowed to the five */
export type RuleInput = Omit<Static<typeof RuleInputSchema>, 'kind'> & { kind: RuleKind };
