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
import { isForeignKeyViolation } from './constraint.js';
import type { SqliteDatabase } from './database.js';

/**
 * The alert channel store on SQLite, on the connection of the thread that
 * calls it (the server's main thread; the writer thread is for events).
 * Statements are prepared at the first call, once the schema exists.
 */
export function sqliteAlertChannelStore(database: () => SqliteDatabase): AlertChannelStore {
  let prepared: ReturnType<typeof prepare> | null = null;
  const statements = () => {
    prepared ??= prepare(database());
    return prepared;
  };
  return {
    async createChannel(input) {
      try {
        const row = statements().insertChannel.get(
          input.serviceId,
          input.name,
          input.kind,
          input.target,
          input.secret,
          input.now,
        ) as ChannelRow;
        return toChannel(row);
      } catch (error) {
        if (isForeignKeyViolation(error)) throw new StoreNotFoundError(`no service with id ${input.serviceId}`);
        throw error;
      }
    },
    async findChannel(id) {
      const row = statements().channelById.get(id);
      return row === undefined ? null : withoutSecret(toChannel(row));
    },
    async listChannels(serviceId) {
      return statements()
        .channelsOfService.all(serviceId)
        .map((row) => withoutSecret(toChannel(row)));
    },
    async countChannels(serviceId) {
      return statements().countOfService.get(serviceId)?.count ?? 0;
    },
    async updateChannel(id, change) {
      const row = statements().updateChannel.get(change.name, change.target, id);
      return row === undefined ? null : withoutSecret(toChannel(row));
    },
    async removeChannel(id) {
      return statements().deleteChannel.run(id).changes > 0;
    },

    async insertTestDelivery(input) {
      try {
        const row = statements().insertTest.get(input.channelId, input.messageId, input.payload, input.now, input.now);
        return toDelivery(row as DeliveryRow);
      } catch (error) {
        if (isForeignKeyViolation(error)) throw new StoreNotFoundError(`no channel with id ${input.channelId}`);
        throw error;
      }
    },
    async claimDueDeliveries(now, leaseUntil, limit) {
      const s = statements();
      // a read first: the poll that finds nothing due (nearly every one) never waits for the write lock
      if (s.anyDue.get(now, now) === undefined) return [];
      // one statement: the rows it picks are leased before any other connection can pick them
      const rows = s.claim.all(leaseUntil, now, now, limit);
      // RETURNING gives rows in no promised order
      rows.sort((a, b) => a.next_attempt_at - b.next_attempt_at || a.id - b.id);
      return rows.map((row) => {
        const channel = s.channelById.get(row.channel_id) as ChannelRow;
        return { delivery: toDelivery(row), channel: toChannel(channel) };
      });
    },
    async recordAttempt(input) {
      const s = statements();
      const { attempt } = input;
      return s.db.transaction(() => {
        const changed = s.finishAttempt.run({
          id: input.deliveryId,
          attempt: attempt.attempt,
          status: input.deliveryStatus,
          next: input.nextAttemptAt,
          at: attempt.at,
          code: attempt.status,
          answer: attempt.answer,
          error: attempt.error,
        }).changes;
        if (changed === 0) return false;
        s.insertAttempt.run(
          input.deliveryId,
          attempt.attempt,
          attempt.at,
          attempt.durationMs,
          attempt.status,
          attempt.answer,
          attempt.error,
        );
        return true;
      })();
    },
    async pruneDeliveries(before, maxRows) {
      const s = statements();
      return s.db.transaction(() => {
        const ids = s.settledBefore.all(before, before, maxRows).map((row) => row.id);
        for (const id of ids) s.deleteDelivery.run(id);
        return ids.length;
      })();
    },
    async deliveryLog(channelId, limit) {
      const s = statements();
      return withAttempts(s.latestDeliveries.all(channelId, limit), s.attemptsOfLatest.all(channelId, limit));
    },
  };
}

function prepare(db: SqliteDatabase) {
  return {
    db,
    insertChannel: db.prepare(
      `INSERT INTO alert_channels (service_id, name, kind, target, secret, created_at) VALUES (?, ?, ?, ?, ?, ?)
       RETURNING ${CHANNEL_COLUMNS}`,
    ),
    channelById: db.prepare<[number], ChannelRow>(`SELECT ${CHANNEL_COLUMNS} FROM alert_channels WHERE id = ?`),
    channelsOfService: db.prepare<[number], ChannelRow>(
      `SELECT ${CHANNEL_COLUMNS} FROM alert_channels WHERE service_id = ? ORDER BY id`,
    ),
    countOfService: db.prepare<[number], { count: number }>(
      'SELECT count(*) AS count FROM alert_channels WHERE service_id = ?',
    ),
    updateChannel: db.prepare<[string, string, number], ChannelRow>(
      `UPDATE alert_channels SET name = ?, target = ? WHERE id = ? RETURNING ${CHANNEL_COLUMNS}`,
    ),
    deleteChannel: db.prepare<[number]>('DELETE FROM alert_channels WHERE id = ?'),
    insertTest: db.prepare(
      `INSERT INTO alert_deliveries (channel_id, transition_id, message_id, payload, status, created_at, next_attempt_at)
       VALUES (?, NULL, ?, ?, 'pending', ?, ?) RETURNING ${DELIVERY_COLUMNS}`,
    ),
    anyDue: db.prepare<[number, number], { found: number }>(
      `SELECT 1 AS found FROM alert_deliveries
       WHERE status = 'pending' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?) LIMIT 1`,
    ),
    claim: db.prepare<[number, number, number, number], DeliveryRow>(
      `UPDATE alert_deliveries SET lease_until = ?
       WHERE id IN (SELECT id FROM alert_deliveries
                    WHERE status = 'pending' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?)
                    ORDER BY next_attempt_at, id LIMIT ?)
       RETURNING ${DELIVERY_COLUMNS}`,
    ),
    // `attempts = @attempt - 1`: a late recorder of an attempt someone else already recorded changes nothing
    finishAttempt: db.prepare(
      `UPDATE alert_deliveries
       SET attempts = @attempt, status = @status,
           next_attempt_at = CASE WHEN @status = 'pending' THEN @next ELSE next_attempt_at END,
           lease_until = NULL, last_attempt_at = @at, last_status = @code, last_answer = @answer, last_error = @error
       WHERE id = @id AND attempts = @attempt - 1 AND status = 'pending'`,
    ),
    insertAttempt: db.prepare(
      `INSERT INTO alert_delivery_attempts (delivery_id, attempt, at, duration_ms, status, answer, error)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    // by the due index: a settled delivery's next_attempt_at is when it was last due
    settledBefore: db.prepare<[number, number, number], { id: number }>(
      `SELECT id FROM alert_deliveries
       WHERE (status = 'delivered' AND next_attempt_at < ?) OR (status = 'gave_up' AND next_attempt_at < ?) LIMIT ?`,
    ),
    deleteDelivery: db.prepare<[number]>('DELETE FROM alert_deliveries WHERE id = ?'),
    latestDeliveries: db.prepare<[number, number], DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM alert_deliveries WHERE channel_id = ? ORDER BY id DESC LIMIT ?`,
    ),
    attemptsOfLatest: db.prepare<[number, number], AttemptRow>(
      `SELECT ${ATTEMPT_COLUMNS} FROM alert_delivery_attempts
       WHERE delivery_id IN (SELECT id FROM alert_deliveries WHERE channel_id = ? ORDER BY id DESC LIMIT ?)`,
    ),
  };
}
