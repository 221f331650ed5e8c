import { TOO_MANY_RULES } from '../../alerts/rule-limit.js';
import { MAX_RULES_PER_SERVICE } from '../../alerts/rules.js';
import {
  RULE_COLUMNS,
  type RuleRow,
  SETTINGS_COLUMNS,
  settingsParams,
  TRANSITION_COLUMNS,
  type TransitionRow,
  toRule,
  toRuleToEvaluate,
  toTransition,
} from '../alert-rule-rows.js';
import type { AlertRuleStore, EvaluationOutcome, EvaluationWrite } from '../alert-rule-store.js';
import { StoreNotFoundError } from '../errors.js';
import { isForeignKeyViolation } from './constraint.js';
import type { SqliteDatabase, SqlValue } from './database.js';

function prepare(db: SqliteDatabase) {
  return {
    countRules: db.prepare<[number], number>('SELECT count(*) FROM alert_rules WHERE service_id = ?').pluck(),
    insertRule: db.prepare<SqlValue[], RuleRow>(
      `INSERT INTO alert_rules (service_id, ${SETTINGS_COLUMNS}, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${RULE_COLUMNS}`,
    ),
    ruleById: db.prepare<[number, number], RuleRow>(
      `SELECT ${RULE_COLUMNS} FROM alert_rules WHERE service_id = ? AND id = ?`,
    ),
    rulesOf: db.prepare<[number], RuleRow>(`SELECT ${RULE_COLUMNS} FROM alert_rules WHERE service_id = ? ORDER BY id`),
    updateRule: db.prepare<SqlValue[], RuleRow>(
      `UPDATE alert_rules SET name = ?, kind = ?, window_seconds = ?, threshold = ?, min_requests = ?,
         errors_from = ?, url_prefix = ?, for_seconds = ?, repeat_minutes = ?, muted_until = ?, version = version + 1
       WHERE service_id = ? AND id = ? RETURNING ${RULE_COLUMNS}`,
    ),
    muteRule: db.prepare<[number | null, number, number], RuleRow>(
      `UPDATE alert_rules SET muted_until = ? WHERE service_id = ? AND id = ? RETURNING ${RULE_COLUMNS}`,
    ),
    removeRule: db.prepare<[number, number]>('DELETE FROM alert_rules WHERE service_id = ? AND id = ?'),
    allRules: db.prepare<[], RuleRow & { service_name: string }>(
      `SELECT ${RULE_COLUMNS.split(', ')
        .map((c) => `r.${c}`)
        .join(', ')}, s.name AS service_name
       FROM alert_rules r JOIN services s ON s.id = r.service_id ORDER BY r.service_id, r.id`,
    ),
    saveState: db.prepare<SqlValue[]>(
      `UPDATE alert_rules SET state = ?, condition_since = ?, state_changed_at = ?, last_value = ?,
         last_evaluated_at = ?, last_notified_at = ?, version = ?
       WHERE id = ? AND version = ?`,
    ),
    insertTransition: db
      .prepare<SqlValue[], number>(
        `INSERT INTO alert_transitions (rule_id, service_id, rule_version, kind, at, value, message)
         SELECT id, service_id, ?, ?, ?, ?, ? FROM alert_rules WHERE id = ? RETURNING id`,
      )
      .pluck(),
    channelsOfRule: db
      .prepare<[number], number>(
        'SELECT c.id FROM alert_channels c JOIN alert_rules r ON r.service_id = c.service_id WHERE r.id = ? ORDER BY c.id',
      )
      .pluck(),
    insertDelivery: db.prepare<[number, number, string, string, number, number]>(
      `INSERT INTO alert_deliveries (channel_id, transition_id, message_id, payload, status, attempts, created_at, next_attempt_at)
       VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)`,
    ),
    transitions: db.prepare<[number, number, number], TransitionRow>(
      `SELECT ${TRANSITION_COLUMNS} FROM alert_transitions WHERE service_id = ? AND at >= ?
       ORDER BY at DESC, id DESC LIMIT ?`,
    ),
  };
}

/**
 * The alert rule store on SQLite, on the connection of the thread that calls
 * it (the server's main thread; the writer thread is for events). Its
 * transactions are IMMEDIATE: the compare-and-set and what it writes hold
 * the database's one write lock together.
 */
export function sqliteAlertRuleStore(database: () => SqliteDatabase): AlertRuleStore {
  let prepared: ReturnType<typeof prepare> | null = null;
  const statements = () => {
    prepared ??= prepare(database());
    return prepared;
  };
  const inTransaction = <T>(body: () => T): T => database().transaction(body).immediate();

  function saveEvaluation(write: EvaluationWrite): EvaluationOutcome {
    const s = statements();
    const { next, transition } = write;
    const version = transition === null ? write.expectedVersion : write.expectedVersion + 1;
    const changed = s.saveState.run(
      next.state,
      next.conditionSince,
      next.stateChangedAt,
      next.lastValue,
      next.lastEvaluatedAt,
      next.lastNotifiedAt,
      version,
      write.ruleId,
      write.expectedVersion,
    ).changes;
    if (changed === 0) return { saved: false };
    if (transition === null) return { saved: true, transitionId: null, deliveries: 0 };
    const transitionId = s.insertTransition.get(
      version,
      transition.kind,
      transition.at,
      transition.value,
      transition.message,
      write.ruleId,
    ) as number;
    let deliveries = 0;
    if (write.deliveries !== null) {
      for (const channelId of s.channelsOfRule.all(write.ruleId)) {
        const { payload, messageId } = write.deliveries;
        s.insertDelivery.run(channelId, transitionId, messageId(), payload, transition.at, transition.at);
        deliveries++;
      }
    }
    return { saved: true, transitionId, deliveries };
  }

  return {
    async createRule(serviceId, settings, now) {
      try {
        return inTransaction(() => {
          const s = statements();
          if ((s.countRules.get(serviceId) ?? 0) >= MAX_RULES_PER_SERVICE) return TOO_MANY_RULES;
          return toRule(s.insertRule.get(serviceId, ...settingsParams(settings), now) as RuleRow);
        });
      } catch (error) {
        if (isForeignKeyViolation(error)) throw new StoreNotFoundError(`no service with id ${serviceId}`);
        throw error;
      }
    },
    async findRule(serviceId, ruleId) {
      const row = statements().ruleById.get(serviceId, ruleId);
      return row === undefined ? null : toRule(row);
    },
    async listRules(serviceId) {
      return statements().rulesOf.all(serviceId).map(toRule);
    },
    async updateRule(serviceId, ruleId, settings) {
      const row = statements().updateRule.get(...settingsParams(settings), serviceId, ruleId);
      return row === undefined ? null : toRule(row);
    },
    async muteRule(serviceId, ruleId, until) {
      const row = statements().muteRule.get(until, serviceId, ruleId);
      return row === undefined ? null : toRule(row);
    },
    async removeRule(serviceId, ruleId) {
      return statements().removeRule.run(serviceId, ruleId).changes > 0;
    },
    async rulesToEvaluate() {
      return statements().allRules.all().map(toRuleToEvaluate);
    },
    async saveEvaluation(write) {
      return inTransaction(() => saveEvaluation(write));
    },
    async recentTransitions(serviceId, limit, since) {
      return statements()
        .transitions.all(serviceId, since ?? Number.MIN_SAFE_INTEGER, limit)
        .map(toTransition);
    },
  };
}
