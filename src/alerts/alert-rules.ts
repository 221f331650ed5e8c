/**
 * A service's alert rules, as the API and CLI use them: add, list, edit,
 * mute, remove, and the latest transitions. Input that breaks a rule gets a
 * RuleRefusal naming it, and nothing is stored.
 */
import type { Clock } from '../clock.js';
import type { AlertRuleStore, AlertTransition } from '../store/alert-rule-store.js';
import { type AlertRule, type RuleRefusal, validateRuleSettings } from './rules.js';

/** transitions one call lists at most */
export const MAX_LISTED_TRANSITIONS = 500;

export interface AlertRules {
  add(serviceId: number, input: Record<string, unknown>): Promise<AlertRule | RuleRefusal>;
  list(serviceId: number): Promise<AlertRule[]>;
  find(serviceId: number, ruleId: number): Promise<AlertRule | RuleRefusal>;
  /** replaces the settings (fields left out take their defaults, as in add) */
  update(serviceId: number, ruleId: number, input: Record<string, unknown>): Promise<AlertRule | RuleRefusal>;
  /** `until` in ms since the epoch; null unmutes */
  mute(serviceId: number, ruleId: number, until: number | null): Promise<AlertRule | RuleRefusal>;
  remove(serviceId: number, ruleId: number): Promise<true | RuleRefusal>;
  /** newest first */
  transitions(serviceId: number, options?: { limit?: number; since?: number }): Promise<AlertTransition[]>;
}

function noRule(ruleId: number): RuleRefusal {
  return { refused: 'not_found', message: `no alert rule ${ruleId} on this service` };
}

export function createAlertRules(deps: { store: AlertRuleStore; clock: Clock }): AlertRules {
  const { store, clock } = deps;
  return {
    async add(serviceId, input) {
      const settings = validateRuleSettings(input);
      if ('refused' in settings) return settings;
      return store.createRule(serviceId, settings, clock());
    },
    list: (serviceId) => store.listRules(serviceId),
    async find(serviceId, ruleId) {
      return (await store.findRule(serviceId, ruleId)) ?? noRule(ruleId);
    },
    async update(serviceId, ruleId, input) {
      const settings = validateRuleSettings(input);
      if ('refused' in settings) return settings;
      return (await store.updateRule(serviceId, ruleId, settings)) ?? noRule(ruleId);
    },
    async mute(serviceId, ruleId, until) {
      if (until !== null && !(Number.isSafeInteger(until) && until >= 0)) {
        return { refused: 'bad_request', message: 'muted_until: a time in ms since the epoch, or null' };
      }
      return (await store.muteRule(serviceId, ruleId, until)) ?? noRule(ruleId);
    },
    async remove(serviceId, ruleId) {
      return (await store.removeRule(serviceId, ruleId)) ? true : noRule(ruleId);
    },
    transitions(serviceId, options = {}) {
      const limit = Math.min(Math.max(1, options.limit ?? 50), MAX_LISTED_TRANSITIONS);
      return store.recentTransitions(serviceId, limit, options.since);
    },
  };
}
