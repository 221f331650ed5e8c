import type pg from 'pg';
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
import { inTransaction, type Queryable } from './database.js';
import { arrayLiteral } from './event-rows.js';

const R_COLUMNS = RULE_COLUMNS.split(', ')
  .map((column) => `r.${column}`)
  .join(', ');

/**
 * The compare-and-set: under READ COMMITTED a second process's UPDATE waits
 * for the first's row lock, then finds the version moved and matches nothing.
 */
const SAVE_STATE_SQL = `
  UPDATE alert_rules SET state = $1, condition_since = $2, state_changed_at = $3, last_value = $4,
    last_evaluated_at = $5, last_notified_at = $6, version = $7
  WHERE id = $8 AND version = $9
  RETURNING service_id`;

const INSERT_DELIVERIES_SQL = `
  INSERT INTO alert_deliveries (channel_id, transition_id, message_id, payload, status, attempts, created_at, next_attempt_at)
  SELECT channel_id, $2, message_id, $3, 'pending', 0, $4, $4
  FROM unnest($1::bigint[], $5::text[]) AS d(channel_id, message_id)`;

/** The alert rule store on PostgreSQL; `ready` runs a call once the schema is up to date. */
export function postgresAlertRuleStore(
  pool: pg.Pool,
  ready: <T>(body: () => Promise<T>) => Promise<T>,
): AlertRuleStore {
  const rows = async <R extends pg.QueryResultRow>(db: Queryable, sql: string, params: unknown[]): Promise<R[]> =>
    (await db.query<R>(sql, params)).rows;
  const oneRule = async (sql: string, params: unknown[]) => {
    const [row] = await rows<RuleRow>(pool, sql, params);
    return row === undefined ? null : toRule(row);
  };

  async function saveEvaluation(client: pg.PoolClient, write: EvaluationWrite): Promise<EvaluationOutcome> {
    const { next, transition } = write;
    const version = transition === null ? write.expectedVersion : write.expectedVersion + 1;
    const [saved] = await rows<{ service_id: number }>(client, SAVE_STATE_SQL, [
      next.state,
      next.conditionSince,
      next.stateChangedAt,
      next.lastValue,
      next.lastEvaluatedAt,
      next.lastNotifiedAt,
      version,
      write.ruleId,
      write.expectedVersion,
    ]);
    if (saved === undefined) return { saved: false };
    if (transition === null) return { saved: true, transitionId: null, deliveries: 0 };
    const [inserted] = await rows<{ id: number }>(
      client,
      `INSERT INTO alert_transitions (rule_id, service_id, rule_version, kind, at, value, message)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [write.ruleId, saved.service_id, version, transition.kind, transition.at, transition.value, transition.message],
    );
    const transitionId = (inserted as { id: number }).id;
    if (write.deliveries === null) return { saved: true, transitionId, deliveries: 0 };
    const channels = await rows<{ id: number }>(
      client,
      'SELECT id FROM alert_channels WHERE service_id = $1 ORDER BY id',
      [saved.service_id],
    );
    if (channels.length > 0) {
      const { payload, messageId } = write.deliveries;
      await client.query(INSERT_DELIVERIES_SQL, [
        arrayLiteral(channels.map((c) => c.id)),
        transitionId,
        payload,
        transition.at,
        arrayLiteral(channels.map(() => messageId())),
      ]);
    }
    return { saved: true, transitionId, deliveries: channels.length };
  }

  return {
    createRule: (serviceId, settings, now) =>
      ready(() =>
        inTransaction(pool, async (client) => {
          // the service's row lock: two creations at once cannot both pass the count
          const found = await rows(client, 'SELECT 1 FROM services WHERE id = $1 FOR UPDATE', [serviceId]);
          if (found.length === 0) throw new StoreNotFoundError(`no service with id ${serviceId}`);
          const [counted] = await rows<{ n: number }>(
            client,
            'SELECT count(*)::bigint AS n FROM alert_rules WHERE service_id = $1',
            [serviceId],
          );
          if ((counted?.n ?? 0) >= MAX_RULES_PER_SERVICE) return TOO_MANY_RULES;
          const [row] = await rows<RuleRow>(
            client,
            `INSERT INTO alert_rules (service_id, ${SETTINGS_COLUMNS}, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING ${RULE_COLUMNS}`,
            [serviceId, ...settingsParams(settings), now],
          );
          return toRule(row as RuleRow);
        }),
      ),
    findRule: (serviceId, ruleId) =>
      ready(() =>
        oneRule(`SELECT ${RULE_COLUMNS} FROM alert_rules WHERE service_id = $1 AND id = $2`, [serviceId, ruleId]),
      ),
    listRules: (serviceId) =>
      ready(async () =>
        (
          await rows<RuleRow>(pool, `SELECT ${RULE_COLUMNS} FROM alert_rules WHERE service_id = $1 ORDER BY id`, [
            serviceId,
          ])
        ).map(toRule),
      ),
    updateRule: (serviceId, ruleId, settings) =>
      ready(() =>
        oneRule(
          `UPDATE alert_rules SET name = $1, kind = $2, window_seconds = $3, threshold = $4, min_requests = $5,
             errors_from = $6, url_prefix = $7, for_seconds = $8, repeat_minutes = $9, muted_until = $10,
             version = version + 1
           WHERE service_id = $11 AND id = $12 RETURNING ${RULE_COLUMNS}`,
          [...settingsParams(settings), serviceId, ruleId],
        ),
      ),
    muteRule: (serviceId, ruleId, until) =>
      ready(() =>
        oneRule(`UPDATE alert_rules SET muted_until = $1 WHERE service_id = $2 AND id = $3 RETURNING ${RULE_COLUMNS}`, [
          until,
          serviceId,
          ruleId,
        ]),
      ),
    removeRule: (serviceId, ruleId) =>
      ready(async () => {
        const result = await pool.query('DELETE FROM alert_rules WHERE service_id = $1 AND id = $2', [
          serviceId,
          ruleId,
        ]);
        return (result.rowCount ?? 0) > 0;
      }),
    rulesToEvaluate: () =>
      ready(async () =>
        (
          await rows<RuleRow & { service_name: string }>(
            pool,
            `SELECT ${R_COLUMNS}, s.name AS service_name
             FROM alert_rules r JOIN services s ON s.id = r.service_id ORDER BY r.service_id, r.id`,
            [],
          )
        ).map(toRuleToEvaluate),
      ),
    saveEvaluation: (write) => ready(() => inTransaction(pool, (client) => saveEvaluation(client, write))),
    recentTransitions: (serviceId, limit, since) =>
      ready(async () =>
        (
          await rows<TransitionRow>(
            pool,
            `SELECT ${TRANSITION_COLUMNS} FROM alert_transitions WHERE service_id = $1 AND at >= $2
             ORDER BY at DESC, id DESC LIMIT $3`,
            [serviceId, since ?? Number.MIN_SAFE_INTEGER, limit],
          )
        ).map(toTransition),
      ),
  };
}
