import type pg from 'pg';
import {
  ATTEMPT_COLUMNS,
  type AttemptRow,
  CHANNEL_COLUMNS,
  type ChannelRow,
  DELIVERY_COLUMNS,
  type DeliveryRow,
  toChannel,
  toDelivery,
  withAttempts,
  withoutSecret,
} from '../alert-channel-rows.js';
import type { AlertChannelStore } from '../alert-channel-store.js';
import { StoreNotFoundError } from '../errors.js';
import { inTransaction, isForeignKeyViolation } from './database.js';

const CLAIMED_COLUMNS = DELIVERY_COLUMNS.split(', ')
  .map((column) => `d.${column}`)
  .join(', ');

/**
 * Claims as one statement: SKIP LOCKED lets processes claiming at the same
 * moment each take other rows instead of waiting for one another, and the
 * lease keeps them from taking a row once this statement has committed.
 */
const CLAIM_SQL = `
  WITH claimed AS (
    UPDATE alert_deliveries d SET lease_until = $1
    WHERE d.id IN (SELECT id FROM alert_deliveries
                   WHERE status = 'pending' AND next_attempt_at <= $2 AND (lease_until IS NULL OR lease_until < $2)
                   ORDER BY next_attempt_at, id LIMIT $3
                   FOR UPDATE SKIP LOCKED)
    RETURNING ${CLAIMED_COLUMNS})
  SELECT claimed.*, c.service_id AS c_service_id, c.name AS c_name, c.kind AS c_kind, c.target AS c_target,
         c.secret AS c_secret, c.created_at AS c_created_at
  FROM claimed JOIN alert_channels c ON c.id = claimed.channel_id
  ORDER BY claimed.next_attempt_at, claimed.id`;

type ClaimedRow = DeliveryRow & {
  c_service_id: number;
  c_name: string;
  c_kind: ChannelRow['kind'];
  c_target: string;
  c_secret: string | null;
  c_created_at: number;
};

/** The alert channel store on PostgreSQL; `ready` runs a call once the schema is up to date. */
export function postgresAlertChannelStore(
  pool: pg.Pool,
  ready: <T>(body: () => Promise<T>) => Promise<T>,
): AlertChannelStore {
  const rows = async <R extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<R[]> =>
    (await pool.query<R>(sql, params)).rows;
  return {
    createChannel: (input) =>
      ready(async () => {
        try {
          const [row] = await rows<ChannelRow>(
            `INSERT INTO alert_channels (service_id, name, kind, target, secret, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${CHANNEL_COLUMNS}`,
            [input.serviceId, input.name, input.kind, input.target, input.secret, input.now],
          );
          return toChannel(row as ChannelRow);
        } catch (error) {
          if (isForeignKeyViolation(error)) throw new StoreNotFoundError(`no service with id ${input.serviceId}`);
          throw error;
        }
      }),
    findChannel: (id) =>
      ready(async () => {
        const [row] = await rows<ChannelRow>(`SELECT ${CHANNEL_COLUMNS} FROM alert_channels WHERE id = $1`, [id]);
        return row === undefined ? null : withoutSecret(toChannel(row));
      }),
    listChannels: (serviceId) =>
      ready(async () =>
        (
          await rows<ChannelRow>(`SELECT ${CHANNEL_COLUMNS} FROM alert_channels WHERE service_id = $1 ORDER BY id`, [
            serviceId,
          ])
        ).map((row) => withoutSecret(toChannel(row))),
      ),
    countChannels: (serviceId) =>
      ready(async () => {
        const [row] = await rows<{ count: number }>(
          'SELECT count(*) AS count FROM alert_channels WHERE service_id = $1',
          [serviceId],
        );
        return row?.count ?? 0;
      }),
    updateChannel: (id, change) =>
      ready(async () => {
        const [row] = await rows<ChannelRow>(
          `UPDATE alert_channels SET name = $1, target = $2 WHERE id = $3 RETURNING ${CHANNEL_COLUMNS}`,
          [change.name, change.target, id],
        );
        return row === undefined ? null : withoutSecret(toChannel(row));
      }),
    removeChannel: (id) =>
      ready(async () => ((await pool.query('DELETE FROM alert_channels WHERE id = $1', [id])).rowCount ?? 0) > 0),

    insertTestDelivery: (input) =>
      ready(async () => {
        try {
          const [row] = await rows<DeliveryRow>(
            `INSERT INTO alert_deliveries (channel_id, transition_id, message_id, payload, status, created_at, next_attempt_at)
             VALUES ($1, NULL, $2, $3, 'pending', $4, $4) RETURNING ${DELIVERY_COLUMNS}`,
            [input.channelId, input.messageId, input.payload, input.now],
          );
          return toDelivery(row as DeliveryRow);
        } catch (error) {
          if (isForeignKeyViolation(error)) throw new StoreNotFoundError(`no channel with id ${input.channelId}`);
          throw error;
        }
      }),
    claimDueDeliveries: (now, leaseUntil, limit) =>
      ready(async () =>
        (await rows<ClaimedRow>(CLAIM_SQL, [leaseUntil, now, limit])).map((row) => ({
          delivery: toDelivery(row),
          channel: toChannel({
            id: row.channel_id,
            service_id: row.c_service_id,
            name: row.c_name,
            kind: row.c_kind,
            target: row.c_target,
            secret: row.c_secret,
            created_at: row.c_created_at,
          }),
        })),
      ),
    recordAttempt: (input) =>
      ready(() =>
        inTransaction(pool, async (client) => {
          const { attempt } = input;
          // `attempts = $2 - 1`: a late recorder of an attempt someone else already recorded changes nothing
          const updated = await client.query(
            `UPDATE alert_deliveries
             SET attempts = $2, status = $3,
                 next_attempt_at = CASE WHEN $3 = 'pending' THEN $4 ELSE next_attempt_at END,
                 lease_until = NULL, last_attempt_at = $5, last_status = $6, last_answer = $7, last_error = $8
             WHERE id = $1 AND attempts = $2 - 1 AND status = 'pending'`,
            [
              input.deliveryId,
              attempt.attempt,
              input.deliveryStatus,
              input.nextAttemptAt,
              attempt.at,
              attempt.status,
              attempt.answer,
              attempt.error,
            ],
          );
          if ((updated.rowCount ?? 0) === 0) return false;
          await client.query(
            `INSERT INTO alert_delivery_attempts (delivery_id, attempt, at, duration_ms, status, answer, error)
             VALUES ($1, $2, $3, $4, $5, $6, $7)`,
            [
              input.deliveryId,
              attempt.attempt,
              attempt.at,
              attempt.durationMs,
              attempt.status,
              attempt.answer,
              attempt.error,
            ],
          );
          return true;
        }),
      ),
    pruneDeliveries: (before, maxRows) =>
      ready(async () => {
        // by the due index: a settled delivery's next_attempt_at is when it was last due
        const deleted = await pool.query(
          `DELETE FROM alert_deliveries WHERE id IN (
             SELECT id FROM alert_deliveries
             WHERE status IN ('delivered', 'gave_up') AND next_attempt_at < $1 LIMIT $2)`,
          [before, maxRows],
        );
        return deleted.rowCount ?? 0;
      }),
    deliveryLog: (channelId, limit) =>
      ready(async () => {
        const deliveries = await rows<DeliveryRow>(
          `SELECT ${DELIVERY_COLUMNS} FROM alert_deliveries WHERE channel_id = $1 ORDER BY id DESC LIMIT $2`,
          [channelId, limit],
        );
        const attempts = await rows<AttemptRow>(
          `SELECT ${ATTEMPT_COLUMNS} FROM alert_delivery_attempts WHERE delivery_id = ANY($1::bigint[])`,
          [deliveries.map((row) => row.id)],
        );
        return withAttempts(deliveries, attempts);
      }),
  };
}
