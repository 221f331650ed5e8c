/**
 * Alert rules, their evaluation state and the transitions they made.
 *
 * One transition → one notification, across any number of processes: every
 * process evaluates every rule, and writes what it found with a
 * compare-and-set on the rule's `version` (UPDATE … WHERE id = ? AND
 * version = ?). A transition bumps the version, and its row, the rule's new
 * state and one delivery per channel of the service are written in ONE
 * transaction: of two processes that saw the same transition only one
 * update matches, and the loser writes nothing (UNIQUE (rule_id,
 * rule_version) backs it). A restart loses nothing: the state is in the
 * database, not in a process.
 */
import type { TransitionKind } from '../alerts/notification.js';
import type { AlertRule, RuleEvaluationState, RuleRefusal, RuleSettings } from '../alerts/rules.js';

export interface AlertTransition {
  id: number;
  ruleId: number;
  serviceId: number;
  ruleVersion: number;
  kind: TransitionKind;
  at: number;
  value: number | null;
  message: string;
}

/** A rule with its service's name, as the evaluator reads them. */
export interface RuleToEvaluate extends AlertRule {
  serviceName: string;
}

/** What one evaluation of a rule writes. */
export interface EvaluationWrite {
  ruleId: number;
  /** the version the evaluation read: nothing is written unless the rule still has it */
  expectedVersion: number;
  /** the new state (its version is expectedVersion, + 1 with a transition) */
  next: Omit<RuleEvaluationState, 'version'>;
  transition: { kind: TransitionKind; at: number; value: number | null; message: string } | null;
  /**
   * With a transition: one pending delivery per channel of the rule's
   * service, each with its own message id, due at the transition's time.
   * Null when the rule is muted: the transition is recorded, nothing sent.
   */
  deliveries: { payload: string; messageId: () => string } | null;
}

export type EvaluationOutcome = { saved: false } | { saved: true; transitionId: number | null; deliveries: number };

export interface AlertRuleStore {
  /** refused (nothing stored) when the service has MAX_RULES_PER_SERVICE rules already; throws StoreNotFoundError for no service */
  createRule(serviceId: number, settings: RuleSettings, now: number): Promise<AlertRule | RuleRefusal>;
  findRule(serviceId: number, ruleId: number): Promise<AlertRule | null>;
  /** a service's rules, by id */
  listRules(serviceId: number): Promise<AlertRule[]>;
  /**
   * Replaces a rule's settings and keeps its state; bumps its version, so an
   * evaluation of the old settings running meanwhile writes nothing. Null
   * when there is no such rule.
   */
  updateRule(serviceId: number, ruleId: number, settings: RuleSettings): Promise<AlertRule | null>;
  /** mutes the rule until `until` (null: unmutes it); null when there is no such rule */
  muteRule(serviceId: number, ruleId: number, until: number | null): Promise<AlertRule | null>;
  /** removes the rule with its transitions (their deliveries go too); true when it existed */
  removeRule(serviceId: number, ruleId: number): Promise<boolean>;

  /** every rule of every service, by service and id */
  rulesToEvaluate(): Promise<RuleToEvaluate[]>;
  /** writes one evaluation's outcome (see the header); `saved` false when another process got there first */
  saveEvaluation(write: EvaluationWrite): Promise<EvaluationOutcome>;
  /** a service's transitions, newest first: at most `limit`, at or after `since` when given */
  recentTransitions(serviceId: number, limit: number, since?: number): Promise<AlertTransition[]>;
}
